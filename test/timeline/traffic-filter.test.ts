/**
 * The traffic view's filter over folded rows: nothing to do returns the rows themselves; hidden audio, unfolded
 * runs, the clear mark; the route, protocol and "only problems" facets; free text over exchange paths and
 * bodies, SSE types and data, frame message types and payloads (case-insensitive); the searchable text of each
 * row kind, which must follow an exchange or connection that is still growing. And 100,000 rows.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisState } from '../../shared/analysis/analyzer.js';
import type { LogEvent } from '../../shared/events.js';
import type { TrafficState } from '../../shared/store/traffic-state.js';
import { foldAudioRuns, type AudioFold, type AudioRunRow, type TrafficListRow } from '../../shared/timeline/audio-runs.js';
import { EMPTY_FILTER, type TimelineFilter } from '../../shared/timeline/timeline-filter.js';
import { filterTrafficRows, rowHaystack, runKey, type TrafficFilterInput } from '../../shared/timeline/traffic-filter.js';
import { appendAudio, audioDelta, callDone, callOutput, DOWN, EventLog, foldAll, foldBatches, trafficSession, UP, type Folded } from './timeline-support.js';

const session = trafficSession();
const whole = foldAll(session.events);
const folded = foldAudioRuns(null, whole.traffic, whole.analysis.frameTypes);

function input(patch: Partial<Omit<TrafficFilterInput, 'filter'>> & { filter?: Partial<TimelineFilter> } = {}, state: Folded = whole, rows: readonly TrafficListRow[] = folded.rows): TrafficFilterInput {
  return {
    rows,
    traffic: state.traffic,
    analysis: state.analysis,
    hideAudio: false,
    expandedRuns: new Set(),
    clearedAfterSeq: 0,
    ...patch,
    filter: { ...EMPTY_FILTER, ...patch.filter },
  };
}

/** Rows as short strings: kind and sequence number (runs as `run<seq>-<lastSeq>`). */
const ids = (rows: readonly TrafficListRow[]) => rows.map((r) => (r.kind === 'audio-run' ? `run${r.seq}-${r.lastSeq}` : `${r.kind}${r.seq}`));
const shown = (patch: Parameters<typeof input>[0]) => ids(filterTrafficRows(input(patch)).rows);

const ALL = ['route1', 'route2', 'exchange3', 'exchange7', 'sse10', 'sse11', 'exchange13', 'connection17', 'run18-19', 'frame20', 'run21-21', 'frame22', 'run23-23', 'error24', 'route25'];

describe('the traffic the filter tests run on', () => {
  it('folds into the rows, protocols and findings the tests rely on', () => {
    expect(ids(folded.rows)).toEqual(ALL);
    expect([...whole.analysis.exchanges].map(([id, e]) => [id, e.protocol, e.findings.map((f) => f.rule)])).toEqual([
      ['x1', 'daily', []],
      ['x2', 'daily', []],
      ['x3', 'daily', ['http/error-status']],
    ]);
    expect([...whole.analysis.connections].map(([id, c]) => [id, c.protocol, c.findings.map((f) => [f.rule, f.severity, f.ref.seq])])).toEqual([['w1', 'openai-realtime', [['call/slow-result', 'warning', 22]]]]);
  });
});

describe('nothing to filter', () => {
  it('returns the folded rows themselves, not a copy', () => {
    const result = filterTrafficRows(input());
    expect(result.rows).toBe(folded.rows);
    expect(result.total).toBe(ALL.length);
  });

  it('returns them too for blank text', () => {
    expect(filterTrafficRows(input({ filter: { text: '  ' } })).rows).toBe(folded.rows);
  });

  it('ignores the call-only facets (status and function name)', () => {
    const result = filterTrafficRows(input({ filter: { statuses: ['error'], functions: ['nope'] } }));
    expect(result.rows).toBe(folded.rows);
  });

  it('does filter (a new array) as soon as one thing is set, with the same rows when none is dropped', () => {
    const result = filterTrafficRows(input({ clearedAfterSeq: 0, filter: { routes: ['r1', 'r2', 'r4'], protocols: [] } }));
    expect(result.rows).not.toBe(folded.rows);
    expect(ids(result.rows)).toEqual(['route1', 'route2', 'exchange3', 'exchange7', 'sse10', 'sse11', 'exchange13', 'connection17', 'run18-19', 'frame20', 'run21-21', 'frame22', 'run23-23', 'route25']);
  });
});

