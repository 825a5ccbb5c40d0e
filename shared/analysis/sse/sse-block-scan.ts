/**
 * Reads one SSE block (the lines up to and including the blank line that ends an event) line by line, the way
 * the WHATWG algorithm does, and notes every line a client would silently misread. eventsource-parser reports
 * only some of these, and only when a whole line arrives in one chunk (see shared/protocols/08-sse-parsing.md),
 * so the linter cannot rely on it and checks the bytes itself.
 */
import type { Severity } from '../model.js';
import { splitSseLines, type SseLine } from './sse-lines.js';

export interface LineIssue {
  rule: string;
  severity: Severity;
  message: string;
  /** UTF-8 byte range relative to the block's first byte. */
  byteStart: number;
  byteLength: number;
}

export interface BlockScan {
  lines: SseLine[];
  /** In byte order; at most MAX_ISSUES_PER_RULE per rule. */
  issues: LineIssue[];
  /** Issues left out of `issues` by the cap, per rule. */
  omitted: Map<string, number>;
  /** The block has at least one exact `data` field, so a client dispatches it. */
  hasData: boolean;
  /** The value of the last exact `event` field, when there is one. */
  eventType: string | null;
  /** A line meant as `data` was dropped (miscased, space before the colon, a BOM in front). */
  lostData: boolean;
  hasContinuation: boolean;
  /** The data a client dispatches (the `data` values joined with LF), or null when it dispatches nothing. */
  data: string | null;
  /** Bytes from the first to the last `data` line (their endings excluded). */
  dataRange: { byteStart: number; byteLength: number } | null;
  /** Lines that are exact SSE fields or comments: tells an SSE body from other text. */
  sseLines: number;
}

/** A block with a million broken lines needs a few findings and a count, not a million messages. */
export const MAX_ISSUES_PER_RULE = 20;

const KNOWN_FIELDS = new Set(['data', 'event', 'id', 'retry']);
const BOM = '\uFEFF';
/** What a field name looks like when someone meant it as one; anything else after a `data:` line is a continuation. */
const FIELD_NAME_SHAPE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const PREVIEW_CHARS = 60;

