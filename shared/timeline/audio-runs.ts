/**
 * Folds audio frames in the traffic rows into one summary row per run ("312 audio frames, 2.1 MB, 6.2 s"), so
 * a realtime session's calls are not buried under thousands of `input_audio_buffer.append` frames.
 *
 * A run is the consecutive audio frames of one connection: a non-audio frame of that connection ends it,
 * frames of other connections in between do not. Audio is what the analysis marked as audio (by message
 * type) and every binary frame (RTVI and others carry audio as binary).
 *
 * Live traffic only appends rows, so the fold continues from the previous result instead of starting over:
 * one batch costs its own rows plus one copy of the row array, not a pass over 100,000 rows.
 */
import type { FrameTypeLookup } from '../analysis/frame-type-index.js';
import type { TrafficRow, TrafficState } from '../store/traffic-state.js';

export interface AudioRunRow {
  kind: 'audio-run';
  /** Sequence number of the first frame: the run's place in the list. */
  seq: number;
  lastSeq: number;
  connectionId: string;
  /** Indexes into the connection's frames, inclusive. */
  first: number;
  last: number;
  count: number;
  bytes: number;
  toUpstream: number;
  toClient: number;
  startT: number;
  endT: number;
}

export type TrafficListRow = TrafficRow | AudioRunRow;

export interface AudioFold {
  /** The traffic rows this fold was computed from. */
  source: readonly TrafficRow[];
  rows: readonly TrafficListRow[];
  /** Connection id -> index in `rows` of its run still open (its last frame was audio). */
  openRuns: ReadonlyMap<string, number>;
}

export type FrameTypes = FrameTypeLookup<{ audio: boolean }>;

export function isAudioFrame(frame: { seq: number; opcode: 'text' | 'binary' }, frameTypes: FrameTypes): boolean {
  return frame.opcode === 'binary' || frameTypes.get(frame.seq)?.audio === true;
}

export function foldAudioRuns(prev: AudioFold | null, traffic: TrafficState, frameTypes: FrameTypes): AudioFold {
  const source = traffic.rows;
  if (prev && prev.source === source) return prev;
  const continues =
    prev !== null &&
    prev.source.length <= source.length &&
    (prev.source.length === 0 || prev.source[prev.source.length - 1] === source[prev.source.length - 1]);
  const rows: TrafficListRow[] = continues ? prev.rows.slice() : [];
  const openRuns = continues ? new Map(prev.openRuns) : new Map<string, number>();
  // A run row changed in this batch is private to it and may be updated in place.
  const fresh = new Set<AudioRunRow>();

  for (let i = continues ? prev.source.length : 0; i < source.length; i++) {
    const row = source[i]!;
    if (row.kind !== 'frame') {
      rows.push(row);
      continue;
    }
    const frame = traffic.connections.get(row.connectionId)?.frames[row.index];
    if (!frame || !isAudioFrame(frame, frameTypes)) {
      openRuns.delete(row.connectionId);
      rows.push(row);
      continue;
    }
    const toUpstream = frame.direction === 'client-to-upstream' ? 1 : 0;
    const at = openRuns.get(row.connectionId);
    if (at === undefined) {
      const run: AudioRunRow = {
        kind: 'audio-run',
        seq: frame.seq,
        lastSeq: frame.seq,
        connectionId: row.connectionId,
        first: row.index,
        last: row.index,
        count: 1,
        bytes: frame.size,
        toUpstream,
        toClient: 1 - toUpstream,
        startT: frame.t,
        endT: frame.t,
      };
      fresh.add(run);
      openRuns.set(row.connectionId, rows.length);
      rows.push(run);
      continue;
    }
    let run = rows[at] as AudioRunRow;
    if (!fresh.has(run)) {
      run = { ...run };
      fresh.add(run);
      rows[at] = run;
    }
    run.lastSeq = frame.seq;
    run.last = row.index;
    run.count++;
    run.bytes += frame.size;
    run.toUpstream += toUpstream;
    run.toClient += 1 - toUpstream;
    run.endT = frame.t;
  }
  return { source, rows, openRuns };
}
