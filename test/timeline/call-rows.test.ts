/**
 * The rows of the calls timeline: calls in the order they started (whatever order the analysis recorded them
 * in), hidden by "clear" up to and including the clear mark, counted before and after filtering, and grouped by
 * the connection (realtime) or route (webhooks) that carried them, with folded groups that keep their row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunctionCall } from '../../shared/analysis/model.js';
import { buildCallRows, groupKeyOf, type CallListRow, type CallRowsInput } from '../../shared/timeline/call-rows.js';
import { EMPTY_FILTER, summariseFindingsByCall, type TimelineFilter } from '../../shared/timeline/timeline-filter.js';
import { fixtureJson, haveFixtures, whenFixtures } from '../support/protocol-fixtures.js';
import { callDone, callOutput, DOWN, EventLog, foldAll, foldBatches, mixedSession, UP, type Folded } from './timeline-support.js';

const session = mixedSession();
const whole = foldAll(session.events);

/** Start order of the mixed session (see timeline-filter.test.ts for what each call is). */
const START_ORDER = ['x1/call_order', 'w1/call_a', 'x2/call_slow', 'x3/call_vapi', 'x4/#1', 'x5/#1', 'w1/call_b', 'w2/call_c'];

function input(folded: Folded, patch: Partial<Omit<CallRowsInput, 'filter'>> & { filter?: Partial<TimelineFilter> } = {}): CallRowsInput {
  return {
    callOrder: folded.analysis.callOrder,
    calls: folded.analysis.calls,
    findingsByCall: summariseFindingsByCall(folded.analysis.findings),
    grouped: false,
    foldedGroups: new Set(),
    clearedAfterSeq: 0,
    ...patch,
    filter: { ...EMPTY_FILTER, ...patch.filter },
  };
}

const keysOf = (rows: readonly CallListRow[]) => rows.map((row) => (row.kind === 'call' ? row.callKey : `[${row.groupKey}]`));

describe('order', () => {
  it('lists calls in the order they started when the session is folded in one batch', () => {
    // One batch is how a loaded session file is folded; the analyzer records webhook calls at the end of the batch.
    const { rows, matched, total } = buildCallRows(input(whole));
    expect(keysOf(rows)).toEqual(START_ORDER);
    expect(matched.map((c) => c.key)).toEqual(START_ORDER);
    expect(total).toBe(8);
    const seqs = matched.map((c) => c.startSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('lists calls in the order they started when folded event by event (live)', () => {
    const live = foldBatches(session.events.map((e) => [e])).at(-1)!;
    expect(keysOf(buildCallRows(input(live)).rows)).toEqual(START_ORDER);
  });

  it('gives the same rows however the session was batched', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: session.events.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const batches: (typeof session.events)[] = [];
        let from = 0;
        for (const p of [...points, session.events.length]) {
          if (p > from) batches.push(session.events.slice(from, p));
          from = Math.max(from, p);
        }
        const folded = foldBatches(batches).at(-1)!;
        expect(keysOf(buildCallRows(input(folded)).rows)).toEqual(START_ORDER);
        expect(keysOf(buildCallRows(input(folded, { grouped: true })).rows)).toEqual(keysOf(buildCallRows(input(whole, { grouped: true })).rows));
      }),
      { numRuns: 60 },
    );
  });

  it('puts a webhook call whose body came in a later live batch before a realtime call that started after its request', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r3');
    log.request('x1', 'r1', '/orders');
    log.advance(5).frame('w1', DOWN, callDone('call_rt', 'get_weather', '{}'));
    const n = log.events.length;
    log.advance(5).requestBody('x1', { function_name: 'lookup_order', tool_call_id: 'call_wh', arguments: {} });
    const live = foldBatches([log.events.slice(0, n), log.events.slice(n)]).at(-1)!;
    // The realtime call was read in the first batch, the webhook call in the second; the analysis still keeps
    // them in start order (the webhook's request came first).
    expect(live.analysis.callOrder).toEqual(['x1/call_wh', 'w1/call_rt']);
    expect(keysOf(buildCallRows(input(live)).rows)).toEqual(['x1/call_wh', 'w1/call_rt']);
    expect(keysOf(buildCallRows(input(live, { grouped: true })).rows)).toEqual(['[route:r1]', 'x1/call_wh', '[connection:w1]', 'w1/call_rt']);
  });

  it('keeps the calls of one webhook exchange (same start) in the order the analysis gave them', () => {
    const log = new EventLog();
    log.request('x1', 'r1', '/vapi', {
      message: {
        type: 'tool-calls',
        toolCallList: [
          { id: 'c2', type: 'function', function: { name: 'second', arguments: {} } },
          { id: 'c1', type: 'function', function: { name: 'first', arguments: {} } },
        ],
      },
    });
    const folded = foldAll(log.events);
    expect(folded.analysis.callOrder).toEqual(['x1/c2', 'x1/c1']);
    expect(keysOf(buildCallRows(input(folded)).rows)).toEqual(['x1/c2', 'x1/c1']);
  });

  it('skips keys that have no call', () => {
    const rows = buildCallRows({ ...input(whole), callOrder: ['nope', ...whole.analysis.callOrder, 'gone'] });
    expect(rows.total).toBe(8);
    expect(keysOf(rows.rows)).toEqual(START_ORDER);
  });
});

