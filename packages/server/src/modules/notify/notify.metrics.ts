import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from '../../db/database.ts';
import { countQueued } from './notify.repository.ts';

export interface NotifyMetrics {
  sent: Counter<'provider'>;
  delivered: Counter<'provider'>;
  failed: Counter<'provider'>;
  enqueueToSubmit: Histogram<'provider'>;
}

const cache = new WeakMap<Registry, NotifyMetrics>();

/** The outbox metrics of a registry, created once; the queue gauge is read from the database at scrape time. */
export function notifyMetrics(registry: Registry, db: Db): NotifyMetrics {
  const hit = cache.get(registry);
  if (hit) return hit;
  const registers = [registry];
  const m: NotifyMetrics = {
    sent: new Counter({ name: 'liandong_sms_sent_total', help: 'SMS accepted by the provider', labelNames: ['provider'], registers }),
    delivered: new Counter({ name: 'liandong_sms_delivered_total', help: 'SMS confirmed delivered by a receipt', labelNames: ['provider'], registers }),
    failed: new Counter({
      name: 'liandong_sms_failed_total',
      help: 'SMS that failed for good: rejected, dead-lettered after the last attempt, or reported undelivered',
      labelNames: ['provider'],
      registers,
    }),
    enqueueToSubmit: new Histogram({
      name: 'liandong_sms_enqueue_to_submit_seconds',
      help: 'From the time an SMS was due (enqueue, or the end of its quiet-hours/rate-limit deferral) to its acceptance by the provider',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
  };
  new Gauge({
    name: 'liandong_outbox_queued',
    help: 'SMS waiting in the outbox (queued, or being sent)',
    registers,
    async collect() {
      try {
        this.set(await countQueued(db));
      } catch {
        // A scrape during shutdown or a database outage must not fail the whole /metrics answer.
      }
    },
  });
  cache.set(registry, m);
  return m;
}
