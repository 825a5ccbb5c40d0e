/**
 * The timeline filter: every facet on its own and together, the free text over name, call id, arguments and
 * result (case-insensitive), "only problems" (warning and error, not info), the findings summary per call, and
 * the per-object haystack cache, which must never serve the text of a call object that was replaced.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, FunctionCall, Severity } from '../../shared/analysis/model.js';
import {
  CALL_STATUSES,
  callHaystack,
  callMatches,
  EMPTY_FILTER,
  isFilterActive,
  isProblem,
  needleOf,
  summariseFindingsByCall,
  worseSeverity,
  type FindingSummary,
  type TimelineFilter,
} from '../../shared/timeline/timeline-filter.js';
import { callDone, callOutput, DOWN, EventLog, foldAll, foldBatches, mixedSession, UP } from './timeline-support.js';

const { analysis } = foldAll(mixedSession().events);
const calls = [...analysis.calls.values()];
const findingsByCall = summariseFindingsByCall(analysis.findings);

const filter = (patch: Partial<TimelineFilter>): TimelineFilter => ({ ...EMPTY_FILTER, ...patch });

/** The keys of the session's calls that pass, in start order (sorted, so the assertion is about the filter only). */
function passing(patch: Partial<TimelineFilter>, summaries: ReadonlyMap<string, FindingSummary> = findingsByCall): string[] {
  const f = filter(patch);
  const needle = needleOf(f);
  return calls
    .filter((call) => callMatches(call, summaries.get(call.key), f, needle))
    .sort((a, b) => a.startSeq - b.startSeq)
    .map((call) => call.key);
}

const ALL_KEYS = ['x1/call_order', 'w1/call_a', 'x2/call_slow', 'x3/call_vapi', 'x4/#1', 'x5/#1', 'w1/call_b', 'w2/call_c'];

describe('the session the filter tests run on', () => {
  it('has the calls, statuses and findings the tests rely on', () => {
    expect([...calls].sort((a, b) => a.startSeq - b.startSeq).map((c) => [c.key, c.protocol, c.name, c.status, c.routeId])).toEqual([
      ['x1/call_order', 'daily', 'lookup_order', 'ok', 'r1'],
      ['w1/call_a', 'openai-realtime', 'get_weather', 'ok', 'r3'],
      ['x2/call_slow', 'daily', 'get_weather', 'ok', 'r1'],
      ['x3/call_vapi', 'vapi', 'lookup_order', 'error', 'r2'],
      ['x4/#1', 'retell', 'transfer_call', 'error', 'r2'],
      ['x5/#1', 'retell', '', 'ok', 'r2'],
      ['w1/call_b', 'openai-realtime', 'book_table', 'pending', 'r3'],
      ['w2/call_c', 'openai-realtime', 'hang_up', 'pending', 'r3'],
    ]);
    expect(analysis.findings.filter((f) => f.callKey).map((f) => [f.callKey, f.rule, f.severity])).toEqual([
      ['x2/call_slow', 'call/slow-result', 'warning'],
      ['x4/#1', 'retell/retried-on-failure', 'info'],
      ['x4/#1', 'http/error-status', 'error'],
      ['x5/#1', 'retell/args-only', 'info'],
    ]);
  });
});

