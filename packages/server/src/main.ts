#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigSchema, configFromEnv, listenHost, type Config, type ConfigInput } from './config.ts';
import { buildApp } from './app.ts';
import { listen } from './server.ts';
import { createSmsProvider } from './modules/notify/providers/index.ts';
import { createRuntime } from './runtime.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { seedDemoCounty } from './demo/demo.ts';
import { isDemoPassword, resetDemoPassword } from './demo/demo-password.ts';
import { demoMessage, demoResetMessage, startupMessage, type DemoPasswordStatus } from './startup-message.ts';
import { importBoundaries } from './modules/org/boundary-import.ts';

/** Global flags; each mirrors an environment variable (flags win). */
function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--db <url>', 'SQLite file, :memory: or postgres://… URL').env('LIANDONG_DB'))
    .addOption(new Option('--data-dir <dir>', 'where uploads and the default database live').env('LIANDONG_DATA_DIR'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('LIANDONG_LOG_LEVEL'));
}

function loadConfig(flags: Record<string, unknown>): Config {
  const input = configFromEnv(process.env) as ConfigInput & Record<string, unknown>;
  const set = (group: string, key: string, v: unknown) => {
    if (v === undefined) return;
    input[group] = { ...((input[group] as Record<string, unknown> | undefined) ?? {}), [key]: v };
  };
  set('db', 'url', flags.db);
  if (flags.dataDir) input.dataDir = flags.dataDir as string;
  if (!flags.db && !process.env.LIANDONG_DB && input.dataDir) set('db', 'url', `${input.dataDir}/liandong.db`);
  set('log', 'level', flags.logLevel);
  set('http', 'port', flags.port);
  set('http', 'host', flags.host);
  set('http', 'bodyLimitBytes', flags.bodyLimit);
  set('http', 'webDir', flags.webDir);
  set('demo', 'enabled', flags.demo);
  set('demo', 'password', flags.demoPassword);
  set('sms', 'url', flags.sms);
  set('sms', 'secret', flags.smsSecret);
  set('notify', 'quietHours', flags.smsQuietHours);
  set('notify', 'ratePerHour', flags.smsRatePerHour);
  set('notify', 'maxAttempts', flags.smsMaxAttempts);
  set('notify', 'concurrency', flags.smsConcurrency);
  set('notify', 'onAmbiguous', flags.smsOnAmbiguous);
  set('mqtt', 'port', flags.mqttPort);
  set('mqtt', 'url', flags.mqttUrl);
  set('events', 'goLive', flags.goLive);
  set('events', 'maxFutureMinutes', flags.occurredAtMaxFutureMinutes);
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    // A wrong setting is the operator's input: say which and why, without a stack trace.
    console.error('Invalid configuration:');
    for (const issue of parsed.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
    console.error('See `liandong serve --help` for the settings and their environment variables.');
    process.exit(2);
  }
  return parsed.data;
}

