/**
 * Turns a session file's text, arriving in chunks of any size (slices from the core, or a local file read in
 * pieces), into events. A chunk may end in the middle of a line; that part waits for the next chunk. Lines are
 * numbered as in the file (the header is line 1), so a warning points at the line to look at.
 */
import type { LogEvent } from './events.js';
import {
  parseSessionHeader,
  parseSessionLine,
  SessionFormatError,
  type LoadedSession,
  type SessionHeader,
  type SessionWarning,
} from './session-format.js';

const BLANK = /^\s*$/;

export class SessionLineReader {
  private carry = '';
  private lineNumber: number;
  private headerSeen: boolean;
  header: SessionHeader | null = null;

  /** `afterHeader`: the text starts after the header line (the core already checked it). */
  constructor(options: { afterHeader: boolean }) {
    this.headerSeen = options.afterHeader;
    this.lineNumber = options.afterHeader ? 1 : 0;
  }

  /** Throws SessionFormatError only for the header; a bad event line is a warning. */
  push(text: string): { events: LogEvent[]; warnings: SessionWarning[] } {
    const events: LogEvent[] = [];
    const warnings: SessionWarning[] = [];
    let start = 0;
    let data = text;
    if (this.carry) {
      data = this.carry + text;
      this.carry = '';
    }
    for (let newline = data.indexOf('\n', start); newline !== -1; newline = data.indexOf('\n', start)) {
      this.take(data.slice(start, newline), events, warnings);
      start = newline + 1;
    }
    this.carry = data.slice(start);
    return { events, warnings };
  }

  /** The end of the input: a last line without its newline is read too (a writer killed mid-line cuts it). */
  finish(): { events: LogEvent[]; warnings: SessionWarning[] } {
    const events: LogEvent[] = [];
    const warnings: SessionWarning[] = [];
    const rest = this.carry;
    this.carry = '';
    if (!BLANK.test(rest)) this.take(rest, events, warnings);
    if (!this.headerSeen) throw new SessionFormatError('empty file: not a Toolscope session');
    return { events, warnings };
  }

  private take(rawLine: string, events: LogEvent[], warnings: SessionWarning[]): void {
    this.lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (!this.headerSeen) {
      this.header = parseSessionHeader(line);
      this.headerSeen = true;
      return;
    }
    // A blank line between events is harmless; a regex test stops at the first character, where trim() would copy the line.
    if (BLANK.test(line)) return;
    const parsed = parseSessionLine(line);
    if (parsed.ok) events.push(parsed.event);
    else warnings.push({ line: this.lineNumber, message: parsed.message });
  }
}

/** Parses a whole session text at once (tests, small files). */
export function parseSessionText(text: string): LoadedSession {
  const firstEnd = text.indexOf('\n');
  if (text.slice(0, firstEnd === -1 ? undefined : firstEnd).trim() === '') throw new SessionFormatError('empty file: not a Toolscope session');
  const reader = new SessionLineReader({ afterHeader: false });
  const body = reader.push(text);
  const tail = reader.finish();
  return { header: reader.header!, events: [...body.events, ...tail.events], warnings: [...body.warnings, ...tail.warnings] };
}