describe('audio', () => {
  it('hides the runs, and still counts them in total', () => {
    const result = filterTrafficRows(input({ hideAudio: true }));
    expect(ids(result.rows)).toEqual(ALL.filter((id) => !id.startsWith('run')));
    expect(result.total).toBe(ALL.length);
  });

  it('inserts the frames of an unfolded run right after it, in order', () => {
    const run = folded.rows[8] as AudioRunRow;
    expect(runKey(run)).toBe('a-w1-0');
    const result = filterTrafficRows(input({ expandedRuns: new Set([runKey(run)]) }));
    expect(ids(result.rows)).toEqual(['route1', 'route2', 'exchange3', 'exchange7', 'sse10', 'sse11', 'exchange13', 'connection17', 'run18-19', 'frame18', 'frame19', 'frame20', 'run21-21', 'frame22', 'run23-23', 'error24', 'route25']);
    expect(result.rows.slice(9, 11)).toEqual([
      { kind: 'frame', seq: 18, connectionId: 'w1', index: 0 },
      { kind: 'frame', seq: 19, connectionId: 'w1', index: 1 },
    ]);
    // Unfolding is not filtering: the unfolded frames are rows of the unfiltered view too.
    expect(result.total).toBe(ALL.length + 2);
    expect(result.total).toBe(result.rows.length);
  });

  it('unfolds several runs, and ignores keys of runs that are not there', () => {
    const result = filterTrafficRows(input({ expandedRuns: new Set(['a-w1-3', 'a-w1-5', 'a-w9-0', 'a-w1-1']) }));
    expect(ids(result.rows)).toEqual(['route1', 'route2', 'exchange3', 'exchange7', 'sse10', 'sse11', 'exchange13', 'connection17', 'run18-19', 'frame20', 'run21-21', 'frame21', 'frame22', 'run23-23', 'frame23', 'error24', 'route25']);
  });

  it('shows no frames of an unfolded run while audio is hidden', () => {
    expect(shown({ hideAudio: true, expandedRuns: new Set(['a-w1-0']) })).toEqual(ALL.filter((id) => !id.startsWith('run')));
  });

  it('unfolds a run that passes the text filter', () => {
    expect(shown({ filter: { text: 'AUDIO' }, expandedRuns: new Set(['a-w1-0']) })).toEqual(['run18-19', 'frame18', 'frame19', 'run21-21', 'run23-23']);
  });
});

describe('clear', () => {
  it('hides rows at or before the mark, and counts only the rest', () => {
    const result = filterTrafficRows(input({ clearedAfterSeq: 13 }));
    expect(ids(result.rows)).toEqual(['connection17', 'run18-19', 'frame20', 'run21-21', 'frame22', 'run23-23', 'error24', 'route25']);
    expect(result.total).toBe(8);
    expect(filterTrafficRows(input({ clearedAfterSeq: 12 })).total).toBe(9);
  });

  it('hides a run by its last frame: one that goes on after the mark is still shown', () => {
    expect(shown({ clearedAfterSeq: 18 })[0]).toBe('run18-19');
    expect(shown({ clearedAfterSeq: 19 })[0]).toBe('frame20');
  });

  it('hides everything after a clear at the last event', () => {
    expect(filterTrafficRows(input({ clearedAfterSeq: session.seq }))).toEqual({ rows: [], total: 0 });
  });

  it('applies the mark before the facets: total counts rows after it that the filter hides', () => {
    const result = filterTrafficRows(input({ clearedAfterSeq: 16, filter: { protocols: ['daily'] } }));
    expect(result).toEqual({ rows: [], total: 8 });
  });
});

