// The process engine's scheduler in a process of its own, for the crash test:
// `node --import tsx scheduler-child.ts <dbUrl> <clockOffsetMs>`. Its clock runs `clockOffsetMs`
// ahead of the wall clock (so the test's timers are due). Prints "ready" once started and runs
// until killed (kill -9 in the test) or SIGTERM (clean stop).
import { parseConfig } from '../config.ts';
import { startScheduler } from '../engine/runtime/scheduler.ts';
import { createRuntime } from '../runtime.ts';

const [dbUrl, offset = '0'] = process.argv.slice(2);
const config = parseConfig({ http: {}, auth: {}, demo: {}, db: { url: dbUrl }, sms: {}, notify: {}, log: { level: 'warn' }, mqtt: { port: 0 } });
const clock = { now: () => new Date(Date.now() + Number(offset)) };
const runtime = await createRuntime(config, { clock });
const scheduler = startScheduler(runtime.deps, 20);
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await scheduler.stop();
  await runtime.close();
  process.exit(0);
});
