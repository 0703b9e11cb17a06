/**
 * The live event stream (/api/v1/events, docs/api-events.md) for the page: one WebSocket with the
 * session cookie, reconnecting after a drop with `?since=<last seq>&stream=<id>` so nothing is
 * missed; on `reset` (the server's buffer no longer reaches back) the page re-reads its state.
 */
import { useEffect, useRef, useState } from 'react';

export interface KefuEvent {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface AgentStateData {
  agentId: string;
  from: string;
  to: string;
  reason: string | null;
}

export interface QueueStatsData {
  queueId: string;
  waiting: number;
  longestWaitMs: number;
  serviceLevel: { percent: number | null; answered: number; abandoned: number; targetPercent: number; thresholdSeconds: number };
  agents: Record<string, number>;
}

export interface StreamHandlers {
  onEvent: (event: KefuEvent) => void;
  /** Connected afresh or after a reset: whatever the page shows must be read again. */
  onResync: () => void;
  onStatus?: (connected: boolean) => void;
}

export class EventStream {
  #socket: WebSocket | undefined;
  #stream: string | undefined;
  #seq: number | undefined;
  #retryMs = 500;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(private readonly handlers: StreamHandlers) {
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const resume = this.#stream !== undefined && this.#seq !== undefined ? `?since=${this.#seq}&stream=${encodeURIComponent(this.#stream)}` : '';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/events${resume}`);
    this.#socket = socket;
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as KefuEvent & { stream?: string };
      if (frame.type === 'hello') {
        this.#retryMs = 500;
        this.handlers.onStatus?.(true);
        // A hello on a new stream (first connection, or the server restarted) or without a resume: read everything.
        if (resume === '' || frame.stream !== this.#stream) this.handlers.onResync();
        this.#stream = frame.stream;
        if (resume === '' || this.#seq === undefined) this.#seq = frame.seq;
        return;
      }
      if (frame.type === 'reset') {
        this.#seq = frame.seq;
        this.handlers.onResync();
        return;
      }
      this.#seq = frame.seq;
      this.handlers.onEvent(frame);
    };
    socket.onclose = () => {
      this.handlers.onStatus?.(false);
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
    };
  }
}

/** Subscribes a component to the stream while it is mounted; the handlers may change between renders. */
export function useEventStream(handlers: StreamHandlers): boolean {
  const latest = useRef(handlers);
  latest.current = handlers;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const stream = new EventStream({
      onEvent: (event) => latest.current.onEvent(event),
      onResync: () => latest.current.onResync(),
      onStatus: (up) => {
        setConnected(up);
        latest.current.onStatus?.(up);
      },
    });
    return () => stream.close();
  }, []);
  return connected;
}
