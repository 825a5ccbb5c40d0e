/**
 * Audio folding in the traffic view: one run per connection's consecutive audio frames (frames of other
 * connections in between do not end it, a non-audio frame of the same connection does), binary frames count
 * as audio, each run has its counts, bytes, directions and times. And the property the live view relies on:
 * folding batch by batch, continuing from the previous result, gives exactly the rows of one fold of
 * everything; a state that does not extend the previous one (a reset, another session) starts over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../shared/events.js';
import type { TrafficState } from '../../shared/store/traffic-state.js';
import { foldAudioRuns, isAudioFrame, type AudioFold, type AudioRunRow, type FrameTypes, type TrafficListRow } from '../../shared/timeline/audio-runs.js';
import {
  appendAudio,
  audioDelta,
  callDone,
  commitAudio,
  DOWN,
  EventLog,
  foldAll,
  foldBatches,
  responseCreated,
  splitAt,
  UP,
  type Folded,
} from './timeline-support.js';

const fold = (f: Folded, prev: AudioFold | null = null) => foldAudioRuns(prev, f.traffic, f.analysis.frameTypes);

/** Rows as short strings, for readable assertions of order and kind. */
function shape(rows: readonly TrafficListRow[]): string[] {
  return rows.map((row) => {
    switch (row.kind) {
      case 'audio-run':
        return `run ${row.connectionId} ${row.first}..${row.last} (${row.count})`;
      case 'frame':
        return `frame ${row.connectionId}#${row.index}`;
      case 'connection':
        return `connection ${row.id}`;
      case 'exchange':
        return `exchange ${row.id}`;
      default:
        return `${row.kind} ${row.seq}`;
    }
  });
}

/** The fold as the module's doc defines it, written plainly: the oracle for the random tests. */
function expectedRows(traffic: TrafficState, frameTypes: FrameTypes): TrafficListRow[] {
  const out: TrafficListRow[] = [];
  const open = new Map<string, AudioRunRow>();
  for (const row of traffic.rows) {
    if (row.kind !== 'frame') {
      out.push(row);
      continue;
    }
    const frame = traffic.connections.get(row.connectionId)!.frames[row.index]!;
    const audio = frame.opcode === 'binary' || frameTypes.get(frame.seq)?.audio === true;
    if (!audio) {
      open.delete(row.connectionId);
      out.push(row);
      continue;
    }
    const up = frame.direction === 'client-to-upstream' ? 1 : 0;
    const run = open.get(row.connectionId);
    if (run) {
      Object.assign(run, { lastSeq: frame.seq, last: row.index, count: run.count + 1, bytes: run.bytes + frame.size, toUpstream: run.toUpstream + up, toClient: run.toClient + 1 - up, endT: frame.t });
    } else {
      const created: AudioRunRow = { kind: 'audio-run', seq: frame.seq, lastSeq: frame.seq, connectionId: row.connectionId, first: row.index, last: row.index, count: 1, bytes: frame.size, toUpstream: up, toClient: 1 - up, startT: frame.t, endT: frame.t };
      open.set(row.connectionId, created);
      out.push(created);
    }
  }
  return out;
}

describe('isAudioFrame', () => {
  it('is true for binary frames and frames the analysis marked as audio', () => {
    const types: FrameTypes = new Map([
      [1, { audio: true }],
      [2, { audio: false }],
    ]);
    expect(isAudioFrame({ seq: 1, opcode: 'text' }, types)).toBe(true);
    expect(isAudioFrame({ seq: 2, opcode: 'text' }, types)).toBe(false);
    expect(isAudioFrame({ seq: 3, opcode: 'text' }, types)).toBe(false);
    expect(isAudioFrame({ seq: 2, opcode: 'binary' }, types)).toBe(true);
    expect(isAudioFrame({ seq: 3, opcode: 'binary' }, types)).toBe(true);
  });
});

