/**
 * Each sse/ rule on small streams written for it, including the rules no fixture covers (NUL in id, mixed line
 * endings, content type, a stream cut short, invalid JSON data, whitespace after the event type), and the cases
 * that must stay silent.
 */
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../../../shared/analysis/model.js';
import { lintSseStream } from '../../../shared/analysis/sse/sse-linter.js';
import { isEventStreamContentType, looksLikeSseBody } from '../../../shared/analysis/sse/sse-content-type.js';
import { streamInput } from './sse-stream-input.js';

function lint(text: string | string[], options: { contentType?: string; complete?: boolean } = {}): FindingDraft[] {
  return lintSseStream(streamInput(text, options));
}

/** [rule, severity, seq, the text the finding points at]. */
function pointed(text: string, options: { contentType?: string; complete?: boolean } = {}) {
  const bytes = Buffer.from(text, 'utf8');
  return lint(text, options).map((f) => [
    f.rule,
    f.severity,
    f.seq,
    f.byteOffset === undefined ? null : bytes.subarray(f.byteOffset, f.byteOffset + (f.byteLength ?? 0)).toString('utf8'),
  ]);
}

describe('sse/ rules', () => {
  it('stays silent on well-formed streams', () => {
    expect(lint('event: action\ndata: {"a":1}\n\ndata:close\n\n')).toEqual([]);
    expect(lint(': keep-alive\n\nretry: 1500\nid: 7\ndata: {"a":\ndata: 1}\n\n')).toEqual([]);
    expect(lint('data\n\n')).toEqual([]); // a field with no colon is legal: data becomes ""
    expect(lint('data: close\n\n')).toEqual([]); // not JSON, and not meant to be
    expect(lint('')).toEqual([]);
    expect(lint('\n\n\n')).toEqual([]);
    expect(lint('data: héllo ☃ 😀\r\n\r\n')).toEqual([]);
  });

  it('sse/id-with-nul (warning): the id is ignored', () => {
    expect(pointed('id: a\u0000b\ndata: x\n\n')).toEqual([['sse/id-with-nul', 'warning', 1, 'id: a\u0000b']]);
  });

  it('sse/mixed-line-endings (warning): points at the first line that differs, once', () => {
    expect(pointed('data: a\r\n\r\ndata: b\n\ndata: c\n\n')).toEqual([['sse/mixed-line-endings', 'warning', 2, 'data: b\n']]);
    expect(pointed('data: a\n\rdata: b\n\n')).toEqual([['sse/mixed-line-endings', 'warning', 1, '\r']]);
    const [finding] = lint('data: a\n\ndata: b\r\n\r\n');
    expect(finding?.message).toContain('ends with CRLF');
    expect(finding?.message).toContain('first line ends with LF');
  });

  it('sse/lone-cr-line-endings (info) only when every line ends with a lone CR', () => {
    expect(pointed('data: a\r\r')).toEqual([['sse/lone-cr-line-endings', 'info', 1, 'data: a\r']]);
    expect(lint('data: a\n\n').map((f) => f.rule)).toEqual([]);
  });

  it('sse/wrong-content-type (warning) when an SSE body is not declared text/event-stream', () => {
    const body = 'event: action\ndata: {}\n\n';
    expect(pointed(body, { contentType: 'application/json' })).toEqual([['sse/wrong-content-type', 'warning', 1, null]]);
    const [missing] = lint(body, { contentType: undefined });
    expect(missing?.rule).toBe('sse/wrong-content-type');
    expect(missing?.message).toContain('Content-Type is missing');
    expect(lint(body, { contentType: 'Text/Event-Stream; charset=utf-8' })).toEqual([]);
    // Not SSE-shaped (no field lines): nothing to say about the content type.
    expect(lint('{"a":1}\n\n', { contentType: 'application/json' }).map((f) => f.rule)).not.toContain('sse/wrong-content-type');
  });

  it('tells SSE bodies and content types apart for the caller', () => {
    expect(isEventStreamContentType('text/event-stream')).toBe(true);
    expect(isEventStreamContentType(' TEXT/EVENT-STREAM ;charset=utf-8')).toBe(true);
    expect(isEventStreamContentType('text/event-streams')).toBe(false);
    expect(isEventStreamContentType('application/json')).toBe(false);
    expect(isEventStreamContentType(undefined)).toBe(false);
    expect(looksLikeSseBody('event: action\ndata: {}\n\n')).toBe(true);
    expect(looksLikeSseBody('\uFEFF: hi\r\ndata:x')).toBe(true);
    expect(looksLikeSseBody('retry: 10\nid: 1\n\n')).toBe(false);
    expect(looksLikeSseBody('{"data": 1}')).toBe(false);
    expect(looksLikeSseBody('<html>data: x')).toBe(false);
    expect(looksLikeSseBody(42)).toBe(false);
    expect(looksLikeSseBody('')).toBe(false);
  });

  it('sse/stream-cut (warning) when a side went away', () => {
    expect(pointed('data: {}\n\n', { complete: false })).toEqual([['sse/stream-cut', 'warning', 2, null]]);
    expect(lint('data: {}\n\n', { complete: true })).toEqual([]);
  });

  it('sse/invalid-json-data (error) when data meant as JSON does not parse', () => {
    expect(pointed('event: action\ndata: {"a":1\n\n')).toEqual([['sse/invalid-json-data', 'error', 1, 'data: {"a":1']]);
    expect(pointed('data: [1,\ndata: 2,]\n\n')).toEqual([['sse/invalid-json-data', 'error', 1, 'data: [1,\ndata: 2,]']]);
    const [finding] = lint('event: action\ndata: {"a":1\n\n');
    expect(finding?.message).toContain('"action" event');
    // Not dispatched: nothing to parse.
    expect(lint('event: x\n\n').map((f) => f.rule)).toEqual(['sse/event-without-data']);
    // The continuation line is the cause, reported once.
    expect(lint('data: {"a":\n1}\n\n').map((f) => f.rule)).toEqual(['sse/unprefixed-continuation-line']);
  });

  it('sse/double-space-after-colon: error for event types and text data, warning for JSON data and ids', () => {
    expect(pointed('data:  close\n\n')).toEqual([['sse/double-space-after-colon', 'error', 1, 'data:  close']]);
    expect(pointed('data:  {"a":1}\n\n')).toEqual([['sse/double-space-after-colon', 'warning', 1, 'data:  {"a":1}']]);
    expect(pointed('id:  4\ndata: x\n\n')).toEqual([['sse/double-space-after-colon', 'warning', 1, 'id:  4']]);
    expect(pointed('event:\taction\ndata: x\n\n')).toEqual([['sse/double-space-after-colon', 'error', 1, 'event:\taction']]);
  });

  it('sse/event-type-trailing-space (error)', () => {
    expect(pointed('event: action \ndata: {}\n\n')).toEqual([['sse/event-type-trailing-space', 'error', 1, 'event: action ']]);
  });

  it('sse/invalid-retry (warning), with the extra space explained', () => {
    const [finding] = lint('retry:  3000\ndata: x\n\n');
    expect(finding?.rule).toBe('sse/invalid-retry');
    expect(finding?.message).toContain('only one space');
  });

  it('sse/unknown-field: error when the line was meant as data or event, warning otherwise', () => {
    expect(pointed('data: {}\nfoo: bar\n\n')).toEqual([['sse/unknown-field', 'warning', 1, 'foo: bar']]);
    expect(pointed('foo: bar\n\n')).toEqual([['sse/unknown-field', 'warning', 1, 'foo: bar']]);
    expect(pointed('DATA: x\n\n')).toEqual([['sse/unknown-field', 'error', 1, 'DATA: x']]);
    expect(pointed(' data: x\n\n')).toEqual([['sse/unknown-field', 'error', 1, ' data: x']]);
    expect(lint(' data: x\n\n')[0]?.message).toContain('whitespace before the name');
    expect(pointed('Retry: 10\ndata: x\n\n')).toEqual([['sse/unknown-field', 'warning', 1, 'Retry: 10']]);
    const [eventCase] = lint('Event: action\ndata: {}\n\n');
    expect(eventCase?.message).toContain('plain "message"');
  });

  it('sse/unprefixed-continuation-line: one finding per run of lines', () => {
    expect(pointed('data: hello\nworld\nagain\ndata: more\nand more\n\n')).toEqual([
      ['sse/unprefixed-continuation-line', 'error', 1, 'world\nagain'],
      ['sse/unprefixed-continuation-line', 'error', 1, 'and more'],
    ]);
    expect(lint('data: hello\nworld\n\n')[0]?.message).toContain('data is only "hello"');
    expect(lint('data: a\nb\ndata: c\n\n')[0]?.message).toContain('data is only "a\\nc"');
  });

  it('sse/whitespace-line (warning): a line of spaces is not the blank line that ends an event', () => {
    expect(pointed('data: a\n  \ndata: b\n\n')).toEqual([['sse/whitespace-line', 'warning', 1, '  ']]);
  });

  it('sse/blank-line-inside-event only when the next block is the lost data; else sse/event-without-data', () => {
    expect(lint('event: action\n\ndata: {}\n\n').map((f) => f.rule)).toEqual(['sse/blank-line-inside-event']);
    expect(lint('event: ping\n\nevent: action\ndata: {}\n\n').map((f) => f.rule)).toEqual(['sse/event-without-data']);
    expect(lint('event: ping\n\n').map((f) => f.rule)).toEqual(['sse/event-without-data']);
    // A block of only id, retry or comments is legal.
    expect(lint('id: 5\n\nretry: 100\n\n: x\n\n')).toEqual([]);
  });

  it('sse/bom-mid-stream: error at a line start, warning inside a value', () => {
    expect(pointed('data: a\n\n\uFEFFevent: x\ndata: b\n\n').map((p) => p.slice(0, 2))).toEqual([['sse/bom-mid-stream', 'error']]);
    expect(lint('data: \uFEFF{"a":1}\n\n').map((f) => [f.rule, f.severity])).toEqual([
      ['sse/bom-mid-stream', 'warning'],
      ['sse/invalid-json-data', 'error'],
    ]);
    // A BOM at the very start is dropped by every client.
    expect(lint('\uFEFFdata: {}\n\n')).toEqual([]);
    // Only the very start: a BOM starting a later chunk is mid-stream.
    expect(lint(['data: a\n\n', '\uFEFFdata: b\n\n']).map((f) => f.rule)).toEqual(['sse/bom-mid-stream']);
  });

  it('sse/missing-final-blank-line: error when the lost event has data, warning otherwise, nothing for comments', () => {
    expect(pointed('data: {}\n\nevent: close')).toEqual([['sse/missing-final-blank-line', 'warning', 2, 'event: close']]);
    expect(pointed('data: {}\n\ndata: 1\n')).toEqual([['sse/missing-final-blank-line', 'error', 2, 'data: 1\n']]);
    expect(lint('data: {}\n\n: bye')).toEqual([]);
    expect(lint('data: {}\n\n   ')).toEqual([]);
    // Line rules apply to the leftover too.
    expect(lint('data: {}\n\nData: 1').map((f) => f.rule).sort()).toEqual(['sse/missing-final-blank-line', 'sse/unknown-field']);
  });

  it('caps each rule at 20 findings per stream and says how many more there are', () => {
    const findings = lint('Data: x\n\n'.repeat(100));
    expect(findings).toHaveLength(20);
    expect(findings[19]?.message).toContain('80 more like this');
  });

  it('counts byte offsets in UTF-8, across events', () => {
    const text = 'data: é☃😀\n\nevent:  x\ndata: 1\n\n';
    expect(pointed(text)).toEqual([['sse/double-space-after-colon', 'error', 2, 'event:  x']]);
    expect(lint(text)[0]?.byteOffset).toBe(Buffer.byteLength('data: é☃😀\n\n'));
  });
});