describe('clear', () => {
  const startSeq = (key: string) => whole.analysis.calls.get(key)!.startSeq;

  it('hides the calls that started at or before the clear mark, and counts only the rest', () => {
    const at = startSeq('x3/call_vapi');
    const atMark = buildCallRows(input(whole, { clearedAfterSeq: at }));
    expect(keysOf(atMark.rows)).toEqual(['x4/#1', 'x5/#1', 'w1/call_b', 'w2/call_c']);
    expect(atMark.total).toBe(4);

    const justBefore = buildCallRows(input(whole, { clearedAfterSeq: at - 1 }));
    expect(keysOf(justBefore.rows)).toEqual(['x3/call_vapi', 'x4/#1', 'x5/#1', 'w1/call_b', 'w2/call_c']);
    expect(justBefore.total).toBe(5);
  });

  it('keeps a call that started before the clear but ended after it hidden (the clear is by start)', () => {
    // w1/call_a started before x2 and was answered later; clearing at x1's start keeps it, at its own start hides it.
    expect(keysOf(buildCallRows(input(whole, { clearedAfterSeq: startSeq('x1/call_order') })).rows)[0]).toBe('w1/call_a');
    expect(keysOf(buildCallRows(input(whole, { clearedAfterSeq: startSeq('w1/call_a') })).rows)).not.toContain('w1/call_a');
  });

  it('hides everything after a clear at the last event, and nothing with 0', () => {
    const all = buildCallRows(input(whole, { clearedAfterSeq: session.seq }));
    expect(all).toEqual({ rows: [], matched: [], total: 0 });
    expect(buildCallRows(input(whole, { clearedAfterSeq: 0 })).total).toBe(8);
  });

  it('counts calls made after the clear in total even when the filter hides them', () => {
    const result = buildCallRows(input(whole, { clearedAfterSeq: startSeq('x2/call_slow'), filter: { statuses: ['pending'] } }));
    expect(result.total).toBe(5);
    expect(result.matched.map((c) => c.key)).toEqual(['w1/call_b', 'w2/call_c']);
  });
});

describe('total and matched', () => {
  it('total is every call, matched those that pass the filter, rows their keys', () => {
    const result = buildCallRows(input(whole, { filter: { text: 'lookup' } }));
    expect(result.total).toBe(8);
    expect(result.matched.map((c) => c.key)).toEqual(['x1/call_order', 'x3/call_vapi']);
    expect(result.rows).toEqual([
      { kind: 'call', callKey: 'x1/call_order' },
      { kind: 'call', callKey: 'x3/call_vapi' },
    ]);
    // matched holds the call objects themselves (the waterfall reads their times).
    expect(result.matched[0]).toBe(whole.analysis.calls.get('x1/call_order'));
  });

  it('applies "only problems" with the findings summary', () => {
    const result = buildCallRows(input(whole, { filter: { onlyProblems: true } }));
    expect(result.matched.map((c) => c.key)).toEqual(['x2/call_slow', 'x4/#1']);
    expect(result.total).toBe(8);
  });

  it('gives empty rows for an empty analysis', () => {
    const empty = foldAll([]);
    expect(buildCallRows(input(empty))).toEqual({ rows: [], matched: [], total: 0 });
    expect(buildCallRows(input(empty, { grouped: true }))).toEqual({ rows: [], matched: [], total: 0 });
  });
});