describe('facets', () => {
  it('route: the route\'s own rows, its exchanges with their SSE, its connections with their frames and runs', () => {
    expect(shown({ filter: { routes: ['r1'] } })).toEqual(['route1', 'exchange3', 'connection17', 'run18-19', 'frame20', 'run21-21', 'frame22', 'run23-23']);
    expect(shown({ filter: { routes: ['r2'] } })).toEqual(['route2', 'exchange7', 'sse10', 'sse11', 'exchange13']);
    expect(shown({ filter: { routes: ['r4'] } })).toEqual(['route25']);
    expect(shown({ filter: { routes: ['r9'] } })).toEqual([]);
  });

  it('protocol: exchanges and connections by what the analysis read them as, with their SSE, frames and runs', () => {
    expect(shown({ filter: { protocols: ['daily'] } })).toEqual(['exchange3', 'exchange7', 'sse10', 'sse11', 'exchange13']);
    expect(shown({ filter: { protocols: ['openai-realtime'] } })).toEqual(['connection17', 'run18-19', 'frame20', 'run21-21', 'frame22', 'run23-23']);
    expect(shown({ filter: { protocols: ['daily', 'openai-realtime'] } })).toEqual(ALL.filter((id) => !id.startsWith('route') && !id.startsWith('error')));
    expect(shown({ filter: { protocols: ['vapi'] } })).toEqual([]);
  });

  it('protocol: an exchange the analysis could not read has no protocol and never passes', () => {
    const log = new EventLog();
    log.request('x1', 'r1', '/plain', { hello: 'world' });
    log.response('x1', 200, { ok: true });
    const state = foldAll(log.events);
    expect(state.analysis.exchanges.get('x1')!.protocol).toBeNull();
    const rows = foldAudioRuns(null, state.traffic, state.analysis.frameTypes).rows;
    expect(filterTrafficRows(input({ filter: { protocols: ['daily'] } }, state, rows)).rows).toEqual([]);
    expect(ids(filterTrafficRows(input({ filter: { routes: ['r1'] } }, state, rows)).rows)).toEqual(['exchange1']);
  });

  it('only problems: exchanges and connections with a warning or error, events a finding points at, core errors; never audio runs', () => {
    expect(shown({ filter: { onlyProblems: true } })).toEqual(['exchange13', 'connection17', 'frame22', 'error24']);
  });

  it('only problems: info findings are not problems', () => {
    const log = new EventLog();
    log.request('x1', 'r1', '/retell', { order_number: 'A-1' }, { headers: [['x-retell-signature', 'v=1']] });
    log.response('x1', 200, '"ok"');
    const state = foldAll(log.events);
    expect(state.analysis.findings.map((f) => [f.rule, f.severity])).toEqual([['retell/args-only', 'info']]);
    const rows = foldAudioRuns(null, state.traffic, state.analysis.frameTypes).rows;
    expect(filterTrafficRows(input({ filter: { onlyProblems: true } }, state, rows)).rows).toEqual([]);
  });

  it('only problems: an SSE event a finding points at', () => {
    const log = new EventLog();
    log.request('x1', 'r1', '/stream', { function_name: 'lookup_order', tool_call_id: 'c1', arguments: {} });
    log.response('x1', 200, undefined, 'text/event-stream');
    log.sse('x1', 0, 'action', JSON.stringify({ service: 'llm', action: 'no_such_action', arguments: [] }));
    const state = foldAll(log.events);
    const problems = state.analysis.findings.filter((f) => f.severity !== 'info');
    expect(problems.map((f) => f.ref.seq)).toContain(4);
    const rows = foldAudioRuns(null, state.traffic, state.analysis.frameTypes).rows;
    expect(ids(filterTrafficRows(input({ filter: { onlyProblems: true } }, state, rows)).rows)).toEqual(['exchange1', 'sse4']);
  });

  it('combines facets and text with AND', () => {
    expect(shown({ filter: { routes: ['r1'], protocols: ['openai-realtime'], onlyProblems: true } })).toEqual(['connection17', 'frame22']);
    expect(shown({ filter: { routes: ['r2'], text: 'close' } })).toEqual(['sse11']);
    expect(shown({ filter: { protocols: ['daily'], text: 'weather' } })).toEqual(['exchange3']);
    expect(shown({ filter: { routes: ['r1'], text: 'audio' }, hideAudio: true })).toEqual([]);
  });
});

