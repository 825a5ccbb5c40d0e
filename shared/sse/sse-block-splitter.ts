/**
 * Splits an SSE text stream into raw blocks: each block runs from the end of the previous one up to and
 * including the blank line that ends it. Line ends may be CRLF, LF or a lone CR (all legal, and mixable).
 *
 * eventsource-parser tells which events a client would dispatch, but not which bytes they came from; the
 * inspector needs those bytes (to show them, and to point findings at them), so blocks are cut here and each
 * is handed to the parser whole.
 */
export interface SseBlock {
  raw: string;
  /** Offset of `raw` in the text stream, in UTF-16 code units. */
  offset: number;
}

export class SseBlockSplitter {
  private buffer = '';
  private scanFrom = 0;
  private lineStart = 0;
  private consumed = 0;

  /** Adds text; returns the blocks completed by it. */
  push(text: string): SseBlock[] {
    this.buffer += text;
    return this.scan(false);
  }

  /** The stream ended: returns blocks completed by a trailing lone CR, and the text after the last blank line. */
  end(): { blocks: SseBlock[]; leftover: SseBlock | null } {
    const blocks = this.scan(true);
    const leftover = this.buffer.length > 0 ? { raw: this.buffer, offset: this.consumed } : null;
    this.buffer = '';
    this.scanFrom = 0;
    this.lineStart = 0;
    return { blocks, leftover };
  }

  /** Text received but not yet part of a complete block. */
  get pendingLength(): number {
    return this.buffer.length;
  }

  private scan(final: boolean): SseBlock[] {
    const blocks: SseBlock[] = [];
    const buf = this.buffer;
    let i = this.scanFrom;
    let lineStart = this.lineStart;
    let blockStart = 0;
    while (i < buf.length) {
      const ch = buf.charCodeAt(i);
      let terminator = 0;
      if (ch === 10) terminator = 1;
      else if (ch === 13) {
        if (i + 1 < buf.length) terminator = buf.charCodeAt(i + 1) === 10 ? 2 : 1;
        else if (final) terminator = 1;
        else break; // a CR at the end may be the first half of CRLF: wait for the next character
      }
      if (terminator === 0) {
        i++;
        continue;
      }
      const lineEnd = i + terminator;
      if (i === lineStart) {
        blocks.push({ raw: buf.slice(blockStart, lineEnd), offset: this.consumed + blockStart });
        blockStart = lineEnd;
      }
      lineStart = lineEnd;
      i = lineEnd;
    }
    if (blockStart > 0) {
      this.buffer = buf.slice(blockStart);
      this.consumed += blockStart;
    }
    this.scanFrom = i - blockStart;
    this.lineStart = lineStart - blockStart;
    return blocks;
  }
}
