import type { LocalizedText } from '@liandong/contracts';

/** Chinese and English text in one call, to keep the built-in definitions readable. */
export const t = (zh: string, en: string): LocalizedText => ({ zh, en });