describe('grouping', () => {
  it('names a realtime call\'s group after its connection and a webhook call\'s after its route', () => {
    expect(groupKeyOf(whole.analysis.calls.get('w1/call_a')!)).toBe('connection:w1');
    expect(groupKeyOf(whole.analysis.calls.get('x3/call_vapi')!)).toBe('route:r2');
    expect(groupKeyOf({ ...whole.analysis.calls.get('x3/call_vapi')!, routeId: null })).toBe('route:');
  });

  it('puts groups in the order of their first call, and each group\'s calls in order beneath it', () => {
    const { rows, matched, total } = buildCallRows(input(whole, { grouped: true }));
    expect(rows).toEqual([
      { kind: 'group', groupKey: 'route:r1', source: { kind: 'route', id: 'r1' }, calls: 2, problems: 1, folded: false },
      { kind: 'call', callKey: 'x1/call_order' },
      { kind: 'call', callKey: 'x2/call_slow' },
      { kind: 'group', groupKey: 'connection:w1', source: { kind: 'connection', id: 'w1' }, calls: 2, problems: 0, folded: false },
      { kind: 'call', callKey: 'w1/call_a' },
      { kind: 'call', callKey: 'w1/call_b' },
      { kind: 'group', groupKey: 'route:r2', source: { kind: 'route', id: 'r2' }, calls: 3, problems: 1, folded: false },
      { kind: 'call', callKey: 'x3/call_vapi' },
      { kind: 'call', callKey: 'x4/#1' },
      { kind: 'call', callKey: 'x5/#1' },
      { kind: 'group', groupKey: 'connection:w2', source: { kind: 'connection', id: 'w2' }, calls: 1, problems: 0, folded: false },
      { kind: 'call', callKey: 'w2/call_c' },
    ]);
    expect(matched.map((c) => c.key)).toEqual(START_ORDER);
    expect(total).toBe(8);
  });

  it('groups webhook calls without a route together under a route group with a null id', () => {
    const calls = new Map(whole.analysis.calls);
    for (const key of ['x1/call_order', 'x3/call_vapi']) calls.set(key, { ...calls.get(key)!, routeId: null });
    const { rows } = buildCallRows({ ...input(whole, { grouped: true, filter: { protocols: ['daily', 'vapi'] } }), calls });
    expect(rows).toEqual([
      { kind: 'group', groupKey: 'route:', source: { kind: 'route', id: null }, calls: 2, problems: 0, folded: false },
      { kind: 'call', callKey: 'x1/call_order' },
      { kind: 'call', callKey: 'x3/call_vapi' },
      { kind: 'group', groupKey: 'route:r1', source: { kind: 'route', id: 'r1' }, calls: 1, problems: 1, folded: false },
      { kind: 'call', callKey: 'x2/call_slow' },
    ]);
  });

  it('counts only the calls that pass the filter, and groups with none are not shown', () => {
    const { rows } = buildCallRows(input(whole, { grouped: true, filter: { statuses: ['pending', 'error'] } }));
    // Groups come in the order of their first call that passes: w1's first passing call (call_b) is after x3.
    expect(keysOf(rows)).toEqual(['[route:r2]', 'x3/call_vapi', 'x4/#1', '[connection:w1]', 'w1/call_b', '[connection:w2]', 'w2/call_c']);
    expect(rows.filter((r) => r.kind === 'group').map((r) => (r.kind === 'group' ? [r.calls, r.problems] : null))).toEqual([
      [2, 1],
      [1, 0],
      [1, 0],
    ]);
  });

  it('counts problems from warning up: info findings are not problems', () => {
    // r2 holds x4 (error and info findings) and x5 (info only): one problem.
    const { rows } = buildCallRows(input(whole, { grouped: true, filter: { routes: ['r2'] } }));
    expect(rows[0]).toEqual({ kind: 'group', groupKey: 'route:r2', source: { kind: 'route', id: 'r2' }, calls: 3, problems: 1, folded: false });
  });

  it('hides the members of a folded group but keeps its row, its counts and its place', () => {
    const foldedGroups = new Set(['route:r1', 'connection:w2']);
    const { rows, matched, total } = buildCallRows(input(whole, { grouped: true, foldedGroups }));
    expect(rows).toEqual([
      { kind: 'group', groupKey: 'route:r1', source: { kind: 'route', id: 'r1' }, calls: 2, problems: 1, folded: true },
      { kind: 'group', groupKey: 'connection:w1', source: { kind: 'connection', id: 'w1' }, calls: 2, problems: 0, folded: false },
      { kind: 'call', callKey: 'w1/call_a' },
      { kind: 'call', callKey: 'w1/call_b' },
      { kind: 'group', groupKey: 'route:r2', source: { kind: 'route', id: 'r2' }, calls: 3, problems: 1, folded: false },
      { kind: 'call', callKey: 'x3/call_vapi' },
      { kind: 'call', callKey: 'x4/#1' },
      { kind: 'call', callKey: 'x5/#1' },
      { kind: 'group', groupKey: 'connection:w2', source: { kind: 'connection', id: 'w2' }, calls: 1, problems: 0, folded: true },
    ]);
    // Folded calls still count for the waterfall's axis and the totals.
    expect(matched.map((c) => c.key)).toEqual(START_ORDER);
    expect(total).toBe(8);
  });

  it('ignores folded groups when not grouping, and folded keys of groups that do not exist', () => {
    const foldedGroups = new Set(['route:r1', 'connection:w9']);
    expect(keysOf(buildCallRows(input(whole, { foldedGroups })).rows)).toEqual(START_ORDER);
    const grouped = buildCallRows(input(whole, { grouped: true, foldedGroups }));
    expect(grouped.rows.filter((r) => r.kind === 'group' && r.folded).map((r) => (r.kind === 'group' ? r.groupKey : ''))).toEqual(['route:r1']);
  });

  it('applies the clear before grouping: a group whose calls were all cleared disappears', () => {
    const clearedAfterSeq = whole.analysis.calls.get('x2/call_slow')!.startSeq;
    expect(keysOf(buildCallRows(input(whole, { grouped: true, clearedAfterSeq })).rows)).toEqual([
      '[route:r2]',
      'x3/call_vapi',
      'x4/#1',
      'x5/#1',
      '[connection:w1]',
      'w1/call_b',
      '[connection:w2]',
      'w2/call_c',
    ]);
  });
});

