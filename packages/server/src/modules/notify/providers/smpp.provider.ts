import smpp, { type Pdu, type Session } from 'smpp';
import { systemClock, type Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';
import { SmsSendError, type DeliveryReceipt, type OutgoingSms, type SmsProvider, type SmsSendResult } from '../notify.types.ts';
import {
  describeStatus,
  encodeSms,
  isPermanentStatus,
  parseReceiptText,
  receiptOutcome,
  statOfMessageState,
  userMessageReference,
  type AsciiAlphabet,
} from './smpp-encoding.ts';

/**
 * SMPP 3.4 client (operators' protocol), one bound session per provider:
 *
 * - binds as transceiver (default: receipts arrive on the same link) or transmitter (no receipts);
 * - keeps the link alive with enquire_link whenever it has been silent `enquireLinkMs`, and drops
 *   it when an enquire_link goes unanswered for `timeoutMs`;
 * - reconnects with exponential backoff and jitter after a drop or a refused bind;
 * - at most `window` submit_sm await their response, and at most `throughput` are sent per second;
 * - a send made while the link is down waits up to `timeoutMs` for it, then fails transiently
 *   (the outbox retries it: nothing is lost);
 * - every part asks for a delivery receipt; the receipts of a long message's parts are combined
 *   into one DeliveryReceipt under the first part's message id (failed as soon as one part fails).
 *
 * Idempotency: a real SMSC does not deduplicate, so `supportsIdempotency` is false. Each submit_sm
 * carries user_message_reference (TLV 0x0204) = the first 16 bits of SHA-256(idempotency key); with
 * `dedupeByReference` (URL `?dedupeByReference=1`) the SMSC is declared to drop a repeated reference
 * to the same number, and the provider reports supportsIdempotency true. 16 bits is narrow: enable
 * it only for an SMSC whose dedupe window is short.
 */
export interface SmppProviderOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  bind: 'transceiver' | 'transmitter';
  /** source_addr: the sender code (e.g. an SP number 10690000), empty = the SMSC's default. */
  source: string;
  sourceTon: number;
  sourceNpi: number;
  /** Send destinations as international (TON 1, `86` prefix) instead of national digits (TON 0). */
  international: boolean;
  window: number;
  /** Max submit_sm per second; 0 = only the window limits. */
  throughput: number;
  enquireLinkMs: number;
  timeoutMs: number;
  reconnectMs: number;
  reconnectMaxMs: number;
  dedupeByReference: boolean;
  ascii: AsciiAlphabet;
}

export const SMPP_DEFAULTS = {
  systemType: '',
  bind: 'transceiver',
  source: '',
  sourceTon: 0,
  sourceNpi: 0,
  international: false,
  window: 10,
  throughput: 0,
  enquireLinkMs: 30_000,
  timeoutMs: 10_000,
  reconnectMs: 1_000,
  reconnectMaxMs: 60_000,
  dedupeByReference: false,
  ascii: 'gsm',
} as const satisfies Partial<SmppProviderOptions>;

/**
 * `smpp://system_id:password@host:port?bind=transceiver|transmitter&source=10690000&window=10
 * &throughput=100&enquireLinkMs=30000&timeoutMs=10000&reconnectMs=1000&reconnectMaxMs=60000
 * &sourceTon=0&sourceNpi=0&international=0&systemType=&ascii=gsm|ia5&dedupeByReference=0`.
 * Credentials are percent-decoded.
 */
