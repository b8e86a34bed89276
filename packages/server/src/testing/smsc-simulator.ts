import { EventEmitter } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import smpp, { type Pdu, type Server, type Session } from 'smpp';

/**
 * A local SMSC for tests and the benchmark, on the `smpp` package's server side. It authenticates
 * binds, answers submit_sm with message ids, records every submit_sm as received (the exact
 * short_message octets, UDH and TLVs), sends delivery receipts by deliver_sm, answers enquire_link,
 * and can misbehave on demand: drop connections, refuse binds, throttle, reject given numbers,
 * answer slowly, deduplicate by user_message_reference.
 */

export interface SimulatorOptions {
  systemId?: string;
  password?: string;
  /** Send a receipt for every submit_sm asking for one (registered_delivery bit 0). Default true. */
  receipts?: boolean;
  receiptDelayMs?: number;
  /** Include receipted_message_id and message_state TLVs in receipts (default true), or text only. */
  receiptTlvs?: boolean;
  /** Delay before answering submit_sm, to let outstanding requests pile up. Default 0. */
  responseDelayMs?: number;
  /** Answer a repeated (destination, user_message_reference, part) with the first message id. */
  dedupeByReference?: boolean;
  /** Keep a record of each submit_sm (default true; the benchmark turns it off). */
  record?: boolean;
}

export interface RecordedSubmit {
  sequenceNumber: number;
  systemId: string;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  esmClass: number;
  priorityFlag: number;
  registeredDelivery: number;
  dataCoding: number;
  /** short_message exactly as received, UDH included. */
  shortMessage: Buffer;
  /** The concatenation IE (`00 03 ref total seq`) when present. */
  concat: { ref: number; total: number; seq: number } | null;
  /** The payload after the UDH, decoded (UCS-2 for data_coding 8, GSM 03.38 basic otherwise). */
  text: string;
  userMessageReference: number | null;
  /** The id answered, or null when the submit was refused. */
  messageId: string | null;
  status: number;
}

export interface ReceiptPlan {
  stat: string;
  err: string;
}

export const SMPP_STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVBNDSTS: 0x04,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RTHROTTLED: 0x58,
} as const;

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT: Record<number, string> = { 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

// Sockets of simulator sessions, whose PDUs keep their raw octets (see the fromStream wrapper).
const simulatorSockets = new WeakSet<object>();
const RAW = Symbol('raw');
let wrapped = false;
function keepRawPdus(): void {
  if (wrapped) return;
  wrapped = true;
  // The package decodes short_message into text; the simulator must see the octets as sent.
  const original = smpp.PDU.fromStream;
  smpp.PDU.fromStream = (stream: unknown, commandLength: number) => {
    if (!simulatorSockets.has(stream as object)) return original(stream, commandLength);
    const socket = stream as Socket;
    const body = socket.read(commandLength - 4) as Buffer | null;
    if (!body) return false;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(commandLength, 0);
    const raw = Buffer.concat([head, body]);
    const pdu = new smpp.PDU(raw as unknown as string);
    (pdu as unknown as Record<symbol, Buffer>)[RAW] = raw;
    return pdu;
  };
}

/** short_message's octets inside a raw submit_sm (the fixed fields are walked, not guessed). */
function rawShortMessage(raw: Buffer): Buffer {
  let offset = 16;
  const skipCString = () => {
    while (raw[offset] !== 0) offset++;
    offset++;
  };
  skipCString(); // service_type
  offset += 2; // source ton, npi
  skipCString(); // source_addr
  offset += 2; // dest ton, npi
  skipCString(); // destination_addr
  offset += 3; // esm_class, protocol_id, priority_flag
  skipCString(); // schedule_delivery_time
  skipCString(); // validity_period
  offset += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
  const length = raw[offset];
  return raw.subarray(offset + 1, offset + 1 + length);
}

function decodePayload(payload: Buffer, dataCoding: number): string {
  if (dataCoding === 0x08) return Buffer.from(payload).swap16().toString('utf16le');
  let out = '';
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === 0x1b && i + 1 < payload.length) out += GSM_EXT[payload[++i]] ?? ' ';
    else out += GSM_BASIC[payload[i]] ?? ' ';
  }
  return out;
}

function smppDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

const MESSAGE_STATE: Record<string, number> = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };

interface BoundSession {
  session: Session;
  systemId: string;
  mode: 'transmitter' | 'receiver' | 'transceiver';
}

export class SmscSimulator extends EventEmitter {
  readonly submits: RecordedSubmit[] = [];
  /** Command names of every PDU received, in order. */
  readonly received: string[] = [];
  /** Successful binds, in order. */
  readonly binds: { systemId: string; mode: string }[] = [];
  /** Receipts sent (message id, stat). */
  readonly receiptsSent: { messageId: string; stat: string }[] = [];
  /** Most submit_sm seen at once without a response yet. */
  maxOutstanding = 0;
  submitCount = 0;

