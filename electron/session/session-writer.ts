/**
 * Appends events to the session file as they happen. Lines are collected for a few milliseconds (or until a
 * quarter MiB waits) and written with one synchronous write, so a killed process loses at most the events of
 * its last few milliseconds. Writing once per turn of the event loop instead cost a write(2) every few frames
 * under a WebSocket burst: a tenth of the proxy thread's time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogEvent } from '../../shared/events.js';
import { makeSessionHeader, serializeEvent } from '../../shared/session-format.js';

/** How long lines wait for the next write, at most. */
export const FLUSH_INTERVAL_MS = 5;
/** Written at once from this many pending characters on. */
const FLUSH_CHARS = 256 * 1024;

export class SessionWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private bytes = 0;
  private failure: Error | null = null;

  constructor(
    readonly filePath: string,
    appVersion: string,
    startTime: number,
  ) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.fd = fs.openSync(filePath, 'w');
    this.writeNow(`${JSON.stringify(makeSessionHeader(appVersion, startTime))}\n`);
  }

  /** `json`: the event already serialised (the event log makes it once for every consumer). */
  append(event: LogEvent, json: string = serializeEvent(event)): void {
    if (this.closed || this.failure) return;
    this.pending.push(json);
    this.pendingChars += json.length;
    if (this.pendingChars >= FLUSH_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes what is pending now (before a copy, or on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0 || this.closed) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingChars = 0;
    this.writeNow(text);
  }

  get writtenBytes(): number {
    return this.bytes;
  }

  /** The first write error, if any: capture goes on in memory and the UI can say why the file stopped. */
  get error(): Error | null {
    return this.failure;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private writeNow(text: string): void {
    try {
      const buffer = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset);
      this.bytes += buffer.length;
    } catch (error) {
      this.failure = error as Error;
    }
  }
}
