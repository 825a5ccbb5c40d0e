/**
 * foldEvents is the one reducer behind the live store and behind a loaded session file, so it must not care
 * how events are batched, must never modify a state it was given (React keeps the old one), must keep the
 * identity of what a batch did not touch (selectors skip those rows), and must survive events it cannot place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logEventSchema, type CapturedBody, type LogEvent, type NewEvent } from '../../shared/events.js';
import { parseSessionLine } from '../../shared/session-format.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';

// ---- Building events ----

const body = (data: string): CapturedBody => ({ encoding: 'utf8', data, size: data.length, truncated: false, cap: 1024 });

type Op =
  | { op: 'route.up' | 'route.down' | 'route.error'; route: number }
  | { op: 'http.request' | 'http.request.body' | 'http.response' | 'http.response.body' | 'http.error' | 'http.aborted' | 'sse.event' | 'sse.end'; ex: number }
  | { op: 'ws.open' | 'ws.upgrade-failed' | 'ws.frame' | 'ws.close' | 'ws.error'; conn: number; up?: boolean }
  | { op: 'core.error' };

function makeEvent(op: Op, seq: number): LogEvent {
  const t = 1_700_000_000_000 + seq * 1.25;
  let partial: NewEvent;
  switch (op.op) {
    case 'route.up':
      partial = { kind: 'route.up', routeId: `r${op.route}`, listen: { host: '127.0.0.1', port: 7800 + op.route }, upstream: 'http://127.0.0.1:8000/', timeoutMs: 30_000 };
      break;
    case 'route.down':
      partial = { kind: 'route.down', routeId: `r${op.route}` };
      break;
    case 'route.error':
      partial = { kind: 'route.error', routeId: `r${op.route}`, listen: { host: '127.0.0.1', port: 80 }, upstream: 'http://127.0.0.1:8000/', message: 'port 80 is already in use' };
      break;
    case 'http.request':
      partial = {
        kind: 'http.request',
        exchangeId: `x${op.ex}`,
        routeId: 'r1',
        method: 'POST',
        url: `/tool/${op.ex}`,
        httpVersion: '1.1',
        headers: [['content-type', 'application/json']],
        remoteAddress: '127.0.0.1',
        upstreamUrl: `http://127.0.0.1:8000/tool/${op.ex}`,
      };
      break;
    case 'http.request.body':
      partial = { kind: 'http.request.body', exchangeId: `x${op.ex}`, body: body(`{"q":${seq}}`) };
      break;
    case 'http.response':
      partial = { kind: 'http.response', exchangeId: `x${op.ex}`, status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] };
      break;
    case 'http.response.body':
      partial = { kind: 'http.response.body', exchangeId: `x${op.ex}`, body: body(`{"r":${seq}}`) };
      break;
    case 'http.error':
      partial = { kind: 'http.error', exchangeId: `x${op.ex}`, cause: 'refused', code: 'ECONNREFUSED', message: 'refused', statusSent: 502 };
      break;
    case 'http.aborted':
      partial = { kind: 'http.aborted', exchangeId: `x${op.ex}`, by: 'client', phase: 'response', message: 'client went away' };
      break;
    case 'sse.event':
      partial = { kind: 'sse.event', exchangeId: `x${op.ex}`, index: seq, raw: `data: ${seq}\n\n`, byteOffset: seq, byteLength: 10, dispatched: true, type: 'message', data: String(seq) };
      break;
    case 'sse.end':
      partial = { kind: 'sse.end', exchangeId: `x${op.ex}`, events: 1, leftover: null, leftoverOffset: null, complete: true };
      break;
    case 'ws.open':
      partial = {
        kind: 'ws.open',
        connectionId: `w${op.conn}`,
        routeId: 'r1',
        url: '/rt',
        upstreamUrl: 'ws://127.0.0.1:8000/rt',
        headers: [],
        requestedProtocols: [],
        protocol: '',
        remoteAddress: '127.0.0.1',
      };
      break;
    case 'ws.upgrade-failed':
      partial = { kind: 'ws.upgrade-failed', connectionId: `w${op.conn}`, routeId: 'r1', url: '/rt', upstreamUrl: 'ws://127.0.0.1:8000/rt', headers: [], status: 404, message: 'upstream said 404' };
      break;
    case 'ws.frame':
      partial = {
        kind: 'ws.frame',
        connectionId: `w${op.conn}`,
        direction: op.up ? 'client-to-upstream' : 'upstream-to-client',
        opcode: 'text',
        encoding: 'utf8',
        data: `{"n":${seq}}`,
        size: 8 + String(seq).length,
        truncated: false,
      };
      break;
    case 'ws.close':
      partial = { kind: 'ws.close', connectionId: `w${op.conn}`, code: 1000, reason: '', by: 'client' };
      break;
    case 'ws.error':
      partial = { kind: 'ws.error', connectionId: `w${op.conn}`, side: 'upstream', message: 'reset' };
      break;
    case 'core.error':
      partial = { kind: 'core.error', context: 'test', message: 'something' };
      break;
  }
  return { ...partial, seq, t } as LogEvent;
}

const exOps = ['http.request', 'http.request.body', 'http.response', 'http.response.body', 'http.error', 'http.aborted', 'sse.event', 'sse.end'] as const;
const connOps = ['ws.open', 'ws.upgrade-failed', 'ws.frame', 'ws.close', 'ws.error'] as const;
// Small id pools, so events often refer to an exchange or connection opened earlier, and sometimes to one that
// was never opened (an orphan: for example a session file whose start was lost).
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('route.up', 'route.down', 'route.error'), route: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom(...exOps), ex: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom(...connOps), conn: fc.integer({ min: 1, max: 4 }), up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'core.error' as const }) },
);
const eventsArbitrary = fc.array(opArbitrary, { maxLength: 120 }).map((ops) => ops.map((op, i) => makeEvent(op, i + 1)));

function splitInto<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < items.length) {
    const size = sizes.length === 0 ? items.length : sizes[k++ % sizes.length]!;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

function foldBatches(batches: readonly (readonly LogEvent[])[], start = emptyTrafficState()): TrafficState {
  return batches.reduce((state, batch) => foldEvents(state, batch), start);
}

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
    // Object.freeze does not stop Map.set; the structuredClone comparison catches that.
    return value;
  }
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
  return Object.freeze(value);
}

/** A simple model of what the fold must count. */
function expectedCounts(events: readonly LogEvent[]) {
  const exchanges = new Set<string>();
  const connections = new Set<string>();
  let orphans = 0;
  let rows = 0;
  for (const e of events) {
    if (e.kind === 'http.request') {
      exchanges.add(e.exchangeId);
      rows++;
    } else if (e.kind === 'ws.open' || e.kind === 'ws.upgrade-failed') {
      connections.add(e.connectionId);
      rows++;
    } else if (e.kind === 'mock.hit' || e.kind === 'pause.start' || e.kind === 'pause.end') {
      // Marks its exchange or connection; never a row of its own.
    } else if ('exchangeId' in e) {
      if (!exchanges.has(e.exchangeId)) orphans++;
      else if (e.kind === 'sse.event') rows++;
    } else if ('connectionId' in e) {
      if (!connections.has(e.connectionId)) orphans++;
      else if (e.kind === 'ws.frame') rows++;
    } else rows++; // route.* and core.error
  }
  return { orphans, rows, exchanges: exchanges.size, connections: connections.size };
}