describe('free text', () => {
  it('matches an exchange by its path, method, status and request body', () => {
    expect(shown({ filter: { text: '/orders/stream' } })).toEqual(['exchange7']);
    expect(shown({ filter: { text: 'POST /broken' } })).toEqual(['exchange13']);
    expect(shown({ filter: { text: '503' } })).toEqual(['exchange13']);
    expect(shown({ filter: { text: 'oslo' } })).toEqual(['exchange3']);
  });

  it('matches an SSE event by its type and its data', () => {
    expect(shown({ filter: { text: 'action' } })).toEqual(['sse10']);
    expect(shown({ filter: { text: 'shipped' } })).toEqual(['sse10']);
    expect(shown({ filter: { text: 'data:close' } })).toEqual(['sse11']);
  });

  it('matches a frame by its message type and its payload', () => {
    expect(shown({ filter: { text: 'function_call_arguments.done' } })).toEqual(['frame20']);
    expect(shown({ filter: { text: 'hang_up' } })).toEqual(['frame20']);
    expect(shown({ filter: { text: 'conversation.item.create' } })).toEqual(['frame22']);
    expect(shown({ filter: { text: '"output":"bye"' } })).toEqual(['frame22']);
  });

  it('matches audio runs by "audio", connections by "websocket" and their URL, core errors and routes', () => {
    expect(shown({ filter: { text: 'audio' } })).toEqual(['run18-19', 'run21-21', 'run23-23']);
    expect(shown({ filter: { text: 'websocket' } })).toEqual(['connection17']);
    expect(shown({ filter: { text: 'gpt-realtime' } })).toEqual(['connection17']);
    expect(shown({ filter: { text: 'disk full' } })).toEqual(['error24']);
    expect(shown({ filter: { text: 'route.error' } })).toEqual(['route25']);
    expect(shown({ filter: { text: 'route.up' } })).toEqual(['route1', 'route2']);
  });

  it('is case-insensitive both ways and ignores surrounding blanks', () => {
    expect(shown({ filter: { text: '  SHIPPED ' } })).toEqual(['sse10']);
    expect(shown({ filter: { text: 'Disk Full' } })).toEqual(['error24']);
    expect(shown({ filter: { text: 'HANG_UP' } })).toEqual(['frame20']);
  });

  it('matches nothing that is not there', () => {
    expect(filterTrafficRows(input({ filter: { text: 'no such text' } }))).toEqual({ rows: [], total: ALL.length });
  });
});

describe('rowHaystack', () => {
  const row = (seq: number) => {
    const found = whole.traffic.rows.find((r) => r.seq === seq);
    if (!found) throw new Error(`no row ${seq}`);
    return found;
  };
  const hay = (r: TrafficListRow) => rowHaystack(r, whole.traffic, whole.analysis);

  it('exchange: method, path, status, protocol, label and the start of the request body', () => {
    expect(hay(row(3))).toBe('post /weather 200 daily  {"function_name":"get_weather","tool_call_id":"call_w","arguments":{"city":"oslo"}}');
  });

  it('sse: its type and raw text', () => {
    expect(hay(row(11))).toBe('sse message data:close\n\n');
    expect(hay(row(10))).toContain('sse action event: action\ndata: {"service":"llm"');
  });

  it('connection: its URL and protocol', () => {
    expect(hay(row(17))).toBe('websocket /v1/realtime?model=gpt-realtime openai-realtime');
  });

  it('frame: its message type and text, or "binary"', () => {
    expect(hay(row(22))).toBe('conversation.item.create {"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_rt","output":"bye"}}');
    expect(hay(row(23))).toBe(' binary');
  });

  it('route and core error rows', () => {
    expect(hay(row(1))).toBe('route route.up http://127.0.0.1:8000');
    expect(hay(row(25))).toBe('route route.error http://127.0.0.1:8000');
    expect(hay(row(24))).toBe('error disk full');
  });

  it('audio run: "audio frames"', () => {
    expect(hay(folded.rows[8]!)).toBe('audio frames');
  });

  it('searches only the start of a large payload', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, `${'x'.repeat(5_000)}NEEDLE`);
    log.frame('w1', UP, `NEEDLE${'x'.repeat(5_000)}`);
    const state = foldAll(log.events);
    const rows = foldAudioRuns(null, state.traffic, state.analysis.frameTypes).rows;
    expect(ids(filterTrafficRows(input({ filter: { text: 'needle' } }, state, rows)).rows)).toEqual(['frame3']);
  });

  it('is empty for a row whose exchange or connection is not in the state', () => {
    const empty = foldAll([]);
    expect(rowHaystack({ kind: 'exchange', seq: 1, id: 'nope' }, empty.traffic, empty.analysis)).toBe('');
    expect(rowHaystack({ kind: 'sse', seq: 2, exchangeId: 'nope', index: 0 }, empty.traffic, empty.analysis)).toBe('');
    expect(rowHaystack({ kind: 'connection', seq: 3, id: 'nope' }, empty.traffic, empty.analysis)).toBe('');
    expect(rowHaystack({ kind: 'frame', seq: 4, connectionId: 'nope', index: 0 }, empty.traffic, empty.analysis)).toBe('');
  });
});

