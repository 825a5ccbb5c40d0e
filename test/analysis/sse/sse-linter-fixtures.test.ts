/**
 * The SSE linter over every SSE fixture (sse-*.txt, daily-sse-*.txt), cut into events exactly as the proxy
 * does: the exact set of sse/ rules each one gets, and for the broken ones the exact bytes each finding points
 * at, checked against the file on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSseStream } from '../../../shared/analysis/sse/sse-linter.js';
import { scanSseBlock } from '../../../shared/analysis/sse/sse-block-scan.js';
import { fixtureBytes, fixtureDir, fixtureText, haveFixtures, streamInput, whenFixtures } from './sse-stream-input.js';

/** Every SSE fixture and the sse/ rules it must get: nothing more, nothing less. */
const EXPECTED: Record<string, string[]> = {
  'daily-sse-action-invalid-arguments-object.txt': [],
  'daily-sse-action-invalid-unknown-action.txt': [],
  'daily-sse-function-result-invalid-tool-call-id-mismatch.txt': [],
  'daily-sse-function-result.txt': [],
  'daily-sse-invalid-event-close-without-data.txt': ['sse/event-without-data'],
  'daily-sse-invalid-no-final-blank-line.txt': ['sse/missing-final-blank-line'],
  'daily-sse-invalid-pretty-printed-json.txt': ['sse/unprefixed-continuation-line'],
  'daily-sse-language-change.txt': [],
  'daily-sse-update-config-invalid-missing-service.txt': [],
  'daily-sse-update-config-invalid-options-object.txt': [],
  'daily-sse-update-config-invalid-unknown-option.txt': [],
  'daily-sse-update-config-invalid-unknown-service.txt': [],
  'daily-sse-update-config-invalid-value-type.txt': [],
  'sse-invalid-blank-line-inside-event.txt': ['sse/blank-line-inside-event'],
  'sse-invalid-bom-mid-stream.txt': ['sse/bom-mid-stream'],
  'sse-invalid-capitalized-field.txt': ['sse/unknown-field'],
  'sse-invalid-double-space-after-colon.txt': ['sse/double-space-after-colon'],
  'sse-invalid-event-without-data.txt': ['sse/event-without-data'],
  'sse-invalid-final-event-no-blank-line.txt': ['sse/missing-final-blank-line'],
  'sse-invalid-retry-non-numeric.txt': ['sse/invalid-retry'],
  'sse-invalid-space-before-colon.txt': ['sse/space-before-colon'],
  'sse-invalid-unprefixed-continuation-line.txt': ['sse/unprefixed-continuation-line'],
  'sse-valid-bom.txt': [],
  'sse-valid-comment-retry-id.txt': [],
  'sse-valid-crlf.txt': [],
  'sse-valid-data-no-space.txt': [],
  // Legal, and noted: clients that split on "\n" never see an event.
  'sse-valid-lone-cr.txt': ['sse/lone-cr-line-endings'],
  'sse-valid-multiline-data.txt': [],
};

/** The findings of a fixture as [rule, severity, seq, the text of the bytes it points at]. */
function pointed(name: string) {
  const bytes = fixtureBytes(name);
  return lintSseStream(streamInput(fixtureText(name))).map((f) => [
    f.rule,
    f.severity,
    f.seq,
    f.byteOffset === undefined ? null : bytes.subarray(f.byteOffset, f.byteOffset + (f.byteLength ?? 0)).toString('utf8'),
  ]);
}

const ACTION_DATA =
  '{"service":"llm","action":"function_result","arguments":[{"name":"tool_call_id","value":"call_5JrYh0pWq2eN8sLx3tVb6Kc1"},{"name":"result","value":"ok"}]}';

