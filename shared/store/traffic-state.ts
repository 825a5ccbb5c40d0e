/**
 * The traffic view of the log: a pure fold of events into routes, HTTP exchanges, WebSocket connections and
 * an ordered list of rows. The Node side and the renderer fold the same events with this code, and a session
 * file folded later gives the same state as the live store that recorded it.
 *
 * Performance: a batch copies each collection it touches once (copy on write per batch, not per event), so
 * folding 100,000 events stays linear, and entities that did not change keep their identity, which lets
 * React selectors skip rows that did not change.
 */
import type {
  CapturedBody,
  EventOf,
  LogEvent,
} from '../events.js';

export interface RouteView {
  routeId: string;
  listen: { host: string; port: number };
  upstream: string;
  timeoutMs: number;
  up: boolean;
  error: string | null;
}

export interface ExchangeView {
  id: string;
  routeId: string;
  startT: number;
  request: EventOf<'http.request'>;
  requestBody: CapturedBody | null;
  requestBodySeq: number | null;
  response: EventOf<'http.response'> | null;
  responseT: number | null;
  responseBody: CapturedBody | null;
  responseBodySeq: number | null;
  sse: EventOf<'sse.event'>[];
  sseEnd: EventOf<'sse.end'> | null;
  error: EventOf<'http.error'> | null;
  aborted: EventOf<'http.aborted'> | null;
  /** The mock rule that took this exchange (answered, failed, closed, held or delayed it), or null. */
  mock: EventOf<'mock.hit'> | null;
  /** Breakpoint holds of this exchange (its request, its response), in order. */
  pauses: PauseView[];
  endT: number | null;
  state: 'pending' | 'streaming' | 'complete' | 'error' | 'aborted';
}

export interface ConnectionView {
  id: string;
  routeId: string;
  startT: number;
  open: EventOf<'ws.open'> | null;
  failed: EventOf<'ws.upgrade-failed'> | null;
  frames: EventOf<'ws.frame'>[];
  bytes: { toUpstream: number; toClient: number };
  close: EventOf<'ws.close'> | null;
  errors: EventOf<'ws.error'>[];
  /** Calls on this connection that a mock rule answered (its frames are marked `origin: 'mock'`). */
  mockHits: EventOf<'mock.hit'>[];
  /** Frames a breakpoint held on this connection, in order. */
  pauses: PauseView[];
  state: 'open' | 'closed' | 'failed';
}

/** One breakpoint hold: held since `start`, released (how, by whom) at `end`, or still held when `end` is null. */
export interface PauseView {
  start: EventOf<'pause.start'>;
  end: EventOf<'pause.end'> | null;
}

/** One line in the raw traffic list. Rows point into the entity maps; they never copy payloads. */
export type TrafficRow =
  | { kind: 'exchange'; seq: number; id: string }
  | { kind: 'sse'; seq: number; exchangeId: string; index: number }
  | { kind: 'connection'; seq: number; id: string }
  | { kind: 'frame'; seq: number; connectionId: string; index: number }
  | { kind: 'route'; seq: number; event: EventOf<'route.up' | 'route.down' | 'route.error'> }
  | { kind: 'error'; seq: number; event: EventOf<'core.error'> };

export interface TrafficState {
  /** Number of events folded, and the last sequence number seen. */
  eventCount: number;
  lastSeq: number;
  firstT: number | null;
  /** Time of the latest event: "now" for a session's clock (a pending call runs until then). */
  lastT: number | null;
  routes: ReadonlyMap<string, RouteView>;
  exchanges: ReadonlyMap<string, ExchangeView>;
  connections: ReadonlyMap<string, ConnectionView>;
  rows: readonly TrafficRow[];
  /** Events whose owner (exchange or connection) was never opened: kept visible, never dropped. */
  orphans: number;
}

export function emptyTrafficState(): TrafficState {
  return {
    eventCount: 0,
    lastSeq: 0,
    firstT: null,
    lastT: null,
    routes: new Map(),
    exchanges: new Map(),
    connections: new Map(),
    rows: [],
    orphans: 0,
  };
}

/** Mutable working copy for one batch; each collection is copied at most once. */
class Draft {
  private routes: Map<string, RouteView> | null = null;
  private exchanges: Map<string, ExchangeView> | null = null;
  private connections: Map<string, ConnectionView> | null = null;
  private rows: TrafficRow[] | null = null;
  eventCount: number;
  lastSeq: number;
  firstT: number | null;
  lastT: number | null;
  orphans: number;

  constructor(private readonly base: TrafficState) {
    this.eventCount = base.eventCount;
    this.lastSeq = base.lastSeq;
    this.firstT = base.firstT;
    this.lastT = base.lastT;
    this.orphans = base.orphans;
  }

