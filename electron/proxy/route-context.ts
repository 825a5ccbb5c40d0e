import type { EventLog } from '../core/event-log.js';
import type { IdSource } from '../core/id-source.js';
import type { MockRulesStore } from '../core/mock-rules-store.js';
import type { BreakpointRulesStore } from '../core/breakpoint-rules-store.js';
import type { PauseBoard } from './breakpoints/pause-board.js';

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
  /** The breakpoint rules; read on every request and frame, so a change applies at once. */
  breakpoints: BreakpointRulesStore;
  /** The items breakpoints hold now, across all routes (the bridge releases them by id). */
  pauses: PauseBoard;
  listenLabel(): string;
}