describe('summariseFindingsByCall', () => {
  it('counts the findings of each call and keeps the worst severity', () => {
    expect(Object.fromEntries(findingsByCall)).toEqual({
      'x2/call_slow': { count: 1, worst: 'warning' },
      'x4/#1': { count: 2, worst: 'error' },
      'x5/#1': { count: 1, worst: 'info' },
    });
  });

  it('ignores findings without a call and takes the worst in any order', () => {
    const finding = (callKey: string | undefined, severity: Severity, seq = 1): Finding => ({
      rule: 'test/rule',
      severity,
      message: 'm',
      ref: { seq },
      ...(callKey !== undefined ? { callKey } : {}),
    });
    const orders: Severity[][] = [
      ['info', 'warning', 'error'],
      ['error', 'warning', 'info'],
      ['warning', 'error', 'info'],
      ['info', 'error', 'warning'],
    ];
    for (const order of orders) {
      const summary = summariseFindingsByCall([finding(undefined, 'error'), ...order.map((s) => finding('a', s)), finding('b', 'info'), finding('b', 'info'), finding('c', 'warning'), finding('c', 'info'), finding('', 'error')]);
      expect(Object.fromEntries(summary)).toEqual({ a: { count: 3, worst: 'error' }, b: { count: 2, worst: 'info' }, c: { count: 2, worst: 'warning' } });
    }
    expect(summariseFindingsByCall([]).size).toBe(0);
  });

  it('ranks severities: error over warning over info', () => {
    expect(worseSeverity(null, 'info')).toBe('info');
    expect(worseSeverity('info', 'warning')).toBe('warning');
    expect(worseSeverity('warning', 'info')).toBe('warning');
    expect(worseSeverity('warning', 'error')).toBe('error');
    expect(worseSeverity('error', 'warning')).toBe('error');
    expect(worseSeverity('error', 'info')).toBe('error');
    expect(isProblem('error')).toBe(true);
    expect(isProblem('warning')).toBe(true);
    expect(isProblem('info')).toBe(false);
    expect(isProblem(null)).toBe(false);
  });
});

describe('isFilterActive', () => {
  it('is false for the empty filter and for blank text', () => {
    expect(isFilterActive(EMPTY_FILTER)).toBe(false);
    expect(isFilterActive(filter({ text: '   \t ' }))).toBe(false);
  });

  it('is true for any one facet', () => {
    expect(isFilterActive(filter({ text: 'a' }))).toBe(true);
    expect(isFilterActive(filter({ text: '  a ' }))).toBe(true);
    expect(isFilterActive(filter({ protocols: ['vapi'] }))).toBe(true);
    expect(isFilterActive(filter({ statuses: ['ok'] }))).toBe(true);
    expect(isFilterActive(filter({ functions: ['x'] }))).toBe(true);
    expect(isFilterActive(filter({ routes: ['r1'] }))).toBe(true);
    expect(isFilterActive(filter({ onlyProblems: true }))).toBe(true);
  });
});

describe('needleOf', () => {
  it('trims and lower-cases the text', () => {
    expect(needleOf(filter({ text: '  Get_WEATHER \n' }))).toBe('get_weather');
    expect(needleOf(EMPTY_FILTER)).toBe('');
  });
});

