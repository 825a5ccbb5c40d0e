/**
 * Generic SSE framing problems in a captured stream: what a spec-conforming client (WHATWG; eventsource-parser)
 * silently drops or misreads. Protocol meaning (Daily's `close`, `llm:function_result`) is the dialects' job;
 * this only says whether the bytes frame the events their author meant.
 *
 * Every finding points at the event (`seq`) and at the bytes of the bad line, as UTF-8 offsets into the whole
 * response body, so the UI can highlight them.
 */
import type { FindingDraft, Severity, SseEventInput, WebhookExchangeInput } from '../model.js';
import { tryParseJson } from '../model.js';
import { utf8ByteLength } from '../../text-bytes.js';
import { scanSseBlock, preview, shorten, type LineIssue } from './sse-block-scan.js';
import { isEventStreamContentType } from './sse-content-type.js';
import { endingName, type LineEnding } from './sse-lines.js';

export interface SseLintInput {
  /** The response's Content-Type header, when it has one. */
  contentType: string | undefined;
  /** The stream's blocks in order, as SseStreamReader cut them. */
  events: SseEventInput[];
  end: WebhookExchangeInput['sseEnd'];
}

/** A stream with one broken line repeated 100,000 times needs one finding that says so, not 100,000. */
const MAX_PER_RULE = 20;

class FindingList {
  private readonly drafts: FindingDraft[] = [];
  private readonly perRule = new Map<string, { last: FindingDraft; count: number; omitted: number }>();

  add(draft: FindingDraft): void {
    const seen = this.perRule.get(draft.rule);
    if (!seen) this.perRule.set(draft.rule, { last: draft, count: 1, omitted: 0 });
    else if (seen.count >= MAX_PER_RULE) {
      seen.omitted++;
      return;
    } else {
      seen.last = draft;
      seen.count++;
    }
    this.drafts.push(draft);
  }

  /** Findings a block scan already left out by its own cap. */
  addOmitted(rule: string, count: number): void {
    const seen = this.perRule.get(rule);
    if (seen) seen.omitted += count;
  }

  /** In stream order: by event, then by byte offset (findings about a whole event or stream last). */
  finish(): FindingDraft[] {
    for (const { last, omitted } of this.perRule.values()) {
      if (omitted > 0) last.message += ` (${omitted} more like this in this stream are not listed.)`;
    }
    return this.drafts.sort((a, b) => a.seq - b.seq || (a.byteOffset ?? Number.MAX_SAFE_INTEGER) - (b.byteOffset ?? Number.MAX_SAFE_INTEGER));
  }
}

/** What the linter needs of one block, kept small so that re-linting a growing stream can reuse it. */
interface BlockSummary {
  issues: readonly LineIssue[];
  omitted: ReadonlyMap<string, number> | null;
  hasData: boolean;
  eventType: string | null;
  lostData: boolean;
  sseLines: number;
  /** Set when the data starts like JSON but does not parse (and no continuation line explains why). */
  json: { error: string; preview: string } | null;
  dataRange: { byteStart: number; byteLength: number } | null;
  /** The block's first line ending, and its first line ending that differs from that one. */
  firstEnding: EndingAt | null;
  otherEnding: EndingAt | null;
  /** The blank line that ends the block (its ending's bytes), when it has one. */
  blankLine: { byteStart: number; byteLength: number } | null;
  byteSpan: number;
}

interface EndingAt {
  ending: LineEnding;
  byteStart: number;
  byteLength: number;
}

interface Block {
  seq: number;
  index: number;
  byteOffset: number;
  dispatched: boolean;
  summary: BlockSummary;
}

/**
 * The analysis re-lints a stream whenever it grows, so blocks already seen are summarised once: by their raw
 * text, which is the same string each time. Bounded; a block at the stream's start is read differently (BOM).
 */
const summaries = new Map<string, BlockSummary>();
/** About 200 bytes each: 100,000 summaries cost some 20 MB, next to the far larger events they summarise. */
const MAX_CACHED_BLOCKS = 100_000;
const NO_ISSUES: readonly LineIssue[] = [];
const MAX_CACHED_BLOCK_CHARS = 64 * 1024;

function summaryOf(raw: string, atStreamStart: boolean): BlockSummary {
  const cacheable = !atStreamStart && raw.length <= MAX_CACHED_BLOCK_CHARS;
  if (cacheable) {
    const hit = summaries.get(raw);
    if (hit) return hit;
  }
  const summary = summarise(raw, atStreamStart);
  if (cacheable) {
    if (summaries.size >= MAX_CACHED_BLOCKS) summaries.clear();
    summaries.set(raw, summary);
  }
  return summary;
}

