import { z } from 'zod';

/** The one error shape of the public API (api.md, Errors). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Every error code the API can answer with, and its HTTP status.
 * One table so that the server, the web app and the docs agree.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CURSOR: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_API_KEY: 401,
  FORBIDDEN: 403,
  SCOPE_MISSING: 403,
  ACCOUNT_DISABLED: 403,
  OUT_OF_SCOPE: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  ORG_UNIT_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  CATEGORY_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  DUTY_ROSTER_NOT_FOUND: 404,
  CALENDAR_NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  INVALID_STATE: 409,
  STALE_VERSION: 409,
  DUTY_ROSTER_OVERLAP: 409,
  PAYLOAD_TOO_LARGE: 413,
  OUTSIDE_JURISDICTION: 422,
  UNKNOWN_CATEGORY: 422,
  UNKNOWN_ORG_UNIT: 422,
  INVALID_ATTACHMENT: 422,
  BOUNDARY_INVALID: 422,
  SEMANTIC_ERROR: 422,
  TEMPLATE_INVALID: 422,
  NOT_A_MEMBER: 422,
  CALENDAR_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