describe.skipIf(!haveFixtures)(whenFixtures('SSE linter over the SSE fixtures'), () => {
  const onDisk = haveFixtures
    ? fs
        .readdirSync(fixtureDir)
        .filter((name) => name.endsWith('.txt'))
        .sort()
    : [];

  it('has an expectation for every SSE fixture on disk, and a fixture for every expectation', () => {
    expect(onDisk).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.keys(EXPECTED))('%s', (name) => {
    it('gets exactly the expected sse/ rules', () => {
      const rules = [...new Set(lintSseStream(streamInput(fixtureText(name))).map((f) => f.rule))].sort();
      expect(rules).toEqual([...(EXPECTED[name] ?? [])].sort());
    });

    it('gets no error or warning when valid, and every finding points inside the body at a line start', () => {
      const text = fixtureText(name);
      const bytes = fixtureBytes(name);
      const findings = lintSseStream(streamInput(text));
      if (name.includes('-valid-') || !name.includes('invalid')) {
        expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
      }
      for (const f of findings) {
        expect(f.message.length).toBeGreaterThan(40);
        if (f.byteOffset === undefined) continue;
        expect(f.byteOffset + (f.byteLength ?? 0)).toBeLessThanOrEqual(bytes.length);
        const before = f.byteOffset === 0 ? 0x0a : bytes[f.byteOffset - 1];
        expect([0x0a, 0x0d], `${f.rule} starts at a line start`).toContain(before);
      }
    });

    it('gives the same findings when the body arrives one character at a time', () => {
      const text = fixtureText(name);
      expect(lintSseStream(streamInput(text.split('')))).toEqual(lintSseStream(streamInput(text)));
    });

    it("reads the same data as eventsource-parser for every dispatched event", () => {
      const input = streamInput(fixtureText(name));
      for (const event of input.events) {
        const scan = scanSseBlock(event.raw, event.byteOffset === 0);
        expect(scan.data, `block ${event.index}`).toBe(event.dispatched ? event.data : null);
      }
    });
  });

  it('agrees with eventsource-parser@4.1.3 as recorded in eventsource-parser-results.json', () => {
    const recorded = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'eventsource-parser-results.json'), 'utf8')) as Record<
      string,
      { whole: { events: { event: string | null; id: string | null; data: string }[]; errors: string[] } }
    >;
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, { whole }] of Object.entries(recorded)) {
      const text = fixtureText(name);
      const input = streamInput(text);
      // The same events are dispatched (data is recorded cut at 60 characters).
      const dispatched = input.events.filter((e) => e.dispatched);
      expect(dispatched.map((e) => e.type), name).toEqual(whole.events.map((e) => e.event ?? 'message'));
      dispatched.forEach((e, i) => expect(e.data?.startsWith(whole.events[i]?.data.replace(/\.\.\.$/, '') ?? '\u0000'), name).toBe(true));
      // Every line the parser complained about is inside a finding of ours.
      const bytes = fixtureBytes(name);
      const covered = lintSseStream(input)
        .filter((f) => f.byteOffset !== undefined)
        .flatMap((f) => bytes.subarray(f.byteOffset ?? 0, (f.byteOffset ?? 0) + (f.byteLength ?? 0)).toString('utf8').split(/\r\n|\r|\n/));
      for (const error of whole.errors) {
        const [kind, quoted] = [error.slice(0, error.indexOf(':')), error.slice(error.indexOf(':') + 1)];
        const field = JSON.parse(quoted) as string;
        const line = kind === 'invalid-retry' ? `retry: ${field}` : field;
        expect(covered.some((c) => c === line || c.startsWith(kind === 'invalid-retry' ? line : `${line}:`)), `${name}: ${error}`).toBe(true);
      }
    }
  });

  it('points at the exact bytes of each broken line', () => {
    expect(pointed('sse-invalid-capitalized-field.txt')).toEqual([
      ['sse/unknown-field', 'error', 1, 'Event: action'],
      ['sse/unknown-field', 'error', 1, `Data: ${ACTION_DATA}`],
    ]);
    expect(pointed('sse-invalid-space-before-colon.txt')).toEqual([
      ['sse/space-before-colon', 'error', 1, 'event : action'],
      ['sse/space-before-colon', 'error', 1, `data : ${ACTION_DATA}`],
    ]);
    expect(pointed('sse-invalid-double-space-after-colon.txt')).toEqual([['sse/double-space-after-colon', 'error', 1, 'event:  action']]);
    expect(pointed('sse-invalid-retry-non-numeric.txt')).toEqual([['sse/invalid-retry', 'warning', 1, 'retry: 3s']]);
    expect(pointed('sse-invalid-bom-mid-stream.txt')).toEqual([['sse/bom-mid-stream', 'error', 2, '\uFEFFdata:close']]);
    expect(pointed('sse-invalid-unprefixed-continuation-line.txt')).toEqual([
      ['sse/unprefixed-continuation-line', 'error', 1, '"action":"function_result","arguments":[]}'],
    ]);
    expect(pointed('daily-sse-invalid-pretty-printed-json.txt')).toEqual([
      ['sse/unprefixed-continuation-line', 'error', 1, '  "service": "llm",\n  "action": "function_result",\n  "arguments": []\n}'],
    ]);
    // The blank line itself: the LF right after "event: action\n".
    expect(pointed('sse-invalid-blank-line-inside-event.txt')).toEqual([['sse/blank-line-inside-event', 'error', 1, '\n']]);
    expect(pointed('sse-invalid-event-without-data.txt')).toEqual([['sse/event-without-data', 'error', 2, 'event: close\n\n']]);
    expect(pointed('daily-sse-invalid-event-close-without-data.txt')).toEqual([['sse/event-without-data', 'error', 2, 'event: close\n\n']]);
    // The leftover: seq is the sse.end event's.
    expect(pointed('sse-invalid-final-event-no-blank-line.txt')).toEqual([
      ['sse/missing-final-blank-line', 'error', 1, `event: action\ndata: ${ACTION_DATA}\n`],
    ]);
    const daily = pointed('daily-sse-invalid-no-final-blank-line.txt');
    expect(daily).toHaveLength(1);
    expect(daily[0]?.slice(0, 3)).toEqual(['sse/missing-final-blank-line', 'error', 2]);
    expect(String(daily[0]?.[3])).toMatch(/^event: action\ndata: \{"service":"llm","action":"function_result",.*\}\n$/s);
    expect(pointed('sse-valid-lone-cr.txt')).toEqual([['sse/lone-cr-line-endings', 'info', 1, 'event: action\r']]);
  });

  it('says what breaks and how to fix it', () => {
    const [double] = lintSseStream(streamInput(fixtureText('sse-invalid-double-space-after-colon.txt')));
    expect(double?.message).toContain('" action"');
    expect(double?.message).toContain('Write "event: action"');
    const [continuation] = lintSseStream(streamInput(fixtureText('daily-sse-invalid-pretty-printed-json.txt')));
    expect(continuation?.message).toContain('These 4 lines');
    expect(continuation?.message).toContain('data is only "{"');
    const [blank] = lintSseStream(streamInput(fixtureText('sse-invalid-blank-line-inside-event.txt')));
    expect(blank?.message).toContain('"message" event');
    const [bom] = lintSseStream(streamInput(fixtureText('sse-invalid-bom-mid-stream.txt')));
    expect(bom?.message).toContain('"\\uFEFFdata"');
  });
});
