/**
 * A translation typed against the Chinese texts: every key of the Chinese, each a string, so that
 * a key missing here fails the typecheck. English may add i18next's plural forms beside a key
 * (`key_one` for "1 person", the key itself serving as `_other`): pass `count` to t() for them.
 * Chinese has no plural, so it never needs them.
 */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> } & { [plural: `${string}_one`]: string };