describe('runs', () => {
  /**
   * Two connections interleaved:
   *  w1: append append . delta . append . commit append
   *  w2: . . binary . created . . . . binary
   */
  function twoConnections() {
    const log = new EventLog(5_000);
    log.wsOpen('w1', 'r1'); // 1
    log.wsOpen('w2', 'r1'); // 2
    log.advance(10).frame('w1', UP, appendAudio('AAAA')); // 3  w1#0
    log.advance(10).frame('w1', UP, appendAudio('BBBBBBBB')); // 4  w1#1
    log.advance(10).binaryFrame('w2', DOWN, 100); // 5  w2#0
    log.advance(10).frame('w1', DOWN, audioDelta('CCCC')); // 6  w1#2
    log.advance(10).frame('w2', DOWN, responseCreated()); // 7  w2#1 (ends w2's run)
    log.advance(10).frame('w1', UP, appendAudio('DDDD')); // 8  w1#3
    log.advance(10).request('x1', 'r2', '/weather'); // 9
    log.advance(10).frame('w1', UP, commitAudio()); // 10 w1#4 (ends w1's run)
    log.advance(10).frame('w1', UP, appendAudio('EEEE')); // 11 w1#5
    log.advance(10).binaryFrame('w2', UP, 64); // 12 w2#2
    return log;
  }

  it('folds each connection\'s consecutive audio frames into one run at the place of its first frame', () => {
    const log = twoConnections();
    const folded = foldAll(log.events);
    const result = fold(folded);
    expect(shape(result.rows)).toEqual([
      'connection w1',
      'connection w2',
      'run w1 0..3 (4)',
      'run w2 0..0 (1)',
      'frame w2#1',
      'exchange x1',
      'frame w1#4',
      'run w1 5..5 (1)',
      'run w2 2..2 (1)',
    ]);
  });

  it('gives each run its sequence numbers, frame indexes, counts, bytes, directions and times', () => {
    const log = twoConnections();
    const size = (seq: number) => (log.events[seq - 1] as Extract<LogEvent, { kind: 'ws.frame' }>).size;
    const result = fold(foldAll(log.events));
    const runs = result.rows.filter((r): r is AudioRunRow => r.kind === 'audio-run');
    expect(runs).toEqual([
      { kind: 'audio-run', seq: 3, lastSeq: 8, connectionId: 'w1', first: 0, last: 3, count: 4, bytes: size(3) + size(4) + size(6) + size(8), toUpstream: 3, toClient: 1, startT: 5_010, endT: 5_060 },
      { kind: 'audio-run', seq: 5, lastSeq: 5, connectionId: 'w2', first: 0, last: 0, count: 1, bytes: 100, toUpstream: 0, toClient: 1, startT: 5_030, endT: 5_030 },
      { kind: 'audio-run', seq: 11, lastSeq: 11, connectionId: 'w1', first: 5, last: 5, count: 1, bytes: size(11), toUpstream: 1, toClient: 0, startT: 5_090, endT: 5_090 },
      { kind: 'audio-run', seq: 12, lastSeq: 12, connectionId: 'w2', first: 2, last: 2, count: 1, bytes: 64, toUpstream: 1, toClient: 0, startT: 5_100, endT: 5_100 },
    ]);
    expect(size(3)).toBe(JSON.stringify(appendAudio('AAAA')).length);
  });

  it('keeps the runs still open per connection', () => {
    const result = fold(foldAll(twoConnections().events));
    // Both connections end on audio: their last runs are open, at their places in the rows.
    expect(result.openRuns).toEqual(new Map([
      ['w1', 7],
      ['w2', 8],
    ]));
    const log = twoConnections();
    log.frame('w1', DOWN, responseCreated());
    expect(fold(foldAll(log.events)).openRuns).toEqual(new Map([['w2', 8]]));
  });

  it('ends a run on any non-audio frame of its connection: a recognised message, plain text, or a call', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, appendAudio());
    log.frame('w1', UP, 'ping');
    log.frame('w1', UP, appendAudio());
    log.frame('w1', DOWN, callDone('call_1', 'get_weather', '{}'));
    log.frame('w1', UP, appendAudio());
    log.frame('w1', UP, '{"broken json');
    log.frame('w1', UP, appendAudio());
    log.frame('w1', UP, appendAudio());
    expect(shape(fold(foldAll(log.events)).rows)).toEqual([
      'connection w1',
      'run w1 0..0 (1)',
      'frame w1#1',
      'run w1 2..2 (1)',
      'frame w1#3',
      'run w1 4..4 (1)',
      'frame w1#5',
      'run w1 6..7 (2)',
    ]);
  });

  it('does not end a run on rows that belong to no connection or another one, nor on a close', () => {
    const log = new EventLog();
    log.routeUp('r1');
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, appendAudio());
    log.routeUp('r2', 7802);
    log.coreError('something');
    log.request('x1', 'r1', '/a', { a: 1 });
    log.response('x1', 200, '', 'text/event-stream');
    log.sse('x1', 0, 'message', '{"x":1}');
    log.wsOpen('w2', 'r1');
    log.frame('w2', UP, 'hello');
    log.wsClose('w2');
    log.frame('w1', UP, appendAudio());
    log.wsClose('w1');
    expect(shape(fold(foldAll(log.events)).rows)).toEqual([
      'route 1',
      'connection w1',
      'run w1 0..1 (2)',
      'route 4',
      'error 5',
      'exchange x1',
      'sse 10',
      'connection w2',
      'frame w2#0',
    ]);
  });

  it('counts binary frames as audio on a connection no dialect recognised', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1', '/rtvi');
    log.binaryFrame('w1', UP, 320);
    log.binaryFrame('w1', DOWN, 640);
    log.binaryFrame('w1', UP, 320);
    log.frame('w1', DOWN, { label: 'rtvi-ai', type: 'bot-ready', id: '1', data: { version: '1.0.0' } });
    log.binaryFrame('w1', DOWN, 10);
    const result = fold(foldAll(log.events));
    expect(shape(result.rows)).toEqual(['connection w1', 'run w1 0..2 (3)', 'frame w1#3', 'run w1 4..4 (1)']);
    expect(result.rows[1]).toMatchObject({ bytes: 1_280, toUpstream: 2, toClient: 1 });
  });

  it('folds the audio of the other dialects by message type', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, { user_audio_chunk: 'AAAA' }); // ElevenLabs
    log.frame('w1', DOWN, { type: 'audio', audio_event: { audio_base_64: 'AAAA', event_id: 1 } });
    log.frame('w1', UP, { label: 'rtvi-ai', type: 'raw-audio', id: 'a1', data: { base64Audio: 'AAAA', sampleRate: 16000, numChannels: 1 } }); // RTVI
    const folded = foldAll(log.events);
    const frameSeqs = log.events.filter((e) => e.kind === 'ws.frame').map((e) => e.seq);
    expect(frameSeqs.map((seq) => folded.analysis.frameTypes.get(seq)).map((t) => [t?.messageType, t?.audio])).toEqual([
      ['user_audio_chunk', true],
      ['audio', true],
      ['raw-audio', true],
    ]);
    expect(shape(fold(folded).rows)).toEqual(['connection w1', 'run w1 0..2 (3)']);
  });

  it('gives no rows for no traffic, and leaves traffic without audio as it is', () => {
    expect(fold(foldAll([]))).toEqual({ source: [], rows: [], openRuns: new Map() });
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, commitAudio());
    log.request('x1', 'r1', '/a');
    const folded = foldAll(log.events);
    const result = fold(folded);
    expect(result.rows).toEqual(folded.traffic.rows);
    expect(result.rows[1]).toBe(folded.traffic.rows[1]);
  });
});