function summarise(raw: string, atStreamStart: boolean): BlockSummary {
  const scan = scanSseBlock(raw, atStreamStart);
  let json: BlockSummary['json'] = null;
  if (scan.data !== null && !scan.hasContinuation) {
    const trimmed = scan.data.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const parsed = tryParseJson(scan.data);
      if (!parsed.ok) json = { error: shorten(parsed.error, 160), preview: preview(scan.data) };
    }
  }
  let firstEnding: EndingAt | null = null;
  let otherEnding: EndingAt | null = null;
  for (const line of scan.lines) {
    if (line.ending === 'none') continue;
    const at = { ending: line.ending, byteStart: line.byteStart, byteLength: line.byteLength + line.endingBytes };
    if (!firstEnding) firstEnding = at;
    else if (line.ending !== firstEnding.ending) {
      otherEnding = at;
      break;
    }
  }
  const last = scan.lines.at(-1);
  const first = scan.lines[0];
  return {
    issues: scan.issues.length > 0 ? scan.issues : NO_ISSUES,
    omitted: scan.omitted.size > 0 ? scan.omitted : null,
    hasData: scan.hasData,
    eventType: scan.eventType,
    lostData: scan.lostData,
    sseLines: scan.sseLines,
    json,
    dataRange: scan.dataRange,
    firstEnding,
    otherEnding,
    blankLine: last && last.text === '' && last.endingBytes > 0 ? { byteStart: last.byteStart, byteLength: last.endingBytes } : null,
    byteSpan: first && last ? last.byteStart + last.byteLength + last.endingBytes - first.byteStart : 0,
  };
}

export function lintSseStream(input: SseLintInput): FindingDraft[] {
  const list = new FindingList();
  try {
    lintInto(list, input);
  } catch {
    // Unreachable by design (every field is checked before use); if it ever happens, the findings made so far
    // are still worth showing, and the analysis must go on.
  }
  return list.finish();
}