/** Shows a piece of the stream in a message: quoted, escaped, and short. */
export function preview(text: string, max = PREVIEW_CHARS): string {
  // JSON.stringify leaves invisible characters as they are; a reader must see the BOM that broke the line.
  return JSON.stringify(shorten(text, max)).replace(/[\uFEFF\u200B\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Collects issues, building a message only while its rule is under the cap. */
class IssueSink {
  readonly issues: LineIssue[] = [];
  readonly omitted = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  add(rule: string, severity: Severity, line: { byteStart: number; byteLength: number }, message: () => string): void {
    const count = this.counts.get(rule) ?? 0;
    this.counts.set(rule, count + 1);
    if (count >= MAX_ISSUES_PER_RULE) {
      this.omitted.set(rule, (this.omitted.get(rule) ?? 0) + 1);
      return;
    }
    this.issues.push({ rule, severity, message: message(), byteStart: line.byteStart, byteLength: line.byteLength });
  }
}

/** An exact `data` field: what makes a client dispatch the block. */
function isDataLine(text: string): boolean {
  return text === 'data' || text.startsWith('data:');
}

/**
 * `atStreamStart` says the block begins the body: only there is a leading BOM dropped (and not reported).
 * Byte ranges are relative to the block's first byte, that BOM included.
 */
export function scanSseBlock(raw: string, atStreamStart: boolean): BlockScan {
  const startsWithBom = atStreamStart && raw.startsWith(BOM);
  const text = startsWithBom ? raw.slice(1) : raw;
  const lines = splitSseLines(text, startsWithBom ? 3 : 0);
  // Whether the event keeps any data decides what losing a line costs, so it is known before the lines are judged.
  const hasData = lines.some((line) => isDataLine(line.text));
  const sink = new IssueSink();
  const dataValues: string[] = [];
  let eventType: string | null = null;
  let lostData = false;
  let hasContinuation = false;
  let sseLines = 0;
  let firstData: SseLine | null = null;
  let lastData: SseLine | null = null;
  // A run of continuation lines is one finding: its first line and the lines it spans. Their messages quote the
  // event's final data, so they are written after the last line.
  const runs: { first: SseLine; last: SseLine; count: number }[] = [];
  let run: { first: SseLine; last: SseLine; count: number } | null = null;
  const flushRun = (): void => {
    if (run) runs.push(run);
    run = null;
  };

  for (const line of lines) {
    const lineText = line.text;
    if (lineText === '') continue;
    if (lineText.charCodeAt(0) === 58 /* ':' */) {
      sseLines++;
      flushRun();
      continue;
    }
    const colon = lineText.indexOf(':');
    const name = colon < 0 ? lineText : lineText.slice(0, colon);
    let value = colon < 0 ? '' : lineText.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);

    if (name.startsWith(BOM)) {
      flushRun();
      const bare = name.replace(/^\uFEFF+/, '');
      if (bare === 'data') lostData = true;
      sink.add(
        'sse/bom-mid-stream',
        'error',
        line,
        () =>
          `This line starts with a byte order mark (U+FEFF, bytes EF BB BF) that is not at the start of the stream. Only a BOM at the very ` +
          `start is dropped, so here it becomes part of the field name (${preview(name, 20)}) and clients ignore the line` +
          `${consequenceOfLosing(bare, hasData)}. It usually comes from joining strings or files that each begin with a BOM: strip it before writing.`,
      );
      continue;
    }
    if (lineText.indexOf(BOM) > 0) {
      sink.add(
        'sse/bom-mid-stream',
        'warning',
        line,
        () =>
          'A byte order mark (U+FEFF) sits inside this line. Clients keep it as part of the value, where JSON parsers reject it ' +
          'and text comparisons fail. Strip it before writing.',
      );
    }

    if (KNOWN_FIELDS.has(name)) {
      sseLines++;
      flushRun();
      checkKnownField(name, value, line, sink);
      if (name === 'data') {
        dataValues.push(value);
        firstData ??= line;
        lastData = line;
      } else if (name === 'event') eventType = value;
      continue;
    }

    const trimmedName = name.replace(/[ \t]+$/, '');
    if (trimmedName !== name && KNOWN_FIELDS.has(trimmedName)) {
      flushRun();
      if (trimmedName === 'data') lostData = true;
      sink.add(
        'sse/space-before-colon',
        'error',
        line,
        () =>
          `The field name ${preview(name, 20)} has a space before the colon, so it is not "${trimmedName}": clients ignore the whole line` +
          `${consequenceOfLosing(trimmedName, hasData)}. Write "${trimmedName}:" with no space before the colon.`,
      );
      continue;
    }

    if (lineText.trim() === '') {
      flushRun();
      sink.add(
        'sse/whitespace-line',
        'warning',
        line,
        () =>
          'This line holds only spaces or tabs, so it is not the blank line that ends an event: clients read it as an unknown field, ' +
          'and what follows still belongs to the same event. If it was meant to separate two events, make it empty.',
      );
      continue;
    }

    if (firstData !== null && (colon < 0 || !FIELD_NAME_SHAPE.test(name))) {
      hasContinuation = true;
      if (run) {
        run.last = line;
        run.count++;
      } else run = { first: line, last: line, count: 1 };
      continue;
    }

    flushRun();
    const stripped = name.trim();
    const meant = KNOWN_FIELDS.has(stripped) ? stripped : KNOWN_FIELDS.has(stripped.toLowerCase()) ? stripped.toLowerCase() : null;
    if (meant === 'data') lostData = true;
    // Ignoring an unknown line is what the spec wants; it hurts when the line was meant as the event's data or type.
    const severity: Severity = meant === 'data' || meant === 'event' ? 'error' : 'warning';
    sink.add('sse/unknown-field', severity, line, () => {
      const shownName = preview(name, 30);
      if (meant && meant !== stripped) {
        return (
          `${shownName} is not an SSE field: field names are case-sensitive, so every client ignores this line` +
          `${consequenceOfLosing(meant, hasData)}. Write "${meant}:" in lower case.`
        );
      }
      if (meant) {
        return (
          `${shownName} is not an SSE field: the whitespace before the name is part of it, so every client ignores this line` +
          `${consequenceOfLosing(meant, hasData)}. Start the line with "${meant}:".`
        );
      }
      return (
        `${shownName} is not an SSE field (only data, event, id and retry are), so clients ignore this line` +
        `${hasData ? '' : '; this event has no data line, so nothing is dispatched'}. ` +
        'Remove it, or send it as a comment (a line starting with ":").'
      );
    });
  }
  flushRun();
  const data = hasData ? dataValues.join('\n') : null;
  for (const { first, last, count } of runs) {
    sink.add(
      'sse/unprefixed-continuation-line',
      'error',
      { byteStart: first.byteStart, byteLength: last.byteStart + last.byteLength - first.byteStart },
      () =>
        `${count === 1 ? 'This line does' : `These ${count} lines do`} not start with "data:": SSE has no continuation lines, so clients read ` +
        `${preview(first.text, 40)} as an unknown field and drop ${count === 1 ? 'it' : 'them'}. ` +
        `The event's data is only ${preview(data ?? '')}. Prefix every line with "data:" (clients join them with newlines), ` +
        'or send the JSON on one line.',
    );
  }

  const issues = sink.issues.sort((a, b) => a.byteStart - b.byteStart);
  return {
    lines,
    issues,
    omitted: sink.omitted,
    hasData,
    eventType,
    lostData,
    hasContinuation,
    data,
    dataRange:
      firstData && lastData ? { byteStart: firstData.byteStart, byteLength: lastData.byteStart + lastData.byteLength - firstData.byteStart } : null,
    sseLines,
  };
}

/** What a client loses when it ignores a line that was meant as `field`. */
function consequenceOfLosing(field: string, eventHasData: boolean): string {
  switch (field) {
    case 'data':
      return eventHasData
        ? ', and this part of the data is missing from the event'
        : ', and with it the data: an event without data is never dispatched';
    case 'event':
      return eventHasData
        ? ', so the event is dispatched as a plain "message" instead of under its type'
        : ' (and this event has no usable data line, so it is not dispatched at all)';
    case 'id':
      return ', so the last event id is not updated';
    case 'retry':
      return ', so the reconnection delay is not set';
    default:
      return '';
  }
}

function checkKnownField(name: string, value: string, line: SseLine, sink: IssueSink): void {
  if (name === 'retry') {
    if (!/^\d+$/.test(value)) {
      const spaced = /^[ \t]+\d+$/.test(value);
      sink.add(
        'sse/invalid-retry',
        'warning',
        line,
        () =>
          `retry ${preview(value, 30)} is not a whole number of milliseconds (ASCII digits only${spaced ? ', and SSE removes only one space after the colon' : ''}), ` +
          'so clients ignore it and keep their default reconnection delay. Write for example "retry: 3000".',
      );
    }
    return;
  }
  if (name === 'id' && value.includes('\u0000')) {
    sink.add(
      'sse/id-with-nul',
      'warning',
      line,
      () =>
        'This id contains a NUL character, so clients ignore the whole id and keep the previous one: a client that reconnects sends the ' +
        'wrong Last-Event-ID and the server resumes from the wrong place. Use ids without NUL.',
    );
  }
  if (/^[ \t]/.test(value)) {
    const jsonLike = /^\s*[[{]/.test(value);
    const severity: Severity = name === 'event' || (name === 'data' && !jsonLike) ? 'error' : 'warning';
    sink.add('sse/double-space-after-colon', severity, line, () => {
      const shown = preview(value, 30);
      let effect: string;
      if (name === 'event') effect = `the event type is ${shown}, with the whitespace, which matches no handler, so the event is ignored`;
      else if (name === 'data' && jsonLike) effect = 'the data keeps a leading space; JSON parsers skip it, but any client that compares the text does not';
      else if (name === 'data') effect = `the data is ${shown}, with the whitespace, so a client comparing it (for example with "close") finds no match`;
      else effect = `the id is ${shown}, with the whitespace, so a reconnecting client sends an id the server does not know`;
      return `There is more than one space after "${name}:". SSE removes exactly one, so ${effect}. Write "${name}: ${shorten(value.trim(), 40)}".`;
    });
  }
  if (name === 'event' && /[ \t]$/.test(value)) {
    sink.add(
      'sse/event-type-trailing-space',
      'error',
      line,
      () =>
        `The event type ${preview(value, 30)} ends with whitespace, which clients keep, so it matches no handler and the event is ignored. ` +
        `Write "event: ${shorten(value.trim(), 40)}" with nothing after the type.`,
    );
  }
}
