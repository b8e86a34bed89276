import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.ts';

/** The user-facing text for an API error: translated from its code, never the server's English message. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    const text = t(key);
    if (text !== key) return text;
    return t('errors.unknown', { code: err.code });
  }
  return t('errors.unknown', { code: (err as Error)?.message ?? String(err) });
}