  routeMap(): Map<string, RouteView> {
    return (this.routes ??= new Map(this.base.routes));
  }
  exchangeMap(): Map<string, ExchangeView> {
    return (this.exchanges ??= new Map(this.base.exchanges));
  }
  connectionMap(): Map<string, ConnectionView> {
    return (this.connections ??= new Map(this.base.connections));
  }
  getExchange(id: string): ExchangeView | undefined {
    return (this.exchanges ?? this.base.exchanges).get(id);
  }
  getConnection(id: string): ConnectionView | undefined {
    return (this.connections ?? this.base.connections).get(id);
  }
  pushRow(row: TrafficRow): void {
    (this.rows ??= this.base.rows.slice()).push(row);
  }

  finish(): TrafficState {
    return {
      eventCount: this.eventCount,
      lastSeq: this.lastSeq,
      firstT: this.firstT,
      lastT: this.lastT,
      routes: this.routes ?? this.base.routes,
      exchanges: this.exchanges ?? this.base.exchanges,
      connections: this.connections ?? this.base.connections,
      rows: this.rows ?? this.base.rows,
      orphans: this.orphans,
    };
  }
}

/** Folds a batch of events, in order, into a new state. The input state is not modified. */
export function foldEvents(state: TrafficState, events: readonly LogEvent[]): TrafficState {
  if (events.length === 0) return state;
  const draft = new Draft(state);
  // Entities created or changed in this batch are private to the draft, so later events of the same batch may
  // update them in place instead of copying again.
  const fresh = new Set<object>();
  for (const event of events) applyEvent(draft, fresh, event);
  return draft.finish();
}