  private outstanding = 0;
  private nextId = 1;
  private bound: BoundSession[] = [];
  private pendingReceipts: { systemId: string; pdu: Pdu }[] = [];
  private refuseStatus: number | null = null;
  private throttleRemaining = 0;
  private readonly failures = new Map<string, number>();
  private readonly receiptPlans = new Map<string, ReceiptPlan>();
  private readonly dedupe = new Map<string, string>();
  private readonly server: Server;
  private readonly opts: Required<SimulatorOptions>;

  private constructor(opts: SimulatorOptions) {
    super();
    this.opts = {
      systemId: 'liandong',
      password: 'secret',
      receipts: true,
      receiptDelayMs: 0,
      receiptTlvs: true,
      responseDelayMs: 0,
      dedupeByReference: false,
      record: true,
      ...opts,
    };
    keepRawPdus();
    this.server = smpp.createServer((session) => this.onSession(session));
  }

  static async start(opts: SimulatorOptions = {}): Promise<SmscSimulator> {
    const sim = new SmscSimulator(opts);
    await new Promise<void>((resolve) => sim.server.listen(0, '127.0.0.1', resolve));
    return sim;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `smpp://id:pw@127.0.0.1:port?…` for createSmsProvider. */
  url(query = '', credentials: { systemId?: string; password?: string } = {}): string {
    const id = encodeURIComponent(credentials.systemId ?? this.opts.systemId);
    const pw = encodeURIComponent(credentials.password ?? this.opts.password);
    return `smpp://${id}:${pw}@127.0.0.1:${this.port}${query ? `?${query.replace(/^\?/, '')}` : ''}`;
  }

  get sessionCount(): number {
    return this.bound.length;
  }

  // ---- behaviour switches ----------------------------------------------------------------------

  /** Refuse every bind with this status (null: accept again). */
  refuseBinds(status: number | null = SMPP_STATUS.ESME_RBINDFAIL): void {
    this.refuseStatus = status;
  }
  /** Answer the next `count` submit_sm with ESME_RTHROTTLED. */
  throttle(count: number): void {
    this.throttleRemaining = count;
  }
  /** Answer submit_sm to this destination with the status (e.g. ESME_RINVDSTADR). */
  failNumber(destination: string, status: number): void {
    this.failures.set(destination, status);
  }
  /** The receipt sent for this destination (default DELIVRD, err 000). */
  receiptFor(destination: string, plan: ReceiptPlan): void {
    this.receiptPlans.set(destination, plan);
  }
  setResponseDelay(ms: number): void {
    this.opts.responseDelayMs = ms;
  }
  /** Cuts every connection at once, without unbind (as a network failure would). */
  dropConnections(): void {
    for (const s of this.server.sessions.slice()) s.socket.destroy();
    this.bound = [];
  }

  /** Resolves at the next emitted event of this name (e.g. 'submit', 'enquire_link', 'bind'). */
  next<T = unknown>(event: 'submit' | 'enquire_link' | 'bind' | 'receipt' | 'close', timeoutMs = 2000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, handler);
        reject(new Error(`simulator: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const handler = (v: T) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.once(event, handler);
    });
  }

  async stop(): Promise<void> {
    for (const s of this.server.sessions.slice()) s.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- protocol --------------------------------------------------------------------------------

  private onSession(session: Session): void {
    simulatorSockets.add(session.socket);
    session.socket.setNoDelay(true);
    let state: BoundSession | null = null;
    session.on('error', () => {});
    session.on('close', () => {
      this.bound = this.bound.filter((b) => b.session !== session);
      this.emit('close');
    });
    session.on('pdu', (pdu: Pdu) => {
      if (this.opts.record) this.received.push(pdu.command);
    });
    const onBind = (mode: BoundSession['mode']) => (pdu: Pdu) => {
      let status: number = SMPP_STATUS.ESME_ROK;
      if (this.refuseStatus !== null) status = this.refuseStatus;
      else if (pdu.system_id !== this.opts.systemId) status = SMPP_STATUS.ESME_RINVSYSID;
      else if (pdu.password !== this.opts.password) status = SMPP_STATUS.ESME_RINVPASWD;
      if (status !== SMPP_STATUS.ESME_ROK) {
        session.send(pdu.response({ command_status: status }));
        session.close();
        return;
      }
      session.send(pdu.response({ system_id: 'LDSMSC' }));
      state = { session, systemId: pdu.system_id, mode };
      this.bound.push(state);
      this.binds.push({ systemId: pdu.system_id, mode });
      this.emit('bind', { systemId: pdu.system_id, mode });
      this.flushReceipts();
    };
    session.on('bind_transmitter', onBind('transmitter'));
    session.on('bind_receiver', onBind('receiver'));
    session.on('bind_transceiver', onBind('transceiver'));
    session.on('enquire_link', (pdu: Pdu) => {
      session.send(pdu.response());
      this.emit('enquire_link');
    });
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: Pdu) => {
      if (!state || state.mode === 'receiver') {
        session.send(pdu.response({ command_status: SMPP_STATUS.ESME_RINVBNDSTS }));
        return;
      }
      this.onSubmit(session, state, pdu);
    });
  }

  private onSubmit(session: Session, state: BoundSession, pdu: Pdu): void {
    this.submitCount++;
    this.outstanding++;
    if (this.outstanding > this.maxOutstanding) this.maxOutstanding = this.outstanding;
    const destination: string = pdu.destination_addr;
    const raw = (pdu as unknown as Record<symbol, Buffer | undefined>)[RAW];
    const shortMessage = raw ? rawShortMessage(raw) : Buffer.alloc(0);
    const udhi = (pdu.esm_class & 0x40) !== 0 && shortMessage.length > 0;
    const udhLength = udhi ? shortMessage[0] + 1 : 0;
    let concat: RecordedSubmit['concat'] = null;
    if (udhi && shortMessage[1] === 0x00 && shortMessage[2] === 0x03) {
      concat = { ref: shortMessage[3], total: shortMessage[4], seq: shortMessage[5] };
    }
    const reference = typeof pdu.user_message_reference === 'number' ? pdu.user_message_reference : null;

    let status: number = SMPP_STATUS.ESME_ROK;
    if (this.throttleRemaining > 0) {
      this.throttleRemaining--;
      status = SMPP_STATUS.ESME_RTHROTTLED;
    } else if (this.failures.has(destination)) status = this.failures.get(destination)!;

    let messageId: string | null = null;
    let duplicate = false;
    if (status === SMPP_STATUS.ESME_ROK) {
      const key = this.opts.dedupeByReference && reference !== null ? `${destination}|${reference}|${concat?.seq ?? 0}` : null;
      const seen = key ? this.dedupe.get(key) : undefined;
      if (seen) {
        messageId = seen;
        duplicate = true;
      } else {
        messageId = String(this.nextId++);
        if (key) this.dedupe.set(key, messageId);
      }
    }

    const record: RecordedSubmit = {
      sequenceNumber: pdu.sequence_number,
      systemId: state.systemId,
      sourceAddr: pdu.source_addr,
      sourceAddrTon: pdu.source_addr_ton,
      sourceAddrNpi: pdu.source_addr_npi,
      destinationAddr: destination,
      destAddrTon: pdu.dest_addr_ton,
      destAddrNpi: pdu.dest_addr_npi,
      esmClass: pdu.esm_class,
      priorityFlag: pdu.priority_flag,
      registeredDelivery: pdu.registered_delivery,
      dataCoding: pdu.data_coding,
      shortMessage,
      concat,
      text: this.opts.record ? decodePayload(shortMessage.subarray(udhLength), pdu.data_coding) : '',
      userMessageReference: reference,
      messageId,
      status,
    };
    if (this.opts.record) this.submits.push(record);

    const respond = () => {
      this.outstanding--;
      session.send(pdu.response(status === SMPP_STATUS.ESME_ROK ? { message_id: messageId } : { command_status: status }));
      this.emit('submit', record);
      if (messageId && !duplicate && this.opts.receipts && (pdu.registered_delivery & 0x01) === 1) {
        const plan = this.receiptPlans.get(destination) ?? { stat: 'DELIVRD', err: '000' };
        const send = () => this.queueReceipt(state.systemId, messageId!, plan, destination, pdu.source_addr);
        if (this.opts.receiptDelayMs > 0) setTimeout(send, this.opts.receiptDelayMs);
        else send();
      }
    };
    if (this.opts.responseDelayMs > 0) setTimeout(respond, this.opts.responseDelayMs);
    else respond();
  }

  private queueReceipt(systemId: string, messageId: string, plan: ReceiptPlan, destination: string, source: string): void {
    const now = smppDate(new Date());
    const text = `id:${messageId} sub:001 dlvrd:${plan.stat === 'DELIVRD' ? '001' : '000'} submit date:${now} done date:${now} stat:${plan.stat} err:${plan.err} text:`;
    const pdu = new smpp.PDU('deliver_sm', {
      source_addr: destination,
      destination_addr: source,
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from(text, 'ascii'),
      ...(this.opts.receiptTlvs ? { receipted_message_id: messageId, message_state: MESSAGE_STATE[plan.stat] ?? 7 } : {}),
    });
    this.pendingReceipts.push({ systemId, pdu });
    this.receiptsSent.push({ messageId, stat: plan.stat });
    this.flushReceipts();
  }

  /** Receipts wait for a receiver or transceiver bind of the same system_id, as an SMSC's queue does. */
  private flushReceipts(): void {
    if (this.pendingReceipts.length === 0) return;
    const waiting = this.pendingReceipts;
    this.pendingReceipts = [];
    for (const r of waiting) {
      const target = this.bound.find((b) => b.systemId === r.systemId && b.mode !== 'transmitter' && b.session.socket.writable);
      if (target) {
        target.session.send(r.pdu);
        this.emit('receipt', r.pdu);
      } else this.pendingReceipts.push(r);
    }
  }
}