describe('a live realtime session, batch by batch', () => {
  it('shows a call as soon as it starts, and the same row once it is answered', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, { type: 'input_audio_buffer.append', audio: 'AAAA' });
    log.frame('w1', DOWN, callDone('call_1', 'get_weather', '{}'));
    const n = log.events.length;
    log.advance(20).frame('w1', UP, callOutput('call_1', 'ok'));
    const [started, answered] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    const a = buildCallRows(input(started!, { grouped: true }));
    const b = buildCallRows(input(answered!, { grouped: true }));
    expect(a.rows).toEqual(b.rows);
    expect(a.matched[0]!.status).toBe('pending');
    expect(b.matched[0]!.status).toBe('ok');
    expect(buildCallRows(input(started!, { filter: { statuses: ['ok'] } })).rows).toEqual([]);
    expect(buildCallRows(input(answered!, { filter: { statuses: ['ok'] } })).rows).toEqual([{ kind: 'call', callKey: 'w1/call_1' }]);
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('calls from the protocol fixtures'), () => {
  it('groups the Vapi and Daily fixture calls by route', () => {
    const log = new EventLog();
    log.request('x1', 'daily', '/orders', fixtureJson('daily-webhook-request.json'));
    log.advance(30).response('x1', 200, fixtureJson('daily-webhook-response-json.json'));
    log.request('x2', 'vapi', '/vapi/tools', fixtureJson('vapi-tool-calls-request.json'));
    log.advance(30).response('x2', 200, fixtureJson('vapi-tool-calls-response.json'));
    log.request('x3', 'daily', '/orders', fixtureJson('daily-webhook-request.json'));
    const folded = foldAll(log.events);
    const { rows, matched } = buildCallRows(input(folded, { grouped: true }));
    expect(matched.map((c: FunctionCall) => [c.protocol, c.name, c.status])).toEqual([
      ['daily', 'lookup_order', 'ok'],
      ['vapi', 'lookup_order', 'ok'],
      ['daily', 'lookup_order', 'pending'],
    ]);
    expect(keysOf(rows)).toEqual([
      '[route:daily]',
      'x1/call_8xQm2TzL0aVnB4kR7cWd1Yp3',
      'x3/call_8xQm2TzL0aVnB4kR7cWd1Yp3',
      '[route:vapi]',
      'x2/call_V4p1nTq8Rk2sLm6Xw9Yz0Ab3',
    ]);
  });
});