describe('callMatches, facet by facet', () => {
  it('passes every call with the empty filter', () => {
    expect(passing({})).toEqual(ALL_KEYS);
  });

  it('protocol', () => {
    expect(passing({ protocols: ['daily'] })).toEqual(['x1/call_order', 'x2/call_slow']);
    expect(passing({ protocols: ['openai-realtime', 'vapi'] })).toEqual(['w1/call_a', 'x3/call_vapi', 'w1/call_b', 'w2/call_c']);
    expect(passing({ protocols: ['navtalk'] })).toEqual([]);
  });

  it('status', () => {
    expect(passing({ statuses: ['pending'] })).toEqual(['w1/call_b', 'w2/call_c']);
    expect(passing({ statuses: ['error'] })).toEqual(['x3/call_vapi', 'x4/#1']);
    expect(passing({ statuses: ['ok', 'error'] })).toEqual(['x1/call_order', 'w1/call_a', 'x2/call_slow', 'x3/call_vapi', 'x4/#1', 'x5/#1']);
    expect(passing({ statuses: ['unanswered', 'mocked', 'replayed'] })).toEqual([]);
  });

  it('function name, exactly (not a substring, not case-insensitive)', () => {
    expect(passing({ functions: ['get_weather'] })).toEqual(['w1/call_a', 'x2/call_slow']);
    expect(passing({ functions: ['lookup_order', 'hang_up'] })).toEqual(['x1/call_order', 'x3/call_vapi', 'w2/call_c']);
    expect(passing({ functions: ['get_'] })).toEqual([]);
    expect(passing({ functions: ['GET_WEATHER'] })).toEqual([]);
    // The unnamed Retell call is found by its empty name.
    expect(passing({ functions: [''] })).toEqual(['x5/#1']);
  });

  it('route, and a call without a route never passes a route facet', () => {
    expect(passing({ routes: ['r1'] })).toEqual(['x1/call_order', 'x2/call_slow']);
    expect(passing({ routes: ['r2', 'r3'] })).toEqual(['w1/call_a', 'x3/call_vapi', 'x4/#1', 'x5/#1', 'w1/call_b', 'w2/call_c']);
    expect(passing({ routes: ['r9'] })).toEqual([]);
    const routeless: FunctionCall = { ...analysis.calls.get('x1/call_order')!, routeId: null };
    expect(callMatches(routeless, undefined, filter({ routes: ['r1'] }), '')).toBe(false);
    expect(callMatches(routeless, undefined, filter({ routes: [''] }), '')).toBe(false);
    expect(callMatches(routeless, undefined, EMPTY_FILTER, '')).toBe(true);
  });

  it('only problems: warning and error count, info does not, no findings does not', () => {
    expect(passing({ onlyProblems: true })).toEqual(['x2/call_slow', 'x4/#1']);
    const call = analysis.calls.get('x1/call_order')!;
    const only = filter({ onlyProblems: true });
    expect(callMatches(call, undefined, only, '')).toBe(false);
    expect(callMatches(call, { count: 5, worst: 'info' }, only, '')).toBe(false);
    expect(callMatches(call, { count: 1, worst: 'warning' }, only, '')).toBe(true);
    expect(callMatches(call, { count: 1, worst: 'error' }, only, '')).toBe(true);
    // Without the facet, findings do not matter.
    expect(callMatches(call, { count: 1, worst: 'error' }, EMPTY_FILTER, '')).toBe(true);
  });

  it('combines facets with AND', () => {
    expect(passing({ protocols: ['daily'], statuses: ['ok'], functions: ['get_weather'] })).toEqual(['x2/call_slow']);
    expect(passing({ protocols: ['daily'], onlyProblems: true })).toEqual(['x2/call_slow']);
    expect(passing({ protocols: ['retell'], onlyProblems: true, text: 'billing' })).toEqual(['x4/#1']);
    expect(passing({ protocols: ['retell'], onlyProblems: true, text: 'lactose' })).toEqual([]);
    expect(passing({ routes: ['r3'], statuses: ['pending'], functions: ['hang_up'] })).toEqual(['w2/call_c']);
  });
});

describe('callMatches, free text', () => {
  it('matches the function name', () => {
    expect(passing({ text: 'weather' })).toEqual(['w1/call_a', 'x2/call_slow']);
    expect(passing({ text: 'book_table' })).toEqual(['w1/call_b']);
  });

  it('matches the call id', () => {
    expect(passing({ text: 'call_vapi' })).toEqual(['x3/call_vapi']);
    expect(passing({ text: 'CALL_C' })).toEqual(['w2/call_c']);
  });

  it('matches inside the raw arguments', () => {
    expect(passing({ text: 'bergen' })).toEqual(['x2/call_slow']);
    expect(passing({ text: '"people":2' })).toEqual(['w1/call_b']);
    expect(passing({ text: 'A-20931' })).toEqual(['x1/call_order']);
  });

  it('matches inside the raw result', () => {
    expect(passing({ text: 'drizzle' })).toEqual(['w1/call_a']);
    expect(passing({ text: 'not found' })).toEqual(['x3/call_vapi']);
    expect(passing({ text: 'shipped' })).toEqual(['x1/call_order']);
  });

  it('is case-insensitive both ways and ignores surrounding blanks', () => {
    expect(passing({ text: 'LACTOSE free' })).toEqual(['x5/#1']);
    expect(passing({ text: '  DrIzZlE  ' })).toEqual(['w1/call_a']);
    expect(passing({ text: 'OSLO' })).toEqual(['w1/call_a']);
  });

  it('matches nothing that is not there, and everything with blank text', () => {
    expect(passing({ text: 'no such text anywhere' })).toEqual([]);
    expect(passing({ text: '   ' })).toEqual(ALL_KEYS);
  });

  it('uses the needle given, not the filter text (the needle is computed once per filter)', () => {
    const call = analysis.calls.get('w1/call_a')!;
    expect(callMatches(call, undefined, filter({ text: 'whatever' }), 'oslo')).toBe(true);
    expect(callMatches(call, undefined, filter({ text: 'oslo' }), '')).toBe(true);
    expect(callMatches(call, undefined, EMPTY_FILTER, 'bergen')).toBe(false);
  });

  it('searches a lower-cased haystack made of name, call id, protocol, status, arguments and result', () => {
    const call = analysis.calls.get('w1/call_a')!;
    expect(callHaystack(call)).toBe(['get_weather', 'call_a', 'openai-realtime', 'ok', '{"city":"oslo"}', '{"temp":4,"sky":"drizzle"}'].join('\n'));
    expect(callHaystack(analysis.calls.get('x4/#1')!)).toBe(['transfer_call', '', 'retell', 'error', '{"department":"billing"}', ''].join('\n'));
  });
});

