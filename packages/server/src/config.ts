import { z } from 'zod';
import { parseQuietHours } from './lib/quiet-hours.ts';

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/** Every setting, grouped by concern. Parsed once at start; the environment is read only in this file and main.ts. */
export const ConfigSchema = z.object({
  http: z.object({
    /** Unset: 0.0.0.0 (every interface), or 127.0.0.1 with the demo (see listenHost). */
    host: z.string().min(1).optional(),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    bodyLimitBytes: z.coerce.number().int().min(1024).default(1_048_576),
    uploadLimitBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1_048_576),
    trustProxy: bool.default(false),
    /** Serve the built web app from this folder when it exists. */
    webDir: z.string().optional(),
  }),
  db: z.object({
    /** `./data/liandong.db`, `:memory:` or `postgres://…`. */
    url: z.string().default('./data/liandong.db'),
  }),
  dataDir: z.string().default('./data'),
  auth: z.object({
    sessionTtlHours: z.coerce.number().positive().default(12),
    loginMaxAttempts: z.coerce.number().int().positive().default(5),
    loginMaxAttemptsPerIp: z.coerce.number().int().positive().default(30),
    loginWindowSeconds: z.coerce.number().int().positive().default(300),
    /** Secret for signing cursors; random per process when unset. */
    secret: z.string().min(16).optional(),
  }),
  demo: z.object({
    enabled: bool.default(false),
    password: z.string().min(8).optional(),
    seed: z.coerce.number().int().default(20261128),
  }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    pretty: bool.default(false),
  }),
  sms: z.object({
    /** `inbox`, `smpp://…`, `https://…` (JSON gateway) or `aliyun://…`; see providers/index.ts. */
    url: z.string().default('inbox'),
    /** HMAC key of the HTTP gateway: signs each request and verifies its receipt webhooks. */
    secret: z.string().min(16).optional(),
  }),
  /** The notification outbox and its SMS dispatcher. */
  notify: z
    .object({
      /** Local quiet period for non-urgent SMS, e.g. "22:00-07:00"; "off" for none. */
      quietHours: z
        .string()
        .default('22:00-07:00')
        .refine((v) => {
          try {
            parseQuietHours(v);
            return true;
          } catch {
            return false;
          }
        }, 'quiet hours must look like 22:00-07:00, or "off"'),
      /** Local time offset for quiet hours; Asia/Shanghai is UTC+8 all year. */
      utcOffsetMinutes: z.coerce.number().int().min(-720).max(840).default(480),
      /** Non-urgent SMS per number per sliding hour; 0 = no limit. */
      ratePerHour: z.coerce.number().int().min(0).default(5),
      /** Attempts before an SMS is dead-lettered. */
      maxAttempts: z.coerce.number().int().min(1).max(100).default(8),
      /** SMS sent in parallel by one dispatcher. */
      concurrency: z.coerce.number().int().min(1).max(1000).default(32),
      /** A send that takes longer counts as a transient failure (its outcome is ambiguous). */
      sendTimeoutMs: z.coerce.number().int().min(100).default(30_000),
      /**
       * What to do with an SMS whose earlier attempt was cut short (crash between send and ack)
       * when the provider cannot deduplicate: resend (never lost, perhaps twice) or hold (marked
       * failed for an operator, never twice).
       */
      onAmbiguous: z.enum(['resend', 'hold']).default('resend'),
      /** Slack added to a claim beyond the slowest possible pass, before another worker may take the rows over. */
      claimGraceMs: z.coerce.number().int().min(0).default(30_000),
    })
    // Optional as a whole so that configs written before the outbox existed still parse.
    .prefault({}),
  mqtt: z.object({ port: z.coerce.number().int().min(0).max(65535).default(1883), url: z.string().optional() }),
  /** What an event report may say of itself. */
  events: z
    .object({
      /**
       * The county's go-live: an event's `occurredAt` before it is refused (422
       * OCCURRED_AT_OUT_OF_RANGE). A date (`2020-01-01`, midnight UTC) or a date-time with offset.
       */
      goLive: z
        .string()
        .default('2020-01-01')
        .refine((v) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) && Number.isFinite(Date.parse(v)), 'go-live must be a date like 2020-01-01 or an ISO date-time'),
      /** How far an `occurredAt` may lie ahead of the server's clock (reporters' clocks drift). */
      maxFutureMinutes: z.coerce.number().int().min(0).max(1440).default(5),
    })
    .prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/**
 * The test run's one setting (vitest.config.ts): a PostgreSQL server of your own, as an admin URL,
 * used instead of the embedded one the run starts otherwise. '' when unset.
 */