function progressBar(label: string) {
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(24)} {bar} {percentage}% | {value}/{total} {step}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let lastStep = '';
  return {
    update(step: string, done: number, total: number) {
      if (!started || step !== lastStep) {
        if (started) bar.stop();
        bar.start(total, done, { step });
        started = true;
        lastStep = step;
      } else bar.update(done, { step });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Seeds the demo county when missing; says where its accounts' password stands (printed last). */
async function runDemo(config: Config, deps: Parameters<typeof seedDemoCounty>[0]): Promise<DemoPasswordStatus> {
  const bar = progressBar('Demo county');
  const result = await seedDemoCounty(deps, { password: config.demo.password, seed: config.demo.seed, onProgress: (s, d, t) => bar.update(s, d, t) });
  bar.stop();
  await deps.territory.reload();
  if (result.created)
    console.log(
      `Demo county created: ${Object.entries(result.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    );
  else console.log('Demo county already present; nothing changed.');
  if (result.password && !config.demo.password) return { kind: 'generated', password: result.password };
  if (result.password) return { kind: 'from-env' };
  // Seeded at an earlier start: LIANDONG_DEMO_PASSWORD, if set now, may not be what the accounts take.
  if (!config.demo.password) return { kind: 'kept' };
  return (await isDemoPassword(deps, config.demo.seed, config.demo.password)) ? { kind: 'from-env' } : { kind: 'env-not-applied' };
}

const program = new Command().name('liandong').description('Liandong (联动) county social-governance linkage platform');

addCommonOptions(
  program
    .command('serve')
    .description('start the platform: API, web app and background workers')
    .addOption(new Option('--port <port>', 'HTTP port').env('PORT'))
    .addOption(new Option('--host <host>', 'HTTP host').env('HOST'))
    .addOption(new Option('--body-limit <bytes>', 'largest JSON body accepted').env('LIANDONG_BODY_LIMIT'))
    .addOption(new Option('--web-dir <dir>', 'built web app to serve').env('LIANDONG_WEB_DIR'))
    .addOption(new Option('--demo', 'seed the demo county once (idempotent)').env('LIANDONG_DEMO'))
    .addOption(new Option('--demo-password <password>', 'password of every demo account').env('LIANDONG_DEMO_PASSWORD'))
    .addOption(
      new Option(
        '--sms <url>',
        'inbox | smpp://id:pw@host:port?bind=&source=&window=&throughput= | https://gateway | aliyun://KeyId:KeySecret@dysmsapi.aliyuncs.com?sign=&template=',
      ).env('LIANDONG_SMS'),
    )
    .addOption(new Option('--sms-secret <key>', 'HMAC key of the HTTP SMS gateway (requests and receipt webhooks)').env('LIANDONG_SMS_SECRET'))
    .addOption(new Option('--sms-quiet-hours <period>', 'local hours without non-urgent SMS, e.g. 22:00-07:00, or off').env('LIANDONG_SMS_QUIET_HOURS'))
    .addOption(new Option('--sms-rate-per-hour <n>', 'non-urgent SMS per number per hour, 0 = no limit').env('LIANDONG_SMS_RATE_PER_HOUR'))
    .addOption(new Option('--sms-max-attempts <n>', 'attempts before an SMS is dead-lettered').env('LIANDONG_SMS_MAX_ATTEMPTS'))
    .addOption(new Option('--sms-concurrency <n>', 'SMS sent in parallel').env('LIANDONG_SMS_CONCURRENCY'))
    .addOption(
      new Option('--sms-on-ambiguous <policy>', 'after a crash between send and ack, for providers without idempotency: resend | hold').env(
        'LIANDONG_SMS_ON_AMBIGUOUS',
      ),
    )
    .addOption(new Option('--mqtt-port <port>', 'embedded MQTT broker port, 0 = off').env('LIANDONG_MQTT_PORT'))
    .addOption(new Option('--mqtt-url <url>', 'use an external MQTT broker').env('LIANDONG_MQTT_URL'))
    .addOption(
      new Option('--go-live <date>', "the county's go-live: events that say they occurred before it are refused (default 2020-01-01)").env('LIANDONG_GO_LIVE'),
    )
    .addOption(
      new Option('--occurred-at-max-future-minutes <n>', 'how far ahead of the server clock an event may say it occurred (default 5)').env(
        'LIANDONG_OCCURRED_AT_MAX_FUTURE_MINUTES',
      ),
    ),
).action(async (flags) => {
  const config = loadConfig(flags);
  const runtime = await createRuntime(config);
  const { deps } = runtime;
  deps.logger.info({ db: runtime.database.describe }, 'database ready');
  const demo = config.demo.enabled ? await runDemo(config, deps) : null;
  let smsProvider;
  try {
    smsProvider = createSmsProvider(config.sms.url, { logger: deps.logger, clock: deps.clock, ids: deps.ids, secret: config.sms.secret });
  } catch (err) {
    console.error(`Invalid configuration:\n  sms.url: ${(err as Error).message}`);
    await runtime.close();
    process.exit(2);
  }
  const app = await buildApp(deps);
  // Background work starts only here, never in buildApp: tests build apps without loops. The
  // runtime owns the workers and stops them, then the bus and the database, in its close().
  await runtime.startWorkers({ smsProvider });
  const host = listenHost(config);
  const { url } = await listen(app, {
    host,
    port: config.http.port,
    logger: deps.logger,
    closers: [runtime.close],
  });
  // Last, after the progress bars and the log lines of the start: where it listens, and the demo's password.
  console.log(startupMessage({ url, host, demo }));
});

addCommonOptions(program.command('migrate').description('apply database migrations')).action(async (flags) => {
  const config = loadConfig(flags);
  const database = openDatabase(config.db.url);
  const result = await migrateToLatest(database.db);
  for (const r of result.results ?? []) console.log(`${r.status.padEnd(8)} ${r.migrationName}`);
  if (!result.results?.length) console.log('Database is up to date.');
  await database.close();
});

addCommonOptions(
  program
    .command('demo')
    .description("seed the deterministic demo county (idempotent), or set its accounts' password")
    .addOption(new Option('--demo-password <password>', 'password of every demo account').env('LIANDONG_DEMO_PASSWORD'))
    .option('--reset-password', "set every demo account's password: --demo-password / LIANDONG_DEMO_PASSWORD, else a new random one (printed)"),
).action(async (flags) => {
  const config = loadConfig(flags);
  const runtime = await createRuntime(config);
  try {
    if (flags.resetPassword) {
      console.log(demoResetMessage(await resetDemoPassword(runtime.deps, { seed: config.demo.seed, password: config.demo.password })));
    } else {
      console.log(demoMessage(await runDemo(config, runtime.deps)));
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
  await runtime.close();
});

addCommonOptions(
  program
    .command('import')
    .description('import boundaries: a GeoJSON FeatureCollection of county/township/village/grid features')
    .argument('<file>', 'GeoJSON file')
    .option('--dry-run', 'validate and report without writing'),
).action(async (file: string, flags) => {
  const config = loadConfig(flags);
  const runtime = await createRuntime(config);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`Cannot read ${file} as JSON: ${(err as Error).message}`);
    process.exitCode = 2;
    await runtime.close();
    return;
  }
  const bar = progressBar('Import');
  try {
    const report = await importBoundaries(runtime.deps, input, { dryRun: !!flags.dryRun, onProgress: (d, t) => bar.update('features', d, t) });
    bar.stop();
    for (const issue of report.issues) console.log(`${issue.kind.padEnd(16)} ${issue.message}`);
    console.log(`${report.applied ? 'Applied' : 'Not applied'}: ${report.created} created, ${report.updated} updated, ${report.issues.length} issues`);
    if (!report.applied) process.exitCode = 1;
  } catch (err) {
    bar.stop();
    console.error((err as Error).message);
    process.exitCode = 1;
  }
  await runtime.close();
});

await program.parseAsync(process.argv);
