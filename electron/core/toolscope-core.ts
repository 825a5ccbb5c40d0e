/**
 * The core that both the desktop app and `toolscope serve` run: the event log, the session file, and the
 * routes. Everything the UI may ask of it goes through `bridge-handler.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BridgeParams, ResendResult, RouteInfo, RouteSpec } from '../../shared/bridge.js';
import { sendRequest } from '../replay/request-sender.js';
import { EventLog, now, type RetentionLimits } from './event-log.js';
import type { LogEvent } from '../../shared/events.js';
import { IdSource } from './id-source.js';
import { MockRulesStore } from './mock-rules-store.js';
import { BreakpointRulesStore } from './breakpoint-rules-store.js';
import { PauseBoard } from '../proxy/breakpoints/pause-board.js';
import { RouteListener } from '../proxy/route-listener.js';
import { DEFAULT_BODY_CAP } from '../proxy/body-capture.js';
import { SessionWriter } from '../session/session-writer.js';
import { stampedSessionFile, uniquePath } from '../session/session-file-name.js';
import { parseUpstreamUrl } from '../../shared/route-flag.js';
import { analysisOptionsFrom, type ToolscopeConfig } from '../../shared/config/toolscope-config.js';
import { CallCount, mayStartCall } from './call-count.js';
import { SessionCatalog, type LiveSessionInfo } from '../session/session-catalog.js';
import type { ConfigFileState } from './config-watcher.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_LISTEN_HOST = '127.0.0.1';
/** Dropped events counted per turn of the event loop (a few milliseconds of analysis). */
const COUNT_SLICE = 250;
/** Events analysed per turn of the event loop when the Sessions list asks for the live session's calls. */
const LIVE_COUNT_SLICE = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface DroppedChunk {
  /** The events of the chunk that may matter for counting calls (see countDroppedCalls). */
  events: LogEvent[];
  /** The seq range the chunk covered. */
  first: number;
  last: number;
}

export interface CoreOptions {
  appVersion: string;
  /** Where the session is written; null keeps it in memory only (tests, benchmarks). */
  sessionFile: string | null;
  bodyCap?: number;
  frameCap?: number;
  defaultTimeoutMs?: number;
  /** The config file's contents, passed to the UI so its analysis uses the same settings. */
  config?: ToolscopeConfig | null;
  /**
   * Where session files are listed, HAR imports are written, and New session starts its file. Defaults to
   * the folder of `sessionFile`; null (with no session file) disables them.
   */
  sessionsDirectory?: string | null;
  /** The path for the next session file (New session); defaults to a stamped name in `sessionsDirectory`. */
  nextSessionFile?: () => string;
  /**
   * How much of the session the core keeps in memory (the session file always gets everything): estimated
   * bytes and a count of events; defaults 256 MB and 1,000,000 events (see event-log.ts).
   */
  retention?: Partial<RetentionLimits>;
}

export class ToolscopeCore {
  readonly log: EventLog;
  /** The mock rules every route runs (set through the bridge and from the config file). */
  readonly mocks = new MockRulesStore();
  /** The breakpoint rules every route runs (set through the bridge). */
  readonly breakpoints = new BreakpointRulesStore();
  /** The config file this core was started with (`--config`): its reload error, and where the UI saves rules. */
  configFile: ConfigFileState | null = null;
  private started = now();
  private readonly ids = new IdSource();
  /** The items breakpoints hold now, on every route; `releasePause` acts on them. */
  readonly pauses: PauseBoard;
  private readonly routes = new Map<string, RouteListener>();
  private writer: SessionWriter | null = null;
  private removeWriterSink: (() => void) | null = null;
  private closed = false;
  private sessionCatalog: SessionCatalog | null = null;
  /** Calls in the retained events, analysed again only when the log changed (see liveSession). */
  private liveCalls: { appended: number; dropped: number; calls: number } | null = null;
  /** Calls that started in events already dropped from memory, counted as each chunk is dropped. */
  private droppedCalls = 0;
  /** Dropped chunks waiting to be counted, off the append path (see countSomeDrops). */
  private droppedChunks: DroppedChunk[] = [];
  /** The chunk being counted: how far, and the fold so far. */
  private counting: { chunk: DroppedChunk; done: number; count: CallCount } | null = null;
  private countScheduled = false;
  /** Session files this core wrote before the current one (New session), wherever they are. */
  private readonly earlierFiles: string[] = [];
  /** Ends the requests the core is sending itself (resend) when it closes. */
  private readonly sending = new AbortController();