// ---- Tests ----

describe('foldEvents', () => {
  it('the generated events are valid log events', () => {
    fc.assert(
      fc.property(eventsArbitrary, (events) => {
        for (const event of events) expect(logEventSchema.safeParse(event).success).toBe(true);
      }),
      { numRuns: 50, seed: 1 },
    );
  });

  it('one batch, many batches and one event at a time give deep-equal states', () => {
    fc.assert(
      fc.property(eventsArbitrary, fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 8 }), (events, sizes) => {
        const whole = foldEvents(emptyTrafficState(), events);
        const batched = foldBatches(splitInto(events, sizes));
        const single = foldBatches(events.map((e) => [e]));
        expect(batched).toEqual(whole);
        expect(single).toEqual(whole);
        const counts = expectedCounts(events);
        expect(whole.eventCount).toBe(events.length);
        expect(whole.lastSeq).toBe(events.length === 0 ? 0 : events[events.length - 1]!.seq);
        expect(whole.firstT).toBe(events[0]?.t ?? null);
        expect(whole.orphans).toBe(counts.orphans);
        expect(whole.rows).toHaveLength(counts.rows);
        expect(whole.exchanges.size).toBe(counts.exchanges);
        expect(whole.connections.size).toBe(counts.connections);
        // Rows are in log order and point at things that exist.
        for (let i = 1; i < whole.rows.length; i++) expect(whole.rows[i]!.seq).toBeGreaterThan(whole.rows[i - 1]!.seq);
        for (const row of whole.rows) {
          if (row.kind === 'sse') expect(whole.exchanges.get(row.exchangeId)!.sse[row.index]!.seq).toBe(row.seq);
          if (row.kind === 'frame') expect(whole.connections.get(row.connectionId)!.frames[row.index]!.seq).toBe(row.seq);
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('never modifies the state it is given (deep-frozen and structuredClone-compared)', () => {
    fc.assert(
      fc.property(eventsArbitrary, fc.integer({ min: 0, max: 120 }), (events, cut) => {
        const before = foldEvents(emptyTrafficState(), events.slice(0, cut));
        const copy = structuredClone(before);
        deepFreeze(before);
        const rest = events.slice(cut);
        // Folded twice from the same old state: both results equal, and the old state is untouched.
        const a = foldBatches(splitInto(rest, [3]), before);
        const b = foldEvents(before, rest);
        expect(a).toEqual(b);
        expect(before).toEqual(copy);
      }),
      { numRuns: 200, seed: 77 },
    );
  });

  it('keeps the identity of routes, exchanges and connections a batch did not touch', () => {
    fc.assert(
      fc.property(eventsArbitrary, fc.integer({ min: 0, max: 120 }), (events, cut) => {
        const before = foldEvents(emptyTrafficState(), events.slice(0, cut));
        const batch = events.slice(cut);
        const after = foldEvents(before, batch);
        const touchedExchanges = new Set(batch.flatMap((e) => ('exchangeId' in e ? [e.exchangeId] : [])));
        const touchedConnections = new Set(batch.flatMap((e) => ('connectionId' in e ? [e.connectionId] : [])));
        const touchedRoutes = new Set(batch.flatMap((e) => ('routeId' in e && e.kind.startsWith('route.') ? [e.routeId] : [])));
        for (const [id, ex] of before.exchanges) if (!touchedExchanges.has(id)) expect(after.exchanges.get(id)).toBe(ex);
        for (const [id, conn] of before.connections) if (!touchedConnections.has(id)) expect(after.connections.get(id)).toBe(conn);
        for (const [id, route] of before.routes) if (!touchedRoutes.has(id)) expect(after.routes.get(id)).toBe(route);
        if (touchedExchanges.size === 0) expect(after.exchanges).toBe(before.exchanges);
        if (touchedConnections.size === 0) expect(after.connections).toBe(before.connections);
        if (batch.length === 0) expect(after).toBe(before);
        // Rows already shown are the same objects, in the same places.
        before.rows.forEach((row, i) => expect(after.rows[i]).toBe(row));
      }),
      { numRuns: 200, seed: 31337 },
    );
  });

  it('a touched exchange is a new object while the old state keeps the old one', () => {
    const events = [makeEvent({ op: 'http.request', ex: 1 }, 1), makeEvent({ op: 'http.request', ex: 2 }, 2)];
    const s1 = foldEvents(emptyTrafficState(), events);
    const s2 = foldEvents(s1, [makeEvent({ op: 'http.response', ex: 1 }, 3), makeEvent({ op: 'sse.event', ex: 1 }, 4)]);
    expect(s2.exchanges.get('x1')).not.toBe(s1.exchanges.get('x1'));
    expect(s2.exchanges.get('x2')).toBe(s1.exchanges.get('x2'));
    expect(s1.exchanges.get('x1')!.state).toBe('pending');
    expect(s1.exchanges.get('x1')!.sse).toEqual([]);
    expect(s2.exchanges.get('x1')!.state).toBe('streaming');
    expect(s2.exchanges.get('x1')!.sse).toHaveLength(1);
    const s3 = foldEvents(s2, [makeEvent({ op: 'http.response.body', ex: 1 }, 5)]);
    expect(s3.exchanges.get('x1')!.state).toBe('complete');
    expect(s3.exchanges.get('x1')!.sse).toBe(s2.exchanges.get('x1')!.sse);
  });

  it('counts events for unknown exchanges and connections as orphans, without throwing or inventing entities', () => {
    const orphans = [...exOps.filter((op) => op !== 'http.request').map((op) => ({ op, ex: 99 }) as Op), ...connOps.filter((op) => op !== 'ws.open' && op !== 'ws.upgrade-failed').map((op) => ({ op, conn: 99 }) as Op)];
    const events = orphans.map((op, i) => makeEvent(op, i + 1));
    const state = foldEvents(emptyTrafficState(), events);
    expect(state.orphans).toBe(events.length);
    expect(state.eventCount).toBe(events.length);
    expect(state.exchanges.size).toBe(0);
    expect(state.connections.size).toBe(0);
    expect(state.rows).toEqual([]);
    // route.down for a route never seen is shown as a row, not a crash.
    const down = foldEvents(state, [makeEvent({ op: 'route.down', route: 9 }, events.length + 1)]);
    expect(down.rows).toHaveLength(1);
    expect(down.routes.size).toBe(0);
  });
});

describe('parseSessionLine on garbage', () => {
  const sample = makeEvent({ op: 'sse.event', ex: 1 }, 7);
  const lineArbitrary = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
    // Real events with one field replaced by anything: near misses are the likely corruption.
    fc.tuple(fc.constantFrom(...Object.keys(sample)), fc.jsonValue()).map(([key, value]) => JSON.stringify({ ...sample, [key]: value })),
    // Real lines cut short, as a killed writer leaves them.
    fc.integer({ min: 0, max: 200 }).map((n) => JSON.stringify(sample).slice(0, n)),
    fc.constantFrom('{"__proto__":{"kind":"core.error"}}', '{"constructor":{"prototype":{}}}', '[]', '""', 'null', '1e999', '{"kind":"http.request"}'),
  );

  it('never throws, and only accepts lines that are valid events', () => {
    fc.assert(
      fc.property(lineArbitrary, (line) => {
        const parsed = parseSessionLine(line);
        if (parsed.ok) expect(logEventSchema.safeParse(parsed.event).success).toBe(true);
        else {
          expect(parsed.message).toBeTypeOf('string');
          expect(parsed.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000, seed: 5 },
    );
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
  });

  it('accepts a real event line and says why a near miss is refused', () => {
    expect(parseSessionLine(JSON.stringify(sample))).toEqual({ ok: true, event: sample });
    expect(parseSessionLine(JSON.stringify(sample).slice(0, 30))).toEqual({ ok: false, message: 'not valid JSON (cut short when the writer was stopped?)' });
    const bad = parseSessionLine(JSON.stringify({ ...sample, byteOffset: -1 }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^not a known event: byteOffset: /);
    const unknownKind = parseSessionLine(JSON.stringify({ ...sample, kind: 'sse.evnt' }));
    expect(!unknownKind.ok && unknownKind.message).toMatch(/^not a known event: kind: /);
  });
});