function applyEvent(d: Draft, fresh: Set<object>, e: LogEvent): void {
  d.eventCount++;
  d.lastSeq = e.seq;
  if (d.firstT === null) d.firstT = e.t;
  d.lastT = e.t;

  const editExchange = (id: string): ExchangeView | null => {
    const current = d.getExchange(id);
    if (!current) {
      d.orphans++;
      return null;
    }
    if (fresh.has(current)) return current;
    const copy: ExchangeView = { ...current };
    fresh.add(copy);
    d.exchangeMap().set(id, copy);
    return copy;
  };
  const editConnection = (id: string): ConnectionView | null => {
    const current = d.getConnection(id);
    if (!current) {
      d.orphans++;
      return null;
    }
    if (fresh.has(current)) return current;
    const copy: ConnectionView = { ...current };
    fresh.add(copy);
    d.connectionMap().set(id, copy);
    return copy;
  };
  // Arrays inside an entity are copied once per batch too.
  const freshArray = <T>(arr: T[]): T[] => {
    if (fresh.has(arr)) return arr;
    const copy = arr.slice();
    fresh.add(copy);
    return copy;
  };

  switch (e.kind) {
    case 'route.up': {
      d.routeMap().set(e.routeId, {
        routeId: e.routeId,
        listen: e.listen,
        upstream: e.upstream,
        timeoutMs: e.timeoutMs,
        up: true,
        error: null,
      });
      d.pushRow({ kind: 'route', seq: e.seq, event: e });
      return;
    }
    case 'route.down': {
      const current = d.routeMap().get(e.routeId);
      if (current) d.routeMap().set(e.routeId, { ...current, up: false });
      d.pushRow({ kind: 'route', seq: e.seq, event: e });
      return;
    }
    case 'route.error': {
      const current = d.routeMap().get(e.routeId);
      d.routeMap().set(e.routeId, {
        routeId: e.routeId,
        listen: current?.listen ?? e.listen,
        upstream: e.upstream,
        timeoutMs: current?.timeoutMs ?? 0,
        up: false,
        error: e.message,
      });
      d.pushRow({ kind: 'route', seq: e.seq, event: e });
      return;
    }
    case 'http.request': {
      const ex: ExchangeView = {
        id: e.exchangeId,
        routeId: e.routeId,
        startT: e.t,
        request: e,
        requestBody: null,
        requestBodySeq: null,
        response: null,
        responseT: null,
        responseBody: null,
        responseBodySeq: null,
        sse: [],
        sseEnd: null,
        error: null,
        aborted: null,
        mock: null,
        pauses: [],
        endT: null,
        state: 'pending',
      };
      fresh.add(ex);
      d.exchangeMap().set(e.exchangeId, ex);
      d.pushRow({ kind: 'exchange', seq: e.seq, id: e.exchangeId });
      return;
    }
    case 'http.request.body': {
      const ex = editExchange(e.exchangeId);
      if (ex) {
        ex.requestBody = e.body;
        ex.requestBodySeq = e.seq;
      }
      return;
    }
    case 'http.response': {
      const ex = editExchange(e.exchangeId);
      if (!ex) return;
      ex.response = e;
      ex.responseT = e.t;
      if (ex.state === 'pending') ex.state = 'streaming';
      return;
    }
    case 'http.response.body': {
      const ex = editExchange(e.exchangeId);
      if (!ex) return;
      ex.responseBody = e.body;
      ex.responseBodySeq = e.seq;
      ex.endT = e.t;
      if (ex.state === 'pending' || ex.state === 'streaming') ex.state = 'complete';
      return;
    }
    case 'http.error': {
      const ex = editExchange(e.exchangeId);
      if (!ex) return;
      ex.error = e;
      ex.endT = e.t;
      ex.state = 'error';
      return;
    }
    case 'http.aborted': {
      const ex = editExchange(e.exchangeId);
      if (!ex) return;
      ex.aborted = e;
      ex.endT = e.t;
      ex.state = 'aborted';
      return;
    }
    case 'sse.event': {
      const ex = editExchange(e.exchangeId);
      if (!ex) return;
      ex.sse = freshArray(ex.sse);
      ex.sse.push(e);
      d.pushRow({ kind: 'sse', seq: e.seq, exchangeId: e.exchangeId, index: ex.sse.length - 1 });
      return;
    }
    case 'sse.end': {
      const ex = editExchange(e.exchangeId);
      if (ex) ex.sseEnd = e;
      return;
    }
    case 'ws.open': {
      const conn: ConnectionView = {
        id: e.connectionId,
        routeId: e.routeId,
        startT: e.t,
        open: e,
        failed: null,
        frames: [],
        bytes: { toUpstream: 0, toClient: 0 },
        close: null,
        errors: [],
        mockHits: [],
        pauses: [],
        state: 'open',
      };
      fresh.add(conn);
      d.connectionMap().set(e.connectionId, conn);
      d.pushRow({ kind: 'connection', seq: e.seq, id: e.connectionId });
      return;
    }
    case 'ws.upgrade-failed': {
      const conn: ConnectionView = {
        id: e.connectionId,
        routeId: e.routeId,
        startT: e.t,
        open: null,
        failed: e,
        frames: [],
        bytes: { toUpstream: 0, toClient: 0 },
        close: null,
        errors: [],
        mockHits: [],
        pauses: [],
        state: 'failed',
      };
      fresh.add(conn);
      d.connectionMap().set(e.connectionId, conn);
      d.pushRow({ kind: 'connection', seq: e.seq, id: e.connectionId });
      return;
    }
    case 'ws.frame': {
      const conn = editConnection(e.connectionId);
      if (!conn) return;
      conn.frames = freshArray(conn.frames);
      conn.frames.push(e);
      conn.bytes =
        e.direction === 'client-to-upstream'
          ? { toUpstream: conn.bytes.toUpstream + e.size, toClient: conn.bytes.toClient }
          : { toUpstream: conn.bytes.toUpstream, toClient: conn.bytes.toClient + e.size };
      d.pushRow({ kind: 'frame', seq: e.seq, connectionId: e.connectionId, index: conn.frames.length - 1 });
      return;
    }
    case 'ws.close': {
      const conn = editConnection(e.connectionId);
      if (!conn) return;
      conn.close = e;
      conn.state = 'closed';
      return;
    }
    case 'ws.error': {
      const conn = editConnection(e.connectionId);
      if (!conn) return;
      conn.errors = freshArray(conn.errors);
      conn.errors.push(e);
      return;
    }
    case 'mock.hit': {
      // Not a row of its own: the exchange or frames it answered are the rows, marked by this.
      if (e.exchangeId !== undefined) {
        const ex = editExchange(e.exchangeId);
        if (ex) ex.mock = e;
      } else if (e.connectionId !== undefined) {
        const conn = editConnection(e.connectionId);
        if (!conn) return;
        conn.mockHits = freshArray(conn.mockHits);
        conn.mockHits.push(e);
      }
      return;
    }
    case 'pause.start':
    case 'pause.end': {
      // Not rows: they mark the exchange or connection whose item was held.
      const owner = e.exchangeId !== undefined ? editExchange(e.exchangeId) : e.connectionId !== undefined ? editConnection(e.connectionId) : null;
      if (!owner) return;
      owner.pauses = freshArray(owner.pauses);
      if (e.kind === 'pause.start') owner.pauses.push({ start: e, end: null });
      else {
        const at = owner.pauses.findIndex((p) => p.start.pauseId === e.pauseId);
        if (at >= 0) owner.pauses[at] = { start: owner.pauses[at]!.start, end: e };
      }
      return;
    }
    case 'core.error': {
      d.pushRow({ kind: 'error', seq: e.seq, event: e });
      return;
    }
  }
}