describe('folding live, batch by batch', () => {
  it('returns the previous fold itself when the rows did not change', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, appendAudio());
    const n = log.events.length;
    log.wsClose('w1'); // no row
    const [a, b] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    const first = fold(a!);
    expect(b!.traffic.rows).toBe(a!.traffic.rows);
    expect(fold(b!, first)).toBe(first);
  });

  it('grows an open run across batches without changing the previous result', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, appendAudio());
    log.frame('w1', UP, appendAudio());
    const n = log.events.length;
    log.advance(20).frame('w1', UP, appendAudio());
    log.frame('w1', DOWN, responseCreated());
    const [a, b] = foldBatches([log.events.slice(0, n), log.events.slice(n)]);
    const first = fold(a!);
    const before = structuredClone(first.rows);
    const second = fold(b!, first);
    expect(shape(second.rows)).toEqual(['connection w1', 'run w1 0..2 (3)', 'frame w1#3']);
    expect(second.rows).toEqual(fold(b!).rows);
    // The earlier result is what React rendered a moment ago: it must not change under it.
    expect(first.rows).toEqual(before);
    expect(first.openRuns).toEqual(new Map([['w1', 1]]));
    expect(shape(first.rows)).toEqual(['connection w1', 'run w1 0..1 (2)']);
    expect(second.rows[1]).not.toBe(first.rows[1]);
    // Rows the batch did not touch keep their identity.
    expect(second.rows[0]).toBe(first.rows[0]);
  });

  /** Random sessions: several connections' audio and other frames interleaved, with exchanges and closes. */
  type Op =
    | { k: 'audio'; c: number; up: boolean }
    | { k: 'binary'; c: number; up: boolean; size: number }
    | { k: 'message'; c: number; up: boolean }
    | { k: 'plain'; c: number }
    | { k: 'call'; c: number }
    | { k: 'http'; x: number }
    | { k: 'close'; c: number };

  const conn = fc.integer({ min: 1, max: 3 });
  const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ k: fc.constant('audio' as const), c: conn, up: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('binary' as const), c: conn, up: fc.boolean(), size: fc.integer({ min: 0, max: 4096 }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('message' as const), c: conn, up: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('plain' as const), c: conn }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('call' as const), c: conn }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('http' as const), x: fc.integer({ min: 1, max: 50 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), c: conn }) },
  );

  /** Opens every connection at a random place (frames before it are orphans, as in a session whose start was lost). */
  function session(ops: readonly Op[], opensAt: readonly number[], t0 = 1_000): LogEvent[] {
    const log = new EventLog(t0);
    ops.forEach((op, i) => {
      opensAt.forEach((at, c) => {
        if (at === i) log.wsOpen(`w${c + 1}`, `r${c + 1}`);
      });
      log.advance(1 + (i % 7));
      switch (op.k) {
        case 'audio':
          log.frame(`w${op.c}`, op.up ? UP : DOWN, op.up ? appendAudio('A'.repeat(1 + (i % 13))) : audioDelta('B'.repeat(1 + (i % 5))));
          break;
        case 'binary':
          log.binaryFrame(`w${op.c}`, op.up ? UP : DOWN, op.size);
          break;
        case 'message':
          log.frame(`w${op.c}`, op.up ? UP : DOWN, op.up ? commitAudio() : responseCreated());
          break;
        case 'plain':
          log.frame(`w${op.c}`, UP, `plain ${i}`);
          break;
        case 'call':
          log.frame(`w${op.c}`, DOWN, callDone(`call_${i}`, 'get_weather', '{"city":"Oslo"}'));
          break;
        case 'http':
          log.request(`x${i}`, 'r9', `/tool/${op.x}`);
          break;
        case 'close':
          log.wsClose(`w${op.c}`);
          break;
      }
    });
    return log.events;
  }

  const sessionArbitrary = fc
    .record({
      ops: fc.array(opArbitrary, { maxLength: 150 }),
      opensAt: fc.array(fc.nat({ max: 20 }), { minLength: 3, maxLength: 3 }),
    })
    .map(({ ops, opensAt }) => session(ops, opensAt));

  it('gives exactly the rows of one fold of everything, for any interleaving and any batches', () => {
    fc.assert(
      fc.property(sessionArbitrary, fc.array(fc.nat({ max: 170 }), { maxLength: 25 }), (events, cuts) => {
        const states = foldBatches(splitAt(events, cuts));
        let live: AudioFold | null = null;
        const snapshots: { result: AudioFold; rows: unknown; openRuns: unknown }[] = [];
        for (const state of states) {
          live = fold(state, live);
          snapshots.push({ result: live, rows: structuredClone(live.rows), openRuns: new Map(live.openRuns) });
        }
        const final = states.at(-1)!;
        const whole = foldAll(events);
        const once = fold(whole);
        // Incremental == one fold of the whole session (rows and open runs), and both are what the doc defines.
        expect(live!.rows).toEqual(once.rows);
        expect(live!.openRuns).toEqual(once.openRuns);
        expect(once.rows).toEqual(expectedRows(whole.traffic, whole.analysis.frameTypes));
        // Also == starting over on the last live state.
        expect(fold(final).rows).toEqual(live!.rows);
        // No fold changed a result handed out before it.
        for (const { result, rows, openRuns } of snapshots) {
          expect(result.rows).toEqual(rows);
          expect(result.openRuns).toEqual(openRuns);
        }
        // Every audio frame is in exactly one run, and no run holds a non-audio frame.
        const runs = live!.rows.filter((r): r is AudioRunRow => r.kind === 'audio-run');
        const audioFrames = [...whole.traffic.connections.values()].flatMap((c) => c.frames).filter((f) => f.opcode === 'binary' || whole.analysis.frameTypes.get(f.seq)?.audio);
        expect(runs.reduce((n, r) => n + r.count, 0)).toBe(audioFrames.length);
        expect(runs.reduce((n, r) => n + r.bytes, 0)).toBe(audioFrames.reduce((n, f) => n + f.size, 0));
        for (const run of runs) expect(run.toUpstream + run.toClient).toBe(run.count);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same rows event by event as at once', () => {
    fc.assert(
      fc.property(sessionArbitrary, (events) => {
        const states = foldBatches(events.map((e) => [e]));
        let live: AudioFold | null = null;
        for (const state of states) live = fold(state, live);
        expect(live === null ? [] : live.rows).toEqual(fold(foldAll(events)).rows);
      }),
      { numRuns: 100 },
    );
  });

  it('starts over for a state that does not extend the previous one (a reset, another session)', () => {
    fc.assert(
      fc.property(sessionArbitrary, sessionArbitrary, fc.array(fc.nat({ max: 170 }), { maxLength: 6 }), (first, second, cuts) => {
        // Live traffic, then the core restarts and numbers its events from 1 again: a new state from empty.
        let live: AudioFold | null = null;
        for (const state of foldBatches(splitAt(first, cuts))) live = fold(state, live);
        const before = live;
        for (const state of foldBatches(splitAt(second, cuts))) live = fold(state, live);
        const fresh = fold(foldAll(second));
        expect(live!.rows).toEqual(fresh.rows);
        expect(live!.openRuns).toEqual(fresh.openRuns);
        // And back: a loaded session's fold, then the live one again.
        const back = fold(foldAll(first), live);
        expect(back.rows).toEqual(before!.rows);
      }),
      { numRuns: 150 },
    );
  });

  it('starts over when the new state is longer but is another session (the last row before differs)', () => {
    const a = new EventLog();
    a.wsOpen('w1', 'r1');
    a.frame('w1', UP, appendAudio());
    a.frame('w1', UP, appendAudio());
    const b = new EventLog();
    b.wsOpen('w1', 'r1');
    b.frame('w1', UP, commitAudio());
    b.frame('w1', UP, appendAudio());
    b.frame('w1', UP, appendAudio());
    const prev = fold(foldAll(a.events));
    expect(shape(prev.rows)).toEqual(['connection w1', 'run w1 0..1 (2)']);
    const next = fold(foldAll(b.events), prev);
    expect(shape(next.rows)).toEqual(['connection w1', 'frame w1#0', 'run w1 1..2 (2)']);
    expect(next.rows).toEqual(fold(foldAll(b.events)).rows);
  });

  it('starts over when the new state is shorter (a reset to fewer rows)', () => {
    const a = new EventLog();
    a.wsOpen('w1', 'r1');
    for (let i = 0; i < 5; i++) a.frame('w1', UP, appendAudio());
    const prev = fold(foldAll(a.events));
    const b = new EventLog();
    b.wsOpen('w2', 'r1');
    b.binaryFrame('w2', UP, 10);
    const next = fold(foldAll(b.events), prev);
    expect(shape(next.rows)).toEqual(['connection w2', 'run w2 0..0 (1)']);
    expect(next.openRuns).toEqual(new Map([['w2', 1]]));
  });

  it('continues from a fold of an empty state', () => {
    const log = new EventLog();
    log.wsOpen('w1', 'r1');
    log.frame('w1', UP, appendAudio());
    const empty = fold(foldAll([]));
    expect(fold(foldAll(log.events), empty).rows).toEqual(fold(foldAll(log.events)).rows);
  });
});
