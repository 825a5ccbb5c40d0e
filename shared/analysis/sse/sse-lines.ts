/**
 * Cuts SSE text into lines as the WHATWG parser sees them (CRLF, lone LF and lone CR all end a line), keeping
 * each line's ending and its UTF-8 byte position, so a finding can point at the exact bytes of a bad line.
 */
import { utf8ByteLength } from '../../text-bytes.js';

export type LineEnding = 'crlf' | 'lf' | 'cr' | 'none';

export interface SseLine {
  /** The line without its ending. */
  text: string;
  ending: LineEnding;
  /** UTF-8 byte offset of the line's first byte, relative to the text that was split. */
  byteStart: number;
  /** UTF-8 bytes of `text` (the ending not included). */
  byteLength: number;
  /** Bytes of the ending: 2 for CRLF, 1 for LF or CR, 0 for a last line without one. */
  endingBytes: number;
}

/**
 * Text after the last line end is a line with ending `none`; an empty remainder is not a line. A CR at the very
 * end counts as a lone CR: the caller hands over text that will not grow (a block, or the stream's leftover).
 */
export function splitSseLines(text: string, byteBase = 0): SseLine[] {
  const lines: SseLine[] = [];
  let start = 0;
  let bytes = byteBase;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 10 && code !== 13) continue;
    const crlf = code === 13 && i + 1 < length && text.charCodeAt(i + 1) === 10;
    const lineText = text.slice(start, i);
    const byteLength = utf8ByteLength(lineText);
    const endingBytes = crlf ? 2 : 1;
    lines.push({ text: lineText, ending: crlf ? 'crlf' : code === 13 ? 'cr' : 'lf', byteStart: bytes, byteLength, endingBytes });
    bytes += byteLength + endingBytes;
    if (crlf) i++;
    start = i + 1;
  }
  if (start < length) {
    const lineText = text.slice(start);
    lines.push({ text: lineText, ending: 'none', byteStart: bytes, byteLength: utf8ByteLength(lineText), endingBytes: 0 });
  }
  return lines;
}

/** How a person names a line ending in a message. */
export function endingName(ending: LineEnding): string {
  switch (ending) {
    case 'crlf':
      return 'CRLF';
    case 'lf':
      return 'LF';
    case 'cr':
      return 'a lone CR';
    default:
      return 'no line end';
  }
}
