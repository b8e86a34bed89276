/** One message of a Server-Sent Events stream, with when it arrived (performance.now()). */
export interface SseMessage {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/** A live SSE connection read with a real HTTP client: messages are awaited, never slept for. */
export class SseClient {
  private buffer = '';
  readonly messages: SseMessage[] = [];
  private waiters: Array<() => void> = [];
  /** Called for every message as it arrives (benchmarks time them). */
  onMessage: ((m: SseMessage) => void) | null = null;
  private constructor(
    readonly status: number,
    private readonly controller: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const res = await fetch(url, { headers, signal: controller.signal });
    const client = new SseClient(res.status, controller);
    if (res.status !== 200) {
      client.messages.push({ event: 'error', data: (await res.json()) as Record<string, unknown>, at: performance.now() });
      return client;
    }
    void client.pump(res.body!.getReader());
    return client;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>) {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            const m: SseMessage = { event, data: JSON.parse(data) as Record<string, unknown>, at: performance.now() };
            this.messages.push(m);
            this.onMessage?.(m);
          }
        }
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first message matching; rejects after `ms`. */
  async next(match: (m: SseMessage) => boolean, ms = 10_000): Promise<SseMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching SSE message within ${ms} ms (got: ${this.messages.map((m) => m.event).join(', ')})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close() {
    this.controller.abort();
  }
}
