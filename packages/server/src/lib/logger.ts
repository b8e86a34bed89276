import pino, { type Logger } from 'pino';

/**
 * Paths never written to logs in clear: credentials and personal data of citizens
 * and people under care (phones, ID numbers, addresses).
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'key',
  '*.key',
  'phone',
  '*.phone',
  '*.*.phone',
  'idNumber',
  '*.idNumber',
  'address',
  '*.address',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-device-token"]',
  'req.headers.cookie',
];

/** Masks mainland mobile numbers and 18-digit ID numbers inside free text (e.g. log messages). */
export function maskPersonalText(text: string): string {
  return text.replace(/(?<!\d)(\+?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$2****$3').replace(/(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g, '$1********$2');
}

export function createLogger(opts: { level: string; pretty?: boolean; destination?: pino.DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonalText(a) : a)) as typeof args;
        method.apply(this, masked);
      },
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(options);
}

export type { Logger };
