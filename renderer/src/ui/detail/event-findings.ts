/** Findings by the event they point at, and their byte ranges inside one SSE event. Pure, no DOM. */
import type { Finding } from '../../../../shared/analysis/model.js';
import type { EventOf } from '../../../../shared/events.js';
import type { ByteRange } from './byte-marks.js';

export interface FindingMark extends ByteRange {
  finding: Finding;
}

/** Findings by the sequence number of the event they point at. */
export function findingsByEvent(findings: readonly Finding[]): Map<number, Finding[]> {
  const map = new Map<number, Finding[]>();
  for (const f of findings) {
    const list = map.get(f.ref.seq);
    if (list) list.push(f);
    else map.set(f.ref.seq, [f]);
  }
  return map;
}

/** The byte ranges of `findings` inside one SSE event: finding offsets are into the whole SSE body. */
export function sseMarks(event: Pick<EventOf<'sse.event'>, 'byteOffset'>, findings: readonly Finding[]): FindingMark[] {
  return frameMarks(findings, event.byteOffset);
}

/** The byte ranges of `findings` inside a payload that starts at `base` (0 for a frame). */
export function frameMarks(findings: readonly Finding[], base = 0): FindingMark[] {
  const marks: FindingMark[] = [];
  for (const f of findings) {
    if (f.ref.byteOffset === undefined) continue;
    marks.push({ byteStart: f.ref.byteOffset - base, byteLength: f.ref.byteLength ?? 0, finding: f });
  }
  return marks;
}