describe('rows of live traffic that are still growing', () => {
  /** Filters `rows` of each state with the same text, as a keystroke does while traffic flows. */
  const search = (state: Folded, text: string) => ids(filterTrafficRows(input({ filter: { text } }, state, foldAudioRuns(null, state.traffic, state.analysis.frameTypes).rows)).rows);

  it('finds an exchange by the request body and status that arrived after its row was first searched', () => {
    const log = new EventLog();
    log.request('x1', 'r1', '/tool');
    const n = log.events.length;
    log.requestBody('x1', { function_name: 'lookup_order', tool_call_id: 'c1', arguments: { order_number: 'ZX-81' } });
    log.response('x1', 418, { error: 'teapot' });
    const [early, late] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    // The row object is the same in both states; its text is not.
    expect(late!.traffic.rows[0]).toBe(early!.traffic.rows[0]);
    expect(search(early!, 'zx-81')).toEqual([]);
    expect(search(early!, 'daily')).toEqual([]);
    expect(search(late!, 'zx-81')).toEqual(['exchange1']);
    expect(search(late!, '418')).toEqual(['exchange1']);
    expect(search(late!, 'daily')).toEqual(['exchange1']);
    // The earlier state still answers for itself.
    expect(search(early!, 'zx-81')).toEqual([]);
  });

  it('finds a connection by the protocol the analysis recognised after its row was first searched', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1', '/socket');
    const n = log.events.length;
    log.frame('w1', UP, { type: 'session.update', session: { type: 'realtime' } });
    const [early, late] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    expect(search(early!, 'openai')).toEqual([]);
    expect(search(late!, 'openai')).toEqual(['connection1']);
  });

  it('keeps finding rows that did not change', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', DOWN, callDone('call_1', 'get_weather', '{}'));
    const n = log.events.length;
    log.frame('w1', UP, callOutput('call_1', 'ok'));
    const [early, late] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    expect(search(early!, 'get_weather')).toEqual(['frame2']);
    expect(search(late!, 'get_weather')).toEqual(['frame2']);
    expect(search(late!, 'function_call_output')).toEqual(['frame3']);
  });
});

