/**
 * The bridge over the UI server's WebSocket (`/api/bridge?token=…`), for the browser UI.
 *
 * Everything that arrives is parsed with the shared schemas: the envelope, each call's result with its
 * method's schema, and batch events one by one (a bad event is dropped and counted, the rest are kept).
 * When the socket closes the client reconnects with a bounded backoff; the server then sends a fresh
 * snapshot (`reset: true`), so nothing is lost or doubled across a reconnect.
 */
import {
  bridgeMethods,
  bridgeServerMessageSchema,
  parseBatchEvents,
  type BridgeMethod,
  type BridgeParams,
  type BridgeRequest,
  type BridgeResult,
  type EventBatch,
  type ToolscopeBridge,
  type OpenedSession,
  SESSION_STREAM_PATH,
} from '../../../shared/bridge.js';
import { BatchFanout } from './batch-fanout.js';
import type { ConnectionStatusSink } from './connection-store.js';

export interface WsBridgeOptions {
  url: string;
  status: ConnectionStatusSink;
  minRetryMs?: number;
  maxRetryMs?: number;
  /** How long a call may wait for the socket to (re)open before it fails. */
  connectWaitMs?: number;
}

interface PendingCall {
  method: BridgeMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface QueuedCall {
  id: number;
  text: string;
  timer: ReturnType<typeof setTimeout>;
}

export class WsBridgeClient implements ToolscopeBridge {
  private socket: WebSocket | null = null;
  private readonly inFlight = new Map<number, PendingCall>();
  /** Calls made while the socket is not open; sent when it opens. */
  private readonly outbox: QueuedCall[] = [];
  private readonly fanout = new BatchFanout();
  private nextId = 1;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly connectWaitMs: number;

  constructor(private readonly options: WsBridgeOptions) {
    this.minRetryMs = options.minRetryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.connectWaitMs = options.connectWaitMs ?? 15_000;
    options.status.update({ transport: 'websocket' });
    this.connect();
  }

  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
    const id = this.nextId++;
    const request: BridgeRequest = { type: 'call', id, method, params };
    const text = JSON.stringify(request);
    return new Promise<BridgeResult<M>>((resolve, reject) => {
      this.inFlight.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(text);
        return;
      }
      const timer = setTimeout(() => {
        const index = this.outbox.findIndex((queued) => queued.id === id);
        if (index >= 0) this.outbox.splice(index, 1);
        this.settle(id, new Error('not connected to Toolscope: the call could not be sent'));
      }, this.connectWaitMs);
      this.outbox.push({ id, text, timer });
    });
  }

  subscribe(onBatch: (batch: EventBatch) => void): () => void {
    return this.fanout.subscribe(onBatch);
  }

  resnapshot(): void {
    // While the socket is down there is nothing to ask: the reconnect brings a fresh snapshot anyway.
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resnapshot' }));
  }

  /** Closes the socket for good (tests, hot reload). */
  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'client disposed');
    this.failAll(new Error('the bridge was closed'));
  }

  private connect(): void {
    if (this.disposed) return;
    this.retryTimer = null;
    this.options.status.update({ status: 'connecting', retryAt: null });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url);
    } catch (error) {
      this.scheduleReconnect(`cannot open the bridge socket: ${(error as Error).message}`);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.failures = 0;
      this.options.status.update({ status: 'open', retryAt: null });
      for (const queued of this.outbox.splice(0)) {
        clearTimeout(queued.timer);
        socket.send(queued.text);
      }
    });
    socket.addEventListener('message', (message) => this.onMessage(message.data));
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Answers to calls sent on this socket will never come; the new socket starts from a clean slate.
      this.failInFlight(new Error('the connection to Toolscope closed before it answered'));
      if (this.disposed) return;
      const reason = opened
        ? `connection closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`
        : 'Toolscope is not answering; is `toolscope serve` still running? (A token from an earlier run is refused too.)';
      this.scheduleReconnect(reason);
    });
  }

  private scheduleReconnect(reason: string): void {
    this.failures++;
    const base = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** Math.min(this.failures - 1, 10));
    // A little jitter so several tabs do not hammer a restarting server in lockstep.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.options.status.update({ status: 'closed', lastError: reason, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.options.status.rejected(1);
      return;
    }
    const parsed = bridgeServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.options.status.rejected(1);
      return;
    }
    const message = parsed.data;
    if (message.type === 'batch') {
      const { events, rejected } = parseBatchEvents(message.events);
      if (rejected > 0) this.options.status.rejected(rejected);
      this.fanout.publish({ reset: message.reset, events, ...(message.dropped ? { dropped: message.dropped } : {}) });
      return;
    }
    const call = this.inFlight.get(message.id);
    if (!call) return;
    if (!message.ok) {
      this.settle(message.id, new Error(message.error));
      return;
    }
    const result = bridgeMethods[call.method].result.safeParse(message.value);
    if (result.success) this.settle(message.id, null, result.data);
    else this.settle(message.id, new Error(`unexpected answer to ${call.method}: ${result.error.issues[0]?.message ?? 'invalid'}`));
  }

  /** The session file's events as one HTTP body (see SESSION_STREAM_PATH in shared/bridge.ts). */
  async *streamSession(opened: OpenedSession): AsyncGenerator<Uint8Array> {
    const socketUrl = new URL(this.options.url);
    const url = new URL(SESSION_STREAM_PATH, `${socketUrl.protocol === 'wss:' ? 'https:' : 'http:'}//${socketUrl.host}`);
    url.searchParams.set('path', opened.path);
    url.searchParams.set('offset', String(opened.eventsOffset));
    url.searchParams.set('end', String(opened.bytes));
    const controller = new AbortController();
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${socketUrl.searchParams.get('token') ?? ''}` }, cache: 'no-store', signal: controller.signal });
    } catch (error) {
      throw new Error(`cannot read the session from Toolscope: ${(error as Error).message}`);
    }
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      throw new Error(typeof body?.error === 'string' ? body.error : `reading the session failed (HTTP ${response.status})`);
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // A stopped open (Back to live, another file) ends the download too.
      controller.abort();
    }
  }

  private settle(id: number, error: Error | null, value?: unknown): void {
    const call = this.inFlight.get(id);
    if (!call) return;
    this.inFlight.delete(id);
    if (error) call.reject(error);
    else call.resolve(value);
  }

  private failInFlight(error: Error): void {
    const queued = new Set(this.outbox.map((q) => q.id));
    for (const id of [...this.inFlight.keys()]) if (!queued.has(id)) this.settle(id, error);
  }

  private failAll(error: Error): void {
    for (const queued of this.outbox.splice(0)) clearTimeout(queued.timer);
    for (const id of [...this.inFlight.keys()]) this.settle(id, error);
  }
}
