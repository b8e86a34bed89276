// A dispatcher in a process of its own, for the crash test:
// `node --import tsx dispatcher-child.ts <dbUrl> <smsUrl> [notify settings as JSON]`.
// It prints "ready" once started and runs until killed (kill -9 in the test) or SIGTERM (clean stop).
import { parseConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';
import { startDispatcher } from '../modules/notify/dispatcher.ts';
import { createSmsProvider } from '../modules/notify/providers/index.ts';

const [dbUrl, smsUrl, notify = '{}'] = process.argv.slice(2);
const config = parseConfig({
  http: {},
  auth: {},
  demo: {},
  db: { url: dbUrl },
  sms: { url: smsUrl },
  notify: JSON.parse(notify),
  log: { level: 'warn' },
  mqtt: { port: 0 },
});
const runtime = await createRuntime(config);
const provider = createSmsProvider(smsUrl, { logger: runtime.deps.logger });
const dispatcher = await startDispatcher(runtime.deps, provider, { pollMs: 20 });
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await dispatcher.stop();
  await runtime.close();
  process.exit(0);
});