export function testPgAdminUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIANDONG_TEST_PG_URL ?? '';
}

/** Maps `LIANDONG_*` (and PORT/HOST) environment variables onto the config shape. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const pick = <T extends Record<string, string | undefined>>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
  return {
    http: pick({
      host: env.HOST ?? env.LIANDONG_HOST,
      port: env.PORT ?? env.LIANDONG_PORT,
      bodyLimitBytes: env.LIANDONG_BODY_LIMIT,
      uploadLimitBytes: env.LIANDONG_UPLOAD_LIMIT,
      trustProxy: env.LIANDONG_TRUST_PROXY,
      webDir: env.LIANDONG_WEB_DIR,
    }) as ConfigInput['http'],
    db: pick({ url: env.LIANDONG_DB }),
    dataDir: env.LIANDONG_DATA_DIR || undefined,
    auth: pick({
      sessionTtlHours: env.LIANDONG_SESSION_TTL_HOURS,
      loginMaxAttempts: env.LIANDONG_LOGIN_MAX_ATTEMPTS,
      loginMaxAttemptsPerIp: env.LIANDONG_LOGIN_MAX_ATTEMPTS_PER_IP,
      loginWindowSeconds: env.LIANDONG_LOGIN_WINDOW_SECONDS,
      secret: env.LIANDONG_SECRET,
    }) as ConfigInput['auth'],
    demo: pick({ enabled: env.LIANDONG_DEMO, password: env.LIANDONG_DEMO_PASSWORD, seed: env.LIANDONG_DEMO_SEED }) as ConfigInput['demo'],
    log: pick({ level: env.LIANDONG_LOG_LEVEL, pretty: env.LIANDONG_LOG_PRETTY }) as ConfigInput['log'],
    sms: pick({ url: env.LIANDONG_SMS, secret: env.LIANDONG_SMS_SECRET }),
    notify: pick({
      quietHours: env.LIANDONG_SMS_QUIET_HOURS,
      utcOffsetMinutes: env.LIANDONG_SMS_UTC_OFFSET_MINUTES,
      ratePerHour: env.LIANDONG_SMS_RATE_PER_HOUR,
      maxAttempts: env.LIANDONG_SMS_MAX_ATTEMPTS,
      concurrency: env.LIANDONG_SMS_CONCURRENCY,
      claimGraceMs: env.LIANDONG_SMS_CLAIM_GRACE_MS,
      sendTimeoutMs: env.LIANDONG_SMS_SEND_TIMEOUT_MS,
      onAmbiguous: env.LIANDONG_SMS_ON_AMBIGUOUS,
    }) as ConfigInput['notify'],
    mqtt: pick({ port: env.LIANDONG_MQTT_PORT, url: env.LIANDONG_MQTT_URL }) as ConfigInput['mqtt'],
    events: pick({ goLive: env.LIANDONG_GO_LIVE, maxFutureMinutes: env.LIANDONG_OCCURRED_AT_MAX_FUTURE_MINUTES }) as ConfigInput['events'],
  };
}

/**
 * Where the server listens: HOST (`--host`) when set; else every interface, except with the demo,
 * whose accounts all share one password: then only this machine (HOST=0.0.0.0 exposes it).
 */
export function listenHost(config: Config): string {
  return config.http.host ?? (config.demo.enabled ? '127.0.0.1' : '0.0.0.0');
}

export function parseConfig(input: ConfigInput): Config {
  return ConfigSchema.parse(input);
}

/** A config for tests: in-memory database, quiet logs; override what the test needs. */
export function testConfig(overrides: Partial<{ [K in keyof ConfigInput]: Partial<NonNullable<ConfigInput[K]>> | string }> = {}): Config {
  const base: ConfigInput = {
    http: {},
    db: { url: ':memory:' },
    auth: {},
    demo: {},
    log: { level: 'silent' },
    sms: {},
    notify: {},
    mqtt: { port: 0 },
    events: {},
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    merged[k] = typeof v === 'object' && v !== null ? { ...(base as unknown as Record<string, object>)[k], ...v } : v;
  }
  return parseConfig(merged as ConfigInput);
}