  constructor(readonly options: CoreOptions) {
    this.log = new EventLog(options.retention);
    this.pauses = new PauseBoard(this.log, this.ids);
    this.log.onDrop((chunk) => this.countDroppedCalls(chunk));
    if (options.sessionFile) this.useWriter(new SessionWriter(options.sessionFile, options.appVersion, this.started));
  }

  get startTime(): number {
    return this.started;
  }

  get sessionFile(): string | null {
    return this.writer?.filePath ?? null;
  }

  get sessionsDirectory(): string | null {
    if (this.options.sessionsDirectory !== undefined) return this.options.sessionsDirectory;
    return this.options.sessionFile ? path.dirname(path.resolve(this.options.sessionFile)) : null;
  }

  /**
   * Closes the session file and starts a new one, with the routes kept up: they are written again as the
   * new file's first events, so each session file stands on its own.
   */
  newSession(): void {
    if (this.closed) throw new Error('the core is shutting down');
    const directory = this.sessionsDirectory;
    const next = this.options.nextSessionFile?.() ?? (directory ? stampedSessionFile(directory, new Date()) : null);
    this.started = now();
    if (this.writer) {
      this.removeWriterSink?.();
      this.writer.close();
      this.earlierFiles.push(this.writer.filePath);
      this.writer = null;
    }
    if (next) this.useWriter(new SessionWriter(uniquePath(next), this.options.appVersion, this.started));
    this.droppedChunks = [];
    this.counting = null;
    this.droppedCalls = 0;
    this.liveCalls = null;
    this.log.reset(
      this.listRoutes().map((route) => ({
        kind: 'route.up' as const,
        routeId: route.routeId,
        listen: route.listen,
        upstream: route.upstream,
        timeoutMs: route.timeoutMs,
      })),
    );
  }

  /** The Sessions list of the sessions folder, or null when this core has none. */
  get catalog(): SessionCatalog | null {
    const directory = this.sessionsDirectory;
    if (!directory) return null;
    if (this.sessionCatalog?.directory !== directory) {
      this.sessionCatalog = new SessionCatalog(directory, this.analysisOptions());
    }
    return this.sessionCatalog;
  }

  get earlierSessionFiles(): readonly string[] {
    return this.earlierFiles;
  }

  /**
   * The live session as the Sessions list shows it. Only the retained events are analysed (bounded by the
   * retention limits), and only when the log changed; calls that started in events dropped since are added
   * from `droppedCalls`. A call that straddles a drop may be counted in both or neither: the count is exact
   * until the first drop, and close after. Counted over several turns of the event loop, and only over what
   * can start a call: analysing a full log at once (up to a million events) held the proxy for seconds.
   */
  async liveSession(): Promise<LiveSessionInfo> {
    await this.countWaitingDrops();
    const appended = this.log.appended;
    const dropped = this.log.dropped;
    if (this.liveCalls?.appended !== appended || this.liveCalls.dropped !== dropped) {
      const retained = this.log.all();
      const firstSeq = retained[0]?.seq ?? Infinity;
      const calls = await this.countCalls(retained, retained.length, firstSeq);
      this.liveCalls = { appended, dropped, calls };
    }
    return {
      path: this.sessionFile,
      startedAt: new Date(this.started).toISOString(),
      appVersion: this.options.appVersion,
      events: appended,
      calls: this.droppedCalls + this.liveCalls.calls,
    };
  }