function lintInto(list: FindingList, input: SseLintInput): void {
  const events = Array.isArray(input?.events) ? input.events : [];
  const end = input?.end && typeof input.end === 'object' ? input.end : null;
  const blocks: Block[] = [];
  const endings = new LineEndingWatch();
  let nextOffset = 0;

  for (const event of events) {
    if (!event || typeof event !== 'object' || typeof event.raw !== 'string') continue;
    const seq = finiteOr(event.seq, 0);
    const byteOffset = finiteOr(event.byteOffset, nextOffset);
    nextOffset = byteOffset + (typeof event.byteLength === 'number' && Number.isFinite(event.byteLength) ? event.byteLength : utf8ByteLength(event.raw));
    const summary = summaryOf(event.raw, byteOffset === 0);
    blocks.push({ seq, index: finiteOr(event.index, blocks.length), byteOffset, dispatched: event.dispatched !== false, summary });
    addLineIssues(list, summary, seq, byteOffset);
    endings.watch(summary, seq, byteOffset);
  }

  blocks.forEach((block, k) => lintBlock(list, block, blocks[k + 1]));

  let sseLines = blocks.reduce((n, b) => n + b.summary.sseLines, 0);
  const leftover = end && typeof end.leftover === 'string' && end.leftover.trim() !== '' ? end.leftover : null;
  if (end && leftover !== null) {
    const seq = finiteOr(end.seq, blocks.at(-1)?.seq ?? 0);
    const base = finiteOr(end.leftoverOffset, nextOffset);
    const summary = summarise(leftover, base === 0);
    sseLines += summary.sseLines;
    addLineIssues(list, summary, seq, base);
    endings.watch(summary, seq, base);
    lintLeftover(list, summary, leftover, seq, base);
  }

  endings.report(list);

  const firstSeq = blocks[0]?.seq ?? (end ? finiteOr(end.seq, 0) : 0);
  if ((blocks.length > 0 || leftover !== null) && sseLines > 0 && !isEventStreamContentType(input.contentType)) {
    const declared = typeof input.contentType === 'string' && input.contentType.trim() !== '' ? preview(input.contentType.trim(), 80) : 'missing';
    list.add({
      rule: 'sse/wrong-content-type',
      severity: 'warning',
      message:
        `This response body is an SSE stream, but its Content-Type is ${declared}, not "text/event-stream". EventSource and most SSE ` +
        'client libraries refuse such a stream, and proxies or compression may buffer it so the events arrive all at once at the end. ' +
        'Send "Content-Type: text/event-stream".',
      seq: firstSeq,
    });
  }

  if (end && end.complete === false) {
    list.add({
      rule: 'sse/stream-cut',
      severity: 'warning',
      message:
        'The SSE stream did not finish: the connection closed before the tool backend ended the response (a side went away, or the ' +
        'proxy gave up). Nothing sent after this point arrived. If the bot hung up, that is expected; otherwise check why the backend ' +
        'or the network dropped the connection.',
      seq: finiteOr(end.seq, firstSeq),
    });
  }
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function addLineIssues(list: FindingList, summary: BlockSummary, seq: number, base: number): void {
  for (const issue of summary.issues) {
    list.add({
      rule: issue.rule,
      severity: issue.severity,
      message: issue.message,
      seq,
      byteOffset: base + issue.byteStart,
      byteLength: issue.byteLength,
    });
  }
  if (summary.omitted) for (const [rule, count] of summary.omitted) list.addOmitted(rule, count);
}

function lintBlock(list: FindingList, block: Block, next: Block | undefined): void {
  const { summary } = block;
  if (summary.eventType !== null && !summary.hasData && !summary.lostData) {
    const nextIsItsData = next !== undefined && next.index === block.index + 1 && next.summary.hasData && next.summary.eventType === null;
    if (nextIsItsData && summary.blankLine) {
      list.add({
        rule: 'sse/blank-line-inside-event',
        severity: 'error',
        message:
          `A blank line separates "event: ${shorten(summary.eventType, 40)}" from the data below it. A blank line ends an SSE event, so this one ends ` +
          `with no data and is never dispatched, and the data that follows goes out as a plain "message" event: handlers for ` +
          `"${shorten(summary.eventType, 40)}" never see it. Remove the blank line between "event:" and "data:".`,
        seq: block.seq,
        byteOffset: block.byteOffset + summary.blankLine.byteStart,
        byteLength: summary.blankLine.byteLength,
      });
    } else {
      list.add({
        rule: 'sse/event-without-data',
        severity: 'error',
        message:
          `This event has "event: ${shorten(summary.eventType, 40)}" but no "data:" line. An SSE event with no data is never dispatched, so clients ` +
          `never see it. Add a data line (even "data: {}").`,
        seq: block.seq,
        byteOffset: block.byteOffset,
        byteLength: summary.byteSpan,
      });
    }
  }

  if (block.dispatched && summary.json && summary.dataRange) {
    const kind = summary.eventType !== null && summary.eventType !== '' ? `"${shorten(summary.eventType, 40)}" event` : 'event';
    list.add({
      rule: 'sse/invalid-json-data',
      severity: 'error',
      message:
        `The data of this ${kind} starts like JSON but is not valid JSON (${summary.json.error}): ${summary.json.preview}. A client that ` +
        'parses it fails or drops the event. Send one valid JSON value, on one line or with every line prefixed by "data:".',
      seq: block.seq,
      byteOffset: block.byteOffset + summary.dataRange.byteStart,
      byteLength: summary.dataRange.byteLength,
    });
  }
}

function lintLeftover(list: FindingList, summary: BlockSummary, leftover: string, seq: number, base: number): void {
  const firstLine = leftover.split(/\r\n|\r|\n/).find((line) => line.trim() !== '' && !line.startsWith(':'));
  if (firstLine === undefined) return;
  const what = summary.eventType !== null ? `its last event ("event: ${shorten(summary.eventType, 40)}")` : `its last event (${preview(firstLine, 40)})`;
  const severity: Severity = summary.hasData ? 'error' : 'warning';
  list.add({
    rule: 'sse/missing-final-blank-line',
    severity,
    message:
      `The stream ended without a blank line after ${what}. Clients dispatch an event only when they read the blank line that ends ` +
      `it, so they drop this one${summary.hasData ? ', data and all' : ''}. End every event with an empty line, the last one included.`,
    seq,
    byteOffset: base,
    byteLength: utf8ByteLength(leftover),
  });
}

/** Line endings across the whole stream: one style is fine (lone CR gets a note), a mix is a warning. */
class LineEndingWatch {
  private first: { ending: LineEnding; seq: number; byteOffset: number; byteLength: number } | null = null;
  private mixed: { ending: LineEnding; seq: number; byteOffset: number; byteLength: number } | null = null;

  watch(summary: BlockSummary, seq: number, base: number): void {
    if (this.mixed || !summary.firstEnding) return;
    const at = (e: EndingAt) => ({ ending: e.ending, seq, byteOffset: base + e.byteStart, byteLength: e.byteLength });
    if (!this.first) this.first = at(summary.firstEnding);
    if (summary.firstEnding.ending !== this.first.ending) this.mixed = at(summary.firstEnding);
    else if (summary.otherEnding) this.mixed = at(summary.otherEnding);
  }

  report(list: FindingList): void {
    if (this.mixed && this.first) {
      list.add({
        rule: 'sse/mixed-line-endings',
        severity: 'warning',
        message:
          `This line ends with ${endingName(this.mixed.ending)}, while the stream's first line ends with ${endingName(this.first.ending)}. ` +
          'Both are legal SSE, but clients that split lines one way (many hand-written ones split on "\\n" only, or on "\\r\\n" only) ' +
          'misread the lines that end the other way. Use one line ending throughout.',
        seq: this.mixed.seq,
        byteOffset: this.mixed.byteOffset,
        byteLength: this.mixed.byteLength,
      });
    } else if (this.first?.ending === 'cr') {
      list.add({
        rule: 'sse/lone-cr-line-endings',
        severity: 'info',
        message:
          'This stream ends its lines with a lone CR ("\\r"). That is legal SSE and spec-conforming clients read it, but clients that ' +
          'split lines on "\\n" see one endless line and never dispatch an event. Prefer "\\n".',
        seq: this.first.seq,
        byteOffset: this.first.byteOffset,
        byteLength: this.first.byteLength,
      });
    }
  }
}
