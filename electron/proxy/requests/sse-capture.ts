/**
 * Turns the teed bytes of an SSE response into `sse.event` log events as they arrive (decompressing first
 * when the body is content-encoded), so the UI and the analysis see each event while the stream is open.
 */
import type { Transform } from 'node:stream';
import { SseStreamReader, type SseBlockReading } from '../../../shared/sse/sse-stream-reader.js';
import type { EventLog } from '../../core/event-log.js';

/** An SSE block that never ends is a broken stream, not a reason to use unbounded memory. */
const MAX_PENDING_CHARS = 4 * 1024 * 1024;

export class SseCapture {
  private readonly reader = new SseStreamReader();
  private readonly text = new TextDecoder('utf-8', { ignoreBOM: true });
  private events = 0;
  private stopped = false;
  private ended = false;

  constructor(
    private readonly log: Pick<EventLog, 'append'>,
    private readonly exchangeId: string,
    private readonly decoder: Transform | null,
  ) {
    if (decoder) {
      decoder.on('data', (chunk: Buffer) => this.read(chunk));
      decoder.on('error', (error: Error) => {
        this.stop(`could not decompress the SSE stream: ${error.message}`);
      });
    }
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.decoder) this.decoder.write(chunk);
    else this.read(chunk);
  }

  /** `complete` is false when the stream ended because a side went away. */
  end(complete: boolean): void {
    if (this.decoder && !this.stopped) {
      this.decoder.once('end', () => this.finish(complete));
      this.decoder.end();
    } else this.finish(complete);
  }

  private read(chunk: Buffer): void {
    if (this.stopped) return;
    this.emit(this.reader.push(this.text.decode(chunk, { stream: true })));
    if (this.reader.pendingLength > MAX_PENDING_CHARS) {
      this.stop(`an SSE event grew past ${MAX_PENDING_CHARS} characters without a blank line; stopped reading this stream (the bytes still pass through)`);
    }
  }

  private finish(complete: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.stopped) return;
    this.emit(this.reader.push(this.text.decode()));
    const end = this.reader.end();
    this.emit(end.blocks);
    this.log.append({
      kind: 'sse.end',
      exchangeId: this.exchangeId,
      events: this.events,
      leftover: end.leftover,
      leftoverOffset: end.leftoverOffset,
      complete,
    });
  }

  private stop(message: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.log.append({ kind: 'core.error', context: `sse ${this.exchangeId}`, message });
  }

  private emit(blocks: SseBlockReading[]): void {
    for (const block of blocks) {
      this.events++;
      this.log.append({ kind: 'sse.event', exchangeId: this.exchangeId, ...block });
    }
  }
}
