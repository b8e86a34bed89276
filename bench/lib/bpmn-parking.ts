// The parking process on bpmn-engine (the npm BPMN engine), for the process benchmark's
// comparison: the same steps, each instance's state persisted as bpmn-engine recovers it.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from 'bpmn-engine';
import { ROOT } from './child.ts';
import { inFlight } from './in-flight.ts';
// 3. bpmn-engine

export const PARKING_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="parking-defs" targetNamespace="http://liandong/bench">
  <message id="vehicleGone" name="vehicle.gone" />
  <process id="parking" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="lookup_owner" />
    <serviceTask id="lookup_owner" name="Look up the owner" implementation="\${environment.services.lookupOwner}" />
    <sequenceFlow id="f2" sourceRef="lookup_owner" targetRef="owner_known" />
    <exclusiveGateway id="owner_known" default="f_unknown" />
    <sequenceFlow id="f_known" sourceRef="owner_known" targetRef="remind">
      <conditionExpression xsi:type="tFormalExpression">\${environment.output.ownerFound}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f_unknown" sourceRef="owner_known" targetRef="enforce" />
    <serviceTask id="remind" name="SMS reminder" implementation="\${environment.services.sendSms}" />
    <sequenceFlow id="f3" sourceRef="remind" targetRef="grace" />
    <eventBasedGateway id="grace" />
    <sequenceFlow id="f4" sourceRef="grace" targetRef="grace_timer" />
    <sequenceFlow id="f5" sourceRef="grace" targetRef="gone" />
    <intermediateCatchEvent id="grace_timer">
      <timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT5M</timeDuration></timerEventDefinition>
    </intermediateCatchEvent>
    <intermediateCatchEvent id="gone">
      <messageEventDefinition messageRef="vehicleGone" />
    </intermediateCatchEvent>
    <sequenceFlow id="f6" sourceRef="grace_timer" targetRef="enforce" />
    <sequenceFlow id="f7" sourceRef="gone" targetRef="self_corrected" />
    <userTask id="enforce" name="Enforcement" />
    <sequenceFlow id="f8" sourceRef="enforce" targetRef="closed" />
    <endEvent id="self_corrected" />
    <endEvent id="closed" />
  </process>
</definitions>`;

/** What bpmn-elements passes a service implementation. */
interface BpmnScope {
  environment: { output: Record<string, unknown> };
}

export interface BpmnFigures {
  starts: number;
  perSec: number;
  stateBytes: number;
  stateBytesMin: number;
  /** Of stateBytes, the serialized model the state carries. */
  modelBytes: number;
  waitingOk: number;
}

/**
 * The same parking process on bpmn-engine: owner lookup against the same vehicles table, an SMS
 * row written to an outbox table, and the engine's state (getState(), what engine.recover()
 * needs to resume) stored per instance — the SMS row and the state commit together, 64 instances
 * in flight, commits grouped like our SQLite write path.
 */
export async function runBpmn(
  file: string,
  plates: string[],
  n: number,
  log: (s: string) => void,
  opts: { inFlight: number; warm: number },
): Promise<BpmnFigures> {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table if not exists bpmn_states (id integer primary key, event_ref text not null, state text not null)');
  sqlite.exec('create table if not exists bpmn_outbox (id integer primary key, phone text not null, body text not null, created_at text not null)');
  const owner = sqlite.prepare('select owner_name, owner_phone from vehicles where plate = ?');
  const putState = sqlite.prepare('insert into bpmn_states (event_ref, state) values (?, ?)');
  const putSms = sqlite.prepare('insert into bpmn_outbox (phone, body, created_at) values (?, ?, ?)');
  let pending: Array<{ ref: string; state: string; sms: { phone: string; body: string } | null }> = [];
  let flushing: Promise<void> | null = null;
  const commit = () => {
    const batch = pending;
    pending = [];
    sqlite.transaction(() => {
      const at = new Date().toISOString();
      for (const p of batch) {
        if (p.sms) putSms.run(p.sms.phone, p.sms.body, at);
        putState.run(p.ref, p.state);
      }
    })();
  };
  const persist = (row: (typeof pending)[number]) =>
    new Promise<void>((resolve) => {
      pending.push(row);
      flushing ??= new Promise<void>((r) =>
        setImmediate(() => {
          commit();
          flushing = null;
          r();
        }),
      );
      void flushing.then(resolve);
    });

  // Parse the model once, as a server would: every instance gets the same serialized context
  // (parsing the XML per instance measured no slower: the engine's run dominates).
  const sourceContext = (await new Engine({ source: PARKING_BPMN }).getDefinitions())[0].environment.options.source;
  let waitingOk = 0;
  let modelBytes = 0;
  const runOne = async (i: number) => {
    const plate = plates[i % plates.length];
    let sms: { phone: string; body: string } | null = null;
    const engine = new Engine({
      name: `parking-${i}`,
      sourceContext,
      services: {
        lookupOwner(scope: BpmnScope, next: (err: Error | null, out?: unknown) => void) {
          const row = owner.get(plate) as { owner_name: string; owner_phone: string | null } | undefined;
          scope.environment.output.ownerFound = !!row?.owner_phone;
          scope.environment.output.phone = row?.owner_phone ?? null;
          next(null, { found: !!row });
        },
        sendSms(scope: BpmnScope, next: (err: Error | null, out?: unknown) => void) {
          sms = { phone: scope.environment.output.phone as string, body: `您的车辆 ${plate} 停放违规，请于5分钟内驶离。` };
          next(null, { queued: true });
        },
      },
    });
    const listener = new EventEmitter();
    const parked = new Promise<void>((resolve, reject) => {
      listener.on('activity.wait', (api: { id: string }) => api.id === 'gone' && resolve());
      listener.on('activity.start', (api: { id: string }) => api.id === 'enforce' && reject(new Error('owner not found in bpmn run')));
    });
    await engine.execute({ listener });
    await parked;
    const raw = await engine.getState();
    const state = JSON.stringify(raw);
    // The state embeds the serialized model (definitions[].source): counted apart, since a
    // server could keep the model once and hand it back at recovery.
    modelBytes += raw.definitions.reduce((a: number, d: { source?: unknown }) => a + (d.source ? JSON.stringify(d.source).length : 0), 0);
    await engine.stop();
    waitingOk++;
    await persist({ ref: `bpmn-${i}`, state, sms });
  };
  const warm = opts.warm;
  const idx = Array.from({ length: n + warm }, (_, i) => i);
  await inFlight(idx.slice(0, warm), opts.inFlight, runOne);
  sqlite.exec('delete from bpmn_states; delete from bpmn_outbox');
  waitingOk = 0;
  const t = performance.now();
  modelBytes = 0;
  await inFlight(idx.slice(warm), opts.inFlight, runOne);
  const perSec = n / ((performance.now() - t) / 1000);
  const sizes = sqlite.prepare('select avg(length(state)) as avg, min(length(state)) as min, count(*) as n from bpmn_states').get() as {
    avg: number;
    min: number;
    n: number;
  };
  sqlite.close();
  log(`  bpmn-engine: ${Math.round(perSec)} starts/s, ${Math.round(sizes.avg)} bytes of state per instance (${sizes.n} stored)`);
  return { starts: n, perSec, stateBytes: sizes.avg, stateBytesMin: sizes.min, modelBytes: modelBytes / n, waitingOk };
}

export function bpmnVersion(): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules/bpmn-engine/package.json'), 'utf8')).version;
  } catch {
    return '';
  }
}
