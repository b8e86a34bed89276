import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub received it: the raw body, so tests can check signatures byte for byte. */
export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubAnswer {
  status: number;
  body?: unknown;
  /** Never answer (to test client timeouts). */
  hang?: boolean;
}

/**
 * A local HTTP endpoint standing in for an SMS gateway (JSON webhook or Aliyun-style): records
 * every request and answers with what `respond` returns (default 200 `{"messageId":"stub-N"}`).
 */
export class HttpSmsStub {
  readonly requests: StubRequest[] = [];
  respond: (req: StubRequest, index: number) => StubAnswer = (_req, i) => ({ status: 200, body: { messageId: `stub-${i + 1}` } });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HttpSmsStub> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded: StubRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        stub.requests.push(recorded);
        const answer = stub.respond(recorded, stub.requests.length - 1);
        if (answer.hang) return;
        const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(payload);
      });
    });
    const stub = new HttpSmsStub(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