describe('the haystack cache', () => {
  /** A realtime call, folded in three live batches: started, answered, and a later unrelated frame. */
  function liveCall() {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', DOWN, callDone('call_1', 'get_weather', '{"city":"Oslo"}'));
    const started = log.events.length;
    log.advance(30).frame('w1', UP, callOutput('call_1', 'Sunny and WARM'));
    const answered = log.events.length;
    log.frame('w1', UP, { type: 'input_audio_buffer.commit' });
    const [a, b, c] = foldBatches([log.events.slice(0, started), log.events.slice(started, answered), log.events.slice(answered)]);
    return { before: a!.analysis.calls.get('w1/call_1')!, after: b!.analysis.calls.get('w1/call_1')!, later: c!.analysis.calls.get('w1/call_1')! };
  }

  it('is not read for a replaced call object: a new status and result are searched at once', () => {
    const { before, after } = liveCall();
    expect(before.status).toBe('pending');
    expect(after.status).toBe('ok');
    expect(after).not.toBe(before);

    // Fill the cache with the pending call first, as a keystroke during live traffic would.
    const byStatus = filter({ text: 'pending' });
    expect(callMatches(before, undefined, byStatus, needleOf(byStatus))).toBe(true);
    expect(callMatches(before, undefined, filter({ text: 'warm' }), 'warm')).toBe(false);

    expect(callMatches(after, undefined, byStatus, needleOf(byStatus))).toBe(false);
    expect(callMatches(after, undefined, filter({ text: 'warm' }), 'warm')).toBe(true);
    expect(callHaystack(after)).toContain('\nok\n');
    expect(callHaystack(after)).toContain('sunny and warm');

    // The old object (still held by React for the previous render) keeps its own text.
    expect(callHaystack(before)).toContain('\npending\n');
    expect(callHaystack(before)).not.toContain('sunny');
  });

  it('keeps a call object that did not change, and its cached text', () => {
    const { after, later } = liveCall();
    expect(later).toBe(after);
    expect(callHaystack(later)).toBe(callHaystack(after));
  });

  it('a copy with a new status is searched by its new status', () => {
    const call = analysis.calls.get('w2/call_c')!;
    const unanswered: FunctionCall = { ...call, status: 'unanswered' };
    expect(callMatches(call, undefined, filter({ text: 'pending' }), 'pending')).toBe(true);
    expect(callMatches(unanswered, undefined, filter({ text: 'pending' }), 'pending')).toBe(false);
    expect(callMatches(unanswered, undefined, filter({ text: 'unanswered' }), 'unanswered')).toBe(true);
  });
});

describe('CALL_STATUSES', () => {
  it('lists every status once', () => {
    expect([...CALL_STATUSES].sort()).toEqual(['error', 'mocked', 'ok', 'pending', 'replayed', 'unanswered']);
  });
});
