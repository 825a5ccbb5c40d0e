/**
 * The core that both the desktop app and `toolscope serve` run: the event log, the session file, and the
 * routes. Everything the UI may ask of it goes through `bridge-handler.ts`.
 */
import fs from 'node:fs';
import type { RouteInfo, RouteSpec } from '../../shared/bridge.js';
import { EventLog, now } from './event-log.js';
import { IdSource } from './id-source.js';
import { RouteListener } from '../proxy/route-listener.js';
import { DEFAULT_BODY_CAP } from '../proxy/body-capture.js';
import { SessionWriter } from '../session/session-writer.js';
import { parseUpstreamUrl } from '../../shared/route-flag.js';
import type { ToolscopeConfig } from '../../shared/config/toolscope-config.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

export interface CoreOptions {
  appVersion: string;
  /** Where the session is written; null keeps it in memory only (tests, benchmarks). */
  sessionFile: string | null;
  bodyCap?: number;
  frameCap?: number;
  defaultTimeoutMs?: number;
  /** The config file's contents, passed to the UI so its analysis uses the same settings. */
  config?: ToolscopeConfig | null;
}

export class ToolscopeCore {
  readonly log = new EventLog();
  readonly startTime = now();
  private readonly ids = new IdSource();
  private readonly routes = new Map<string, RouteListener>();
  private readonly writer: SessionWriter | null;
  private closed = false;

  constructor(readonly options: CoreOptions) {
    this.writer = options.sessionFile ? new SessionWriter(options.sessionFile, options.appVersion, this.startTime) : null;
    if (this.writer) {
      const writer = this.writer;
      this.log.addSink((event) => writer.append(event));
    }
  }

  get sessionFile(): string | null {
    return this.writer?.filePath ?? null;
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
    await Promise.all([...this.routes.keys()].map((id) => this.removeRoute(id)));
    this.writer?.close();
  }
}