  /** The config file's analysis settings (latency budget, tools …), as the UI applies them. */
  private analysisOptions(): ReturnType<typeof analysisOptionsFrom> {
    return this.options.config ? analysisOptionsFrom(this.options.config) : {};
  }

  /**
   * The calls that start at or after `fromSeq` in the first `end` of `events`, a slice per turn of the event
   * loop. The log only appends to the array it handed out (dropping replaces the array), so those stay as they are.
   */
  private async countCalls(events: readonly LogEvent[], end: number, fromSeq: number): Promise<number> {
    const count = new CallCount(this.analysisOptions());
    for (let i = 0; i < end; i += LIVE_COUNT_SLICE) {
      if (i > 0) await nextTurn();
      count.add(events.slice(i, Math.min(end, i + LIVE_COUNT_SLICE)).filter(mayStartCall));
    }
    return count.startedIn(fromSeq);
  }

  /**
   * Keeps, of a dropped chunk, only what can start or shape a call (see mayStartCall): cheap enough to keep up
   * with the proxy, and the audio frames' memory is free at once.
   */
  private countDroppedCalls(chunk: readonly LogEvent[]): void {
    const events = chunk.filter(mayStartCall);
    if (events.length === 0) return;
    this.droppedChunks.push({ events, first: chunk[0]!.seq, last: chunk[chunk.length - 1]!.seq });
    this.scheduleCounting();
  }

  private scheduleCounting(): void {
    if (this.countScheduled || (this.droppedChunks.length === 0 && !this.counting)) return;
    this.countScheduled = true;
    setImmediate(() => {
      this.countScheduled = false;
      this.countSomeDrops(COUNT_SLICE);
      this.scheduleCounting();
    });
  }

  /** Counts the dropped chunks waiting now (the Sessions list asked), a slice per turn of the event loop. */
  private async countWaitingDrops(): Promise<void> {
    const last = this.droppedChunks[this.droppedChunks.length - 1] ?? this.counting?.chunk;
    while (last && (this.counting?.chunk === last || this.droppedChunks.includes(last))) {
      this.countSomeDrops(LIVE_COUNT_SLICE);
      await nextTurn();
    }
  }

  /**
   * Folds up to `budget` dropped events through the analysis and adds the calls that started in each finished
   * chunk. A dropped chunk is tens of thousands of events (a quarter of the cap), which the analysis takes a few
   * hundred milliseconds for: done in slices, one per turn of the event loop, the proxy never waits that long.
   */
  private countSomeDrops(budget: number): void {
    while (budget > 0) {
      if (!this.counting) {
        const chunk = this.droppedChunks.shift();
        if (!chunk) return;
        this.counting = { chunk, done: 0, count: new CallCount(this.analysisOptions()) };
      }
      const work = this.counting;
      const events = work.chunk.events;
      const slice = events.slice(work.done, work.done + Math.min(budget, events.length - work.done));
      budget -= slice.length;
      work.done += slice.length;
      try {
        work.count.add(slice);
      } catch {
        // A count is not worth a crash; the Sessions list shows one that may be short.
        work.done = events.length;
      }
      if (work.done >= events.length) {
        this.droppedCalls += work.count.startedIn(work.chunk.first, work.chunk.last);
        this.counting = null;
      }
    }
  }

  private useWriter(writer: SessionWriter): void {
    this.writer = writer;
    this.removeWriterSink = this.log.addSink((event, json) => writer.append(event, json));
  }

