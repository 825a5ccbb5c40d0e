/**
 * Appends events to the session file as they happen. Lines are collected for the current turn of the event
 * loop and written with one synchronous write right after it, so a killed process loses at most the events
 * of its last few milliseconds, and the proxy never waits on the disk within a turn.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogEvent } from '../../shared/events.js';
import { makeSessionHeader, serializeEvent } from '../../shared/session-format.js';

export class SessionWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private scheduled = false;
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
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending now (before a copy, or on shutdown). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
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
