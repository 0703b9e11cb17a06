/**
 * A client of /api/v1/events over a real WebSocket (the `ws` library, as a Node integration
 * would use it): frames are collected in order and taken a few at a time.
 */
import { WebSocket, type ClientOptions } from 'ws';

// Frames are JSON whose shape the test asserts.
export type Frame = Record<string, any>;

/** A refused handshake: the HTTP status and the JSON error body. */
export interface Refusal {
  status: number;
  body: string;
}

export class EventWatch {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #taken = 0;
  #wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('close', () => this.#wake?.());
  }

  /** Opens a stream; rejects with a `Refusal` when the server answers the handshake with an HTTP error. */
  static open(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<EventWatch> {
    const { protocols, ...rest } = options;
    const ws = new WebSocket(url, protocols ?? [], rest);
    const watch = new EventWatch(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(watch));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += String(chunk)));
        response.on('end', () => reject({ status: response.statusCode ?? 0, body } satisfies Refusal));
      });
      ws.once('error', (error) => reject(error));
    });
  }

  /** The next `count` frames not taken yet, waiting for them (at most 10 s: a missing frame fails the test, it does not hang it). */
  async take(count: number): Promise<Frame[]> {
    const deadline = Date.now() + 10_000;
    while (this.frames.length < this.#taken + count) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed after ${this.frames.length} frames, ${count} more awaited`);
      if (Date.now() > deadline) throw new Error(`waited 10 s for ${count} frames; have ${JSON.stringify(this.frames.slice(this.#taken))}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    const frames = this.frames.slice(this.#taken, this.#taken + count);
    this.#taken += count;
    return frames;
  }

  /** How the connection ended, waiting for it (at most 10 s, then the test fails). */
  async ended(): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the connection was not closed within 10 s')), 10_000);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close();
  }
}