  /** Starts listening; rejects with a sentence naming the cause (and records it) when the port is unusable. */
  async addRoute(spec: RouteSpec): Promise<RouteInfo> {
    const upstream = parseUpstreamUrl(spec.upstream);
    if (!upstream.ok) throw new Error(upstream.error);
    const routeId = this.ids.next('r');
    const listenHost = spec.listenHost ?? DEFAULT_LISTEN_HOST;
    const timeoutMs = spec.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const listener = new RouteListener(
      {
        routeId,
        listenHost,
        listenPort: spec.listenPort,
        upstream: new URL(upstream.url),
        timeoutMs,
        bodyCap: this.options.bodyCap ?? DEFAULT_BODY_CAP,
        frameCap: this.options.frameCap ?? DEFAULT_BODY_CAP,
      },
      this.log,
      this.ids,
      this.mocks,
      { rules: this.breakpoints, pauses: this.pauses },
    );
    try {
      const listen = await listener.listen();
      this.routes.set(routeId, listener);
      this.log.append({ kind: 'route.up', routeId, listen, upstream: upstream.url, timeoutMs });
      return { routeId, listen, upstream: upstream.url, timeoutMs };
    } catch (error) {
      const message = (error as Error).message;
      this.log.append({
        kind: 'route.error',
        routeId,
        listen: { host: listenHost, port: spec.listenPort },
        upstream: upstream.url,
        message,
      });
      throw error;
    }
  }

  async removeRoute(routeId: string): Promise<boolean> {
    const listener = this.routes.get(routeId);
    if (!listener) return false;
    this.routes.delete(routeId);
    await listener.close();
    this.log.append({ kind: 'route.down', routeId });
    return true;
  }

  listRoutes(): RouteInfo[] {
    const out: RouteInfo[] = [];
    for (const [routeId, listener] of this.routes) {
      const listen = listener.listenAddress;
      if (listen) out.push({ routeId, listen, upstream: listener.options.upstream.href, timeoutMs: listener.options.timeoutMs });
    }
    return out;
  }

  /**
   * Sends a request from the core (replay, edit and resend) and records it as a new exchange. Listed under
   * `routeId`, else under the route whose upstream has the request's origin, else under that origin (as a HAR
   * import names an exchange's route). Network failures come back as `error`; bad input throws.
   */
  resend(params: BridgeParams<'resendRequest'>): Promise<ResendResult> {
    if (this.closed) throw new Error('the core is shutting down');
    return sendRequest(
      { log: this.log, ids: this.ids, bodyCap: this.options.bodyCap ?? DEFAULT_BODY_CAP, signal: this.sending.signal },
      params,
      params.routeId ?? this.routeIdFor(params.request.url),
    );
  }

  private routeIdFor(url: string): string {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return 'resent';
    }
    for (const [routeId, listener] of this.routes) {
      const upstream = new URL(listener.options.upstream.href);
      if (upstream.protocol === 'ws:') upstream.protocol = 'http:';
      else if (upstream.protocol === 'wss:') upstream.protocol = 'https:';
      if (upstream.origin === origin) return routeId;
    }
    return origin;
  }

  /**
   * Sends a frame on a live relayed WebSocket (see WsRelay.inject) and returns the seq of its record. Refused
   * with a sentence when no route of this core carries the connection (an opened old session's, a removed route's).
   */
  injectFrame(params: BridgeParams<'injectFrame'>): number {
    const { connectionId, direction, opcode, data, resentOf } = params;
    for (const listener of this.routes.values()) {
      if (listener.relay.hasConnection(connectionId)) return listener.relay.inject(connectionId, direction, opcode, data, resentOf);
    }
    throw new Error(`connection ${connectionId} is not open in this Toolscope; only live connections can be injected into`);
  }

  /** Copies the session file, flushed, to `target`. */
  saveSessionAs(target: string): number {
    if (!this.writer) throw new Error('this session is not being written to a file');
    this.writer.flush();
    fs.copyFileSync(this.writer.filePath, target);
    return fs.statSync(target).size;
  }

  flush(): void {
    this.writer?.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sending.abort();
    await Promise.all([...this.routes.keys()].map((id) => this.removeRoute(id)));
    this.writer?.close();
  }
}