describe('100,000 rows', () => {
  /** One realtime connection: blocks of 998 audio frames (up and down alternating), a call and its answer. */
  function bigSession(blocks: number): LogEvent[] {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 998; i++) {
        log.advance(0.02);
        log.frame('w1', i % 2 === 0 ? UP : DOWN, i % 2 === 0 ? appendAudio('AAAA') : audioDelta('BBBB'));
      }
      log.frame('w1', DOWN, callDone(`call_${b}`, 'get_weather', `{"block":${b}}`));
      log.advance(1).frame('w1', UP, callOutput(`call_${b}`, `result ${b}`));
    }
    return log.events;
  }

  it('folds and filters with the right counts', () => {
    const events = bigSession(100);
    const timings: Record<string, number> = {};
    const time = <T>(label: string, run: () => T): T => {
      const start = performance.now();
      const result = run();
      timings[label] = Math.round((performance.now() - start) * 10) / 10;
      return result;
    };

    const state = time('traffic fold + analysis (100,001 events, one batch)', () => foldAll(events));
    expect(state.traffic.rows).toHaveLength(100_001);
    expect(state.analysis.callOrder).toHaveLength(100);

    const audioFold = time('foldAudioRuns, from scratch', () => foldAudioRuns(null, state.traffic, state.analysis.frameTypes));
    // The connection, then per block one run and the two call frames.
    expect(audioFold.rows).toHaveLength(1 + 100 * 3);
    const runs = audioFold.rows.filter((r): r is AudioRunRow => r.kind === 'audio-run');
    expect(runs).toHaveLength(100);
    expect(runs.every((r) => r.count === 998 && r.toUpstream === 499 && r.toClient === 499)).toBe(true);
    expect(runs[42]).toMatchObject({ first: 42_000, last: 42_997, seq: 2 + 42_000, lastSeq: 2 + 42_997 });

    // Live: the same session in batches of 1,000 events, each continuing from the previous fold.
    let live: AudioFold | null = null;
    let traffic: TrafficState | null = null;
    let analysis: AnalysisState | null = null;
    const batches: LogEvent[][] = [];
    for (let i = 0; i < events.length; i += 1_000) batches.push(events.slice(i, i + 1_000));
    const states = foldBatches(batches);
    time('foldAudioRuns, live in 101 batches of 1,000 (fold only)', () => {
      for (const s of states) {
        live = foldAudioRuns(live, s.traffic, s.analysis.frameTypes);
        traffic = s.traffic;
        analysis = s.analysis;
      }
    });
    expect(live!.rows).toEqual(audioFold.rows);
    expect(traffic!.rows).toHaveLength(100_001);
    expect(analysis!.calls.size).toBe(100);

    const noop = time('filterTrafficRows, nothing to filter', () => filterTrafficRows(input({}, state, audioFold.rows)));
    expect(noop.rows).toBe(audioFold.rows);

    const hidden = time('filterTrafficRows, hide audio', () => filterTrafficRows(input({ hideAudio: true }, state, audioFold.rows)));
    expect(hidden.rows).toHaveLength(201);
    expect(hidden.total).toBe(301);

    const text = time('filterTrafficRows, text over folded rows', () => filterTrafficRows(input({ filter: { text: 'GET_WEATHER' } }, state, audioFold.rows)));
    expect(text.rows).toHaveLength(100);

    const expanded = time('filterTrafficRows, every run unfolded (100,101 rows out)', () =>
      filterTrafficRows(input({ expandedRuns: new Set(runs.map(runKey)) }, state, audioFold.rows)),
    );
    // Every raw row, plus the 100 run rows above their frames.
    expect(expanded.rows).toHaveLength(100_001 + 100);
    expect(ids(expanded.rows.slice(0, 3))).toEqual(['connection1', 'run2-999', 'frame2']);

    // Unfolded: text over all 100,001 raw rows, twice (the second keystroke reads cached haystacks).
    const raw = time('filterTrafficRows, text over 100,001 raw rows (first, builds haystacks)', () =>
      filterTrafficRows(input({ filter: { text: 'input_audio_buffer.append' } }, state, state.traffic.rows)),
    );
    expect(raw.rows).toHaveLength(49_900);
    const again = time('filterTrafficRows, text over 100,001 raw rows (again)', () => filterTrafficRows(input({ filter: { text: 'response.audio.delta' } }, state, state.traffic.rows)));
    expect(again.rows).toHaveLength(49_900);

    const problems = time('filterTrafficRows, only problems over raw rows', () => filterTrafficRows(input({ filter: { onlyProblems: true } }, state, state.traffic.rows)));
    expect(problems.rows).toEqual([]);

    const cleared = time('filterTrafficRows, cleared at the 49,500th event', () => filterTrafficRows(input({ clearedAfterSeq: 49_500 }, state, audioFold.rows)));
    // Runs whose last frame is after the mark are kept: block 49 (frames 49,002..49,999, across the mark) to 99.
    expect(cleared.rows.filter((r) => r.kind === 'audio-run')).toHaveLength(51);
    expect(cleared.total).toBe(51 * 3);

    console.log(`100,000-row timings (ms): ${JSON.stringify(timings, null, 2)}`);
    // No time is asserted; the generous timeout is only for a loaded CI machine (about 3 s on a quiet one).
  }, 120_000);
});
