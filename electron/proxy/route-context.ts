import type { EventLog } from '../core/event-log.js';
import type { IdSource } from '../core/id-source.js';
import type { MockRulesStore } from '../core/mock-rules-store.js';

/** What a route's HTTP forwarder and WebSocket relay share. */
export interface RouteContext {
  routeId: string;
  upstream: URL;
  timeoutMs: number;
  bodyCap: number;
  frameCap: number;
  log: EventLog;
  ids: IdSource;
  /** The mock rules; read on every request and realtime call, so a change applies at once. */
  mocks: MockRulesStore;
  listenLabel(): string;
}