export function parseSmppUrl(url: string): SmppProviderOptions {
  const u = new URL(url);
  if (u.protocol !== 'smpp:') throw new Error(`not an smpp:// URL: ${u.protocol}`);
  if (!u.hostname) throw new Error('smpp:// URL without a host');
  const q = u.searchParams;
  const int = (name: string, def: number, min: number) => {
    const raw = q.get(name);
    if (raw === null || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`smpp:// option ${name} must be an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  const flag = (name: string, def: boolean) => {
    const raw = q.get(name);
    return raw === null ? def : ['1', 'true', 'yes'].includes(raw.toLowerCase());
  };
  const bind = q.get('bind') ?? SMPP_DEFAULTS.bind;
  if (bind !== 'transceiver' && bind !== 'transmitter') throw new Error(`smpp:// option bind must be transceiver or transmitter, got "${bind}"`);
  const ascii = q.get('ascii') ?? SMPP_DEFAULTS.ascii;
  if (ascii !== 'gsm' && ascii !== 'ia5') throw new Error(`smpp:// option ascii must be gsm or ia5, got "${ascii}"`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 2775,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    systemType: q.get('systemType') ?? SMPP_DEFAULTS.systemType,
    bind,
    source: q.get('source') ?? SMPP_DEFAULTS.source,
    sourceTon: int('sourceTon', SMPP_DEFAULTS.sourceTon, 0),
    sourceNpi: int('sourceNpi', SMPP_DEFAULTS.sourceNpi, 0),
    international: flag('international', SMPP_DEFAULTS.international),
    window: int('window', SMPP_DEFAULTS.window, 1),
    throughput: int('throughput', SMPP_DEFAULTS.throughput, 0),
    enquireLinkMs: int('enquireLinkMs', SMPP_DEFAULTS.enquireLinkMs, 10),
    timeoutMs: int('timeoutMs', SMPP_DEFAULTS.timeoutMs, 10),
    reconnectMs: int('reconnectMs', SMPP_DEFAULTS.reconnectMs, 1),
    reconnectMaxMs: int('reconnectMaxMs', SMPP_DEFAULTS.reconnectMaxMs, 1),
    dedupeByReference: flag('dedupeByReference', SMPP_DEFAULTS.dedupeByReference),
    ascii,
  };
}

interface Waiter {
  resolve: () => void;
  reject: (err: SmsSendError) => void;
  timer: NodeJS.Timeout;
}

/** The parts of one long message, so their receipts become one. Shared by every part id. */
interface PartGroup {
  firstId: string | null;
  remaining: number;
  settled: boolean;
}

/** Part ids remembered for combining receipts; the oldest are forgotten beyond this. */
const MAX_TRACKED_PARTS = 100_000;

export class SmppProvider implements SmsProvider {
  readonly name = 'smpp';
  readonly supportsIdempotency: boolean;
  private session: Session | null = null;
  private bound = false;
  private stopped = true;
  private onReceipt: ((r: DeliveryReceipt) => void) | null = null;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private outstanding = 0;
  private readonly inFlight = new Set<(err: SmsSendError) => void>();
  private waiters: Waiter[] = [];
  private boundListeners = new Set<() => void>();
  private nextSubmitAt = 0;
  private concatRef = Math.floor(Math.random() * 256);
  private readonly groups = new Map<string, PartGroup>();

  constructor(
    readonly options: SmppProviderOptions,
    private readonly deps: { logger: Logger; clock?: Clock },
  ) {
    this.supportsIdempotency = options.dedupeByReference;
  }

  private get clock(): Clock {
    return this.deps.clock ?? systemClock;
  }

  /** True while a bound session is up. */
  get isBound(): boolean {
    return this.bound;
  }

  /**
   * Starts connecting and waits up to `timeoutMs` for the first bind. An unreachable SMSC does not
   * fail the start: the provider keeps reconnecting and sends wait for it.
   */
  async start(onReceipt: (r: DeliveryReceipt) => void): Promise<void> {
    this.onReceipt = onReceipt;
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    const bound = await this.waitForBind(this.options.timeoutMs);
    if (!bound) this.deps.logger.warn({ host: this.options.host, port: this.options.port }, 'SMPP not bound yet; sends will wait and retry');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new SmsSendError('SMPP provider stopped', false));
    }
    const session = this.session;
    if (!session) return;
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    if (this.bound) {
      // A polite unbind, but never wait long for an SMSC that does not answer it.
      const answered = new Promise<void>((resolve) => {
        session.send(new smpp.PDU('unbind'), () => resolve());
        setTimeout(resolve, Math.min(1000, this.options.timeoutMs)).unref();
      });
      await answered;
    }
    session.destroy();
    await closed;
  }

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    let encoded;
    try {
      this.concatRef = (this.concatRef + 1) & 0xff;
      encoded = encodeSms(sms.text, { ref: this.concatRef, ascii: this.options.ascii });
    } catch (err) {
      throw new SmsSendError((err as Error).message, true);
    }
    const { parts, dataCoding } = encoded;
    const group: PartGroup | null = parts.length > 1 ? { firstId: null, remaining: parts.length, settled: false } : null;
    const ids: string[] = [];
    const reference = userMessageReference(sms.idempotencyKey);
    try {
      for (let i = 0; i < parts.length; i++) {
        const id = await this.submit(
          {
            source_addr_ton: this.options.sourceTon,
            source_addr_npi: this.options.sourceNpi,
            source_addr: this.options.source,
            dest_addr_ton: this.options.international ? 1 : 0,
            dest_addr_npi: 1,
            destination_addr: this.options.international ? `86${sms.to}` : sms.to,
            esm_class: parts.length > 1 ? 0x40 : 0x00,
            priority_flag: sms.urgent ? 1 : 0,
            registered_delivery: 1,
            data_coding: dataCoding,
            short_message: parts[i],
            user_message_reference: reference,
          },
          // Registered synchronously with the response, before a receipt for this part can be read.
          (id) => {
            if (!group) return;
            if (i === 0) group.firstId = id;
            this.trackPart(id, group);
          },
        );
        ids.push(id);
      }
    } catch (err) {
      for (const id of ids) this.groups.delete(id);
      throw err;
    }
    return { providerMessageId: ids[0], parts: parts.length };
  }

  // ---- connection ------------------------------------------------------------------------------

  private connect(): void {
    const { host, port, timeoutMs } = this.options;
    const session = smpp.connect({ host, port });
    this.session = session;
    // Nagle would hold back submit_sm written while one is unanswered: the window is the batching.
    session.socket.setNoDelay(true);
    // A connect or bind that hangs (blackholed host, silent SMSC) is treated as a failed attempt.
    const bindTimer = setTimeout(() => {
      this.deps.logger.warn({ host, port }, 'SMPP connect/bind timed out');
      session.destroy();
    }, timeoutMs);
    session.on('connect', () => {
      const command = this.options.bind === 'transceiver' ? 'bind_transceiver' : 'bind_transmitter';
      const pdu = new smpp.PDU(command, {
        system_id: this.options.systemId,
        password: this.options.password,
        system_type: this.options.systemType,
        interface_version: 0x34,
      });
      session.send(pdu, (resp) => {
        clearTimeout(bindTimer);
        if (resp.command_status !== 0) {
          this.deps.logger.error({ host, port, status: describeStatus(resp.command_status) }, 'SMPP bind refused');
          session.destroy();
          return;
        }
        if (this.session !== session) return;
        this.bound = true;
        this.failures = 0;
        this.deps.logger.info({ host, port, bind: this.options.bind }, 'SMPP bound');
        this.startKeepAlive(session);
        for (const listener of this.boundListeners) listener();
        this.pump();
      });
    });
    session.on('error', (err: Error) => this.deps.logger.warn({ host, port, err: err.message }, 'SMPP connection error'));
    session.on('close', () => {
      clearTimeout(bindTimer);
      this.onClosed(session);
    });
    session.on('pdu', () => this.keepAliveTimer?.refresh());
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('deliver_sm', (pdu: Pdu) => this.onDeliverSm(session, pdu));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('generic_nack', (pdu: Pdu) => this.deps.logger.warn({ status: describeStatus(pdu.command_status) }, 'SMPP generic_nack'));
  }

  private onClosed(session: Session): void {
    if (this.session !== session) return;
    const wasBound = this.bound;
    this.session = null;
    this.bound = false;
    if (this.keepAliveTimer) clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = null;
    // Submits awaiting a response may or may not have reached the SMSC: the outbox decides.
    for (const fail of [...this.inFlight]) fail(new SmsSendError('SMPP connection lost before submit_sm_resp', false));
    if (this.stopped) return;
    if (wasBound) this.deps.logger.warn({ host: this.options.host, port: this.options.port }, 'SMPP connection lost; reconnecting');
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectMs * 2 ** this.failures);
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.failures = Math.min(this.failures + 1, 30);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startKeepAlive(session: Session): void {
    const { enquireLinkMs, timeoutMs } = this.options;
    this.keepAliveTimer = setTimeout(() => {
      if (this.session !== session) return;
      const deadline = setTimeout(() => {
        this.deps.logger.warn({ host: this.options.host }, 'SMPP enquire_link unanswered; dropping the link');
        session.destroy();
      }, timeoutMs);
      session.send(new smpp.PDU('enquire_link'), () => clearTimeout(deadline));
      // Re-armed for the next silence (any inbound PDU also re-arms it).
      this.keepAliveTimer?.refresh();
    }, enquireLinkMs);
  }

  private waitForBind(timeoutMs: number): Promise<boolean> {
    if (this.bound) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.boundListeners.delete(listener);
        resolve(ok);
      };
      const listener = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.boundListeners.add(listener);
    });
  }

  // ---- window and pacing -----------------------------------------------------------------------

  /** Waits for a bound link and a free window slot, at most `timeoutMs`. */
  private acquire(): Promise<void> {
    if (this.stopped) return Promise.reject(new SmsSendError('SMPP provider stopped', false));
    if (this.bound && this.outstanding < this.options.window && this.waiters.length === 0) {
      this.outstanding++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new SmsSendError(
              this.bound ? `SMPP window full for ${this.options.timeoutMs} ms` : `SMSC not reachable within ${this.options.timeoutMs} ms`,
              false,
            ),
          );
        }, this.options.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    this.outstanding--;
    this.pump();
  }

  private pump(): void {
    while (this.bound && this.outstanding < this.options.window && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.outstanding++;
      w.resolve();
    }
  }

  private async pace(): Promise<void> {
    if (this.options.throughput <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSubmitAt);
    this.nextSubmitAt = at + 1000 / this.options.throughput;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  private async submit(fields: Record<string, unknown>, onAccepted: (id: string) => void): Promise<string> {
    await this.acquire();
    try {
      await this.pace();
    } catch (err) {
      this.release();
      throw err;
    }
    const session = this.session;
    if (!session || !this.bound || this.stopped) {
      this.release();
      throw new SmsSendError('SMPP connection lost before submit_sm', false);
    }
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (err: SmsSendError | null, id?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(fail);
        this.release();
        if (err) reject(err);
        else resolve(id!);
      };
      const fail = (err: SmsSendError) => finish(err);
      const timer = setTimeout(() => finish(new SmsSendError(`no submit_sm_resp within ${this.options.timeoutMs} ms`, false)), this.options.timeoutMs);
      this.inFlight.add(fail);
      const written = session.send(new smpp.PDU('submit_sm', fields), (resp) => {
        if (resp.command_status === 0) {
          const id = String(resp.message_id ?? '');
          onAccepted(id);
          finish(null, id);
        } else {
          const status = resp.command_status;
          finish(new SmsSendError(`SMSC rejected submit_sm: ${describeStatus(status)}`, isPermanentStatus(status)));
        }
      });
      if (!written) finish(new SmsSendError('SMPP connection not writable', false));
    });
  }

  // ---- receipts --------------------------------------------------------------------------------

  private onDeliverSm(session: Session, pdu: Pdu): void {
    session.send(pdu.response());
    // esm_class bits 2-5 = 0001: an SMSC delivery receipt; anything else is a mobile-originated message.
    if ((pdu.esm_class & 0x3c) !== 0x04) {
      this.deps.logger.debug('SMPP deliver_sm that is not a receipt ignored');
      return;
    }
    const body = pdu.message_payload ?? pdu.short_message;
    const raw = body && typeof body === 'object' && 'message' in body ? body.message : body;
    const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('latin1') : '';
    const parsed = parseReceiptText(text);
    const id = (typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id) || parsed.id;
    const stat = (typeof pdu.message_state === 'number' ? statOfMessageState(pdu.message_state) : null) ?? parsed.stat;
    if (!id || !stat) {
      this.deps.logger.warn('SMPP receipt without message id or state ignored');
      return;
    }
    const outcome = receiptOutcome(stat);
    if (!outcome) return;
    const error = outcome === 'failed' ? (parsed.err && !/^0+$/.test(parsed.err) ? `${stat} err:${parsed.err}` : stat) : undefined;
    this.settlePart(id, outcome, error);
  }

  private trackPart(id: string, group: PartGroup): void {
    this.groups.set(id, group);
    if (this.groups.size > MAX_TRACKED_PARTS) this.groups.delete(this.groups.keys().next().value!);
  }

  private settlePart(id: string, status: 'delivered' | 'failed', error: string | undefined): void {
    const group = this.groups.get(id);
    if (!group) {
      this.emit({ providerMessageId: id, status, at: this.clock.now().toISOString(), ...(error ? { error } : {}) });
      return;
    }
    this.groups.delete(id);
    if (group.settled || !group.firstId) return;
    if (status === 'failed' || --group.remaining === 0) {
      group.settled = true;
      this.emit({ providerMessageId: group.firstId, status, at: this.clock.now().toISOString(), ...(error ? { error } : {}) });
    }
  }

  private emit(receipt: DeliveryReceipt): void {
    try {
      this.onReceipt?.(receipt);
    } catch (err) {
      this.deps.logger.error({ err }, 'delivery receipt handler failed');
    }
  }
}
