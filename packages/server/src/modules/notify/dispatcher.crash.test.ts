import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database.ts';
import { FakeClock } from '../../lib/clock.ts';
import { defaultIds } from '../../lib/ids.ts';
import { startChild, until } from '../../testing/child-process.ts';
import { TEST_DIALECTS, openTestDatabase } from '../../testing/databases.ts';
import { SmscSimulator } from '../../testing/smsc-simulator.ts';
import { enqueueNotifications } from './outbox.ts';

/**
 * Issue 3's kill test: a dispatcher process is killed with SIGKILL while SMS are in flight, a new
 * one takes over, and every SMS reaches the SMSC exactly once — none lost, none duplicated on a
 * handset. The SMSC honours user_message_reference (`dedupeByReference`), the provider feature
 * that makes a resend after an ambiguous attempt safe; the attempt log shows the ambiguity.
 */
const COUNT = 200;
const NOTIFY = JSON.stringify({ sendTimeoutMs: 300, claimGraceMs: 200, concurrency: 8, quietHours: 'off' });
const dir = mkdtempSync(join(tmpdir(), 'liandong-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_DIALECTS)('SMS dispatcher killed mid-flight (%s)', (dialect) => {
  it('loses no SMS and sends none twice', async () => {
    // Slow answers keep submits in flight when the kill lands.
    const sim = await SmscSimulator.start({ dedupeByReference: true, responseDelayMs: 15, receipts: false });
    let handle: DatabaseHandle | null = null;
    try {
      let dbUrl: string;
      if (dialect === 'sqlite') {
        dbUrl = join(dir, 'crash.db');
        handle = openDatabase(dbUrl);
      } else {
        const pg = await openTestDatabase('postgres');
        handle = pg;
        dbUrl = pg.url;
      }
      await migrateToLatest(handle.db);
      const clock = new FakeClock(new Date());
      await handle.db.transaction().execute((trx) =>
        enqueueNotifications(
          trx,
          { ids: defaultIds, clock },
          Array.from({ length: COUNT }, (_, i) => ({
            channel: 'sms' as const,
            kind: 'test',
            phone: `1380000${String(i).padStart(4, '0')}`,
            vars: { text: `第${i}条` },
            urgent: true,
            idempotencyKey: `crash:${i}`,
          })),
        ),
      );
      const smsUrl = sim.url('window=8&dedupeByReference=1&timeoutMs=300');

      const first = startChild('dispatcher-child.ts', [dbUrl, smsUrl, NOTIFY]);
      await first.ready;
      await until(() => sim.submitCount >= 60, 'the first dispatcher to be sending');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      const atKill = sim.submitCount;
      expect(atKill).toBeLessThan(COUNT); // the second dispatcher has real work left

      const second = startChild('dispatcher-child.ts', [dbUrl, smsUrl, NOTIFY]);
      await second.ready;
      await until(async () => {
        const open = await handle!.db
          .selectFrom('notifications')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'not in', ['sent', 'delivered'])
          .executeTakeFirstOrThrow();
        return Number(open.n) === 0;
      }, 'every SMS to be sent');
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));

      const accepted = sim.submits.filter((s) => s.messageId !== null);
      const handsets = new Set(accepted.map((s) => s.messageId));
      const numbers = new Set(accepted.map((s) => s.destinationAddr));
      expect(numbers.size).toBe(COUNT); // none lost
      expect(handsets.size).toBe(COUNT); // none delivered twice
      const rows = await handle.db.selectFrom('notifications').select(['provider_message_id']).execute();
      expect(new Set(rows.map((r) => r.provider_message_id)).size).toBe(COUNT);
      // Whatever was cut short by the kill is on record, not hidden.
      const resent = accepted.length - COUNT;
      const ambiguous = await handle.db.selectFrom('notification_attempts').select('id').where('outcome', '=', 'ambiguous').execute();
      expect(ambiguous.length).toBeGreaterThanOrEqual(resent);
    } finally {
      await handle?.close();
      await sim.stop();
    }
  }, 120_000);
});
