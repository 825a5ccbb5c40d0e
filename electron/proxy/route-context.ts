import type { EventLog } from '../core/event-log.js';
import type { IdSource } from '../core/id-source.js';

/** What a route's HTTP forwarder and WebSocket relay share. */
export interface RouteContext {
  routeId: string;
  upstream: URL;
  timeoutMs: number;
  bodyCap: number;
  frameCap: number;
  log: EventLog;
  ids: IdSource;
  listenLabel(): string;
}
