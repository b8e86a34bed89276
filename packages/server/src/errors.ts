import { ERROR_CODES, type ErrorCode } from '@liandong/contracts';

/** The one application error. Its status comes from the code table in contracts. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = details;
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const notFound = (code: ErrorCode, what: string) => new AppError(code, `${what} not found`);

/**
 * The api.md code for a set of schema issues: a refinement may name one (`params.errorCode`, e.g.
 * ATTACHMENT_URL_INVALID); when every issue names the same code, it is that, else VALIDATION_FAILED.
 */
export function errorCodeOfIssues(issues: ReadonlyArray<object>): ErrorCode {
  const named = issues.map((i) => ((i as { params?: { errorCode?: unknown } }).params ?? {}).errorCode);
  const first = named[0];
  if (typeof first === 'string' && first in ERROR_CODES && named.every((c) => c === first)) return first as ErrorCode;
  return 'VALIDATION_FAILED';
}
