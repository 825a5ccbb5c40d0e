/**
 * Reads an SSE body as it streams: cuts it into raw blocks, lets eventsource-parser (a spec-conforming
 * parser) decide what each block dispatches, and reports both, with byte offsets into the body.
 */
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { SseBlockSplitter } from './sse-block-splitter.js';
import { utf8ByteLength } from '../text-bytes.js';

export interface SseBlockReading {
  index: number;
  raw: string;
  byteOffset: number;
  byteLength: number;
  dispatched: boolean;
  type?: string;
  data?: string;
  id?: string;
  comments?: string[];
  parseErrors?: string[];
}

export interface SseStreamEnd {
  blocks: SseBlockReading[];
  leftover: string | null;
  leftoverOffset: number | null;
}

const BOM = 0xfeff;

export class SseStreamReader {
  private readonly splitter = new SseBlockSplitter();
  private readonly parser;
  private index = 0;
  private byteOffset = 0;
  private atStart = true;
  // Filled by the parser callbacks during one synchronous feed() call.
  private dispatchedEvents: EventSourceMessage[] = [];
  private comments: string[] = [];
  private errors: string[] = [];

  constructor() {
    this.parser = createParser({
      onEvent: (event) => this.dispatchedEvents.push(event),
      onComment: (comment) => this.comments.push(comment),
      onError: (error: ParseError) => this.errors.push(`${error.type}: ${error.message}`),
    });
  }

  push(text: string): SseBlockReading[] {
    return this.splitter.push(text).map((block) => this.read(block.raw));
  }

  /** Characters received but not yet part of a complete block. */
  get pendingLength(): number {
    return this.splitter.pendingLength;
  }

  end(): SseStreamEnd {
    const { blocks, leftover } = this.splitter.end();
    const readings = blocks.map((block) => this.read(block.raw));
    return {
      blocks: readings,
      leftover: leftover ? leftover.raw : null,
      leftoverOffset: leftover ? this.byteOffset : null,
    };
  }

  private read(raw: string): SseBlockReading {
    let feedText = raw;
    if (this.atStart) {
      this.atStart = false;
      // Only a BOM at the very start of the stream is dropped (the spec); it stays in `raw`.
      if (feedText.charCodeAt(0) === BOM) feedText = feedText.slice(1);
    }
    // The parser holds back a final CR in case an LF follows; the splitter already knows this CR is lone,
    // and CR LF means the same line end, so an LF lets the parser dispatch now.
    if (feedText.endsWith('\r')) feedText += '\n';
    this.dispatchedEvents = [];
    this.comments = [];
    this.errors = [];
    this.parser.feed(feedText);
    const byteLength = utf8ByteLength(raw);
    const reading: SseBlockReading = {
      index: this.index++,
      raw,
      byteOffset: this.byteOffset,
      byteLength,
      dispatched: this.dispatchedEvents.length > 0,
    };
    this.byteOffset += byteLength;
    const event = this.dispatchedEvents[0];
    if (event) {
      reading.type = event.event ?? 'message';
      reading.data = event.data;
      if (event.id !== undefined) reading.id = event.id;
    }
    if (this.comments.length > 0) reading.comments = this.comments;
    if (this.errors.length > 0) reading.parseErrors = this.errors;
    return reading;
  }
}
