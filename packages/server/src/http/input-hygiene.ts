import type { Api } from './api.ts';
import { AppError } from '../errors.ts';

declare global {
  interface String {
    /** ES2024 (Node 20): false when the string holds a lone UTF-16 surrogate. */
    isWellFormed(): boolean;
    /** ES2024 (Node 20): the string with each lone surrogate replaced by U+FFFD. */
    toWellFormed(): string;
  }
}

const MAX_REPORTED = 10;

/**
 * Paths (`body.reporter.name`, `body.items.3`) of the strings in `value` that are not well-formed
 * Unicode — a lone surrogate, which JSON's `\ud800` escapes can carry and which cannot be stored
 * as UTF-8. Object keys count too. At most MAX_REPORTED are listed.
 */
export function illFormedStrings(value: unknown, path: string, found: string[] = []): string[] {
  if (found.length >= MAX_REPORTED) return found;
  if (typeof value === 'string') {
    if (!value.isWellFormed()) found.push(path);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found.length < MAX_REPORTED; i++) illFormedStrings(value[i], `${path}.${i}`, found);
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (found.length >= MAX_REPORTED) break;
      if (!k.isWellFormed()) found.push(`${path}.${k.toWellFormed()}`);
      else illFormedStrings(v, `${path}.${k}`, found);
    }
  }
  return found;
}

/**
 * Every route, before validation: a request whose parsed body, query or path parameters hold a
 * string that is not well-formed Unicode gets 400 VALIDATION_FAILED naming the fields. Done once
 * here rather than in each schema, so that no route (zod-validated or not) stores one.
 * (Multipart fields and raw bodies are decoded from bytes, which yields U+FFFD, never a lone
 * surrogate; only JSON escapes can produce one.)
 */
export function registerInputHygiene(app: Api): void {
  app.addHook('preValidation', async (req) => {
    const bad = illFormedStrings(req.body, 'body');
    illFormedStrings(req.query, 'querystring', bad);
    illFormedStrings(req.params, 'params', bad);
    if (bad.length === 0) return;
    const message = 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)';
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid request: ${bad.join(', ')} ${message}`,
      bad.map((path) => ({ path, message })),
    );
  });
}
