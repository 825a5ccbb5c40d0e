/**
 * Marks byte ranges inside a captured text: findings point at bytes (UTF-8 offsets into an SSE body or a frame),
 * the view shows characters, so the ranges are converted before the text is cut into segments. Pure, no DOM.
 */

export interface ByteRange {
  /** Offset in bytes from the start of `text`. */
  byteStart: number;
  /** Length in bytes; 0 marks a position (a missing blank line, a missing field). */
  byteLength: number;
}

export interface MarkedSegment {
  text: string;
  /** Indexes into the ranges that cover this segment; empty when unmarked. A point mark has empty text. */
  marks: number[];
}

/** The character index at a UTF-8 byte offset of `text` (clamped to the text; inside a character, its start). */
export function charIndexAtByte(text: string, byteOffset: number): number {
  if (byteOffset <= 0) return 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let width: number;
    let units = 1;
    if (code < 0x80) width = 1;
    else if (code < 0x800) width = 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      width = 4;
      units = 2;
    } else width = 3;
    if (bytes + width > byteOffset) return i;
    bytes += width;
    i += units - 1;
    if (bytes === byteOffset) return i + 1;
  }
  return text.length;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Cuts `text` into segments at the edges of the ranges; each segment lists the ranges that cover it. Ranges
 * outside the text are clamped to it; overlapping ranges are fine.
 */
export function markSegments(text: string, ranges: readonly ByteRange[]): MarkedSegment[] {
  if (ranges.length === 0) return text.length > 0 ? [{ text, marks: [] }] : [];
  const spans = ranges.map((r) => {
    const start = charIndexAtByte(text, r.byteStart);
    const end = r.byteLength > 0 ? Math.max(start, charIndexAtByte(text, r.byteStart + r.byteLength)) : start;
    // A non-empty byte range inside one character still marks that character.
    return { start, end: r.byteLength > 0 && end === start && start < text.length ? start + 1 : end, point: r.byteLength <= 0 };
  });
  const edges = new Set<number>([0, text.length]);
  for (const s of spans) {
    edges.add(s.start);
    edges.add(s.end);
  }
  const cuts = [...edges].sort((a, b) => a - b);
  const out: MarkedSegment[] = [];
  for (let c = 0; c < cuts.length; c++) {
    const at = cuts[c]!;
    const points = spans.flatMap((s, i) => (s.point && s.start === at ? [i] : []));
    if (points.length > 0) out.push({ text: '', marks: points });
    const next = cuts[c + 1];
    if (next === undefined || next === at) continue;
    const marks = spans.flatMap((s, i) => (!s.point && s.start <= at && s.end >= next ? [i] : []));
    out.push({ text: text.slice(at, next), marks });
  }
  return out;
}
