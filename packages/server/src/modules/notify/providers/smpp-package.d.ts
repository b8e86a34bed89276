/** The part of the `smpp` package (node-smpp, untyped CommonJS) the provider and the simulator use. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  export interface Pdu {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): Pdu;
    toBuffer(): Buffer;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped package: a PDU carries any field of the SMPP spec by name
    [field: string]: any;
  }

  export const PDU: {
    new (command: string, options?: Record<string, unknown>): Pdu;
    fromStream(stream: unknown, commandLength: number): Pdu | false;
    maxLength: number;
  };

  export interface Session extends EventEmitter {
    socket: Socket;
    server?: Server;
    send(pdu: Pdu, responseCallback?: (resp: Pdu) => void, sendCallback?: (pdu: Pdu) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped package: a session has a method per SMPP command
    [command: string]: any;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: { host: string; port: number; [k: string]: unknown }): Session;
  export function createServer(listener: (session: Session) => void): Server;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    PDU: typeof PDU;
  };
  export default smpp;
}
