/**
 * The one-line summary of a call's arguments: `key: value` pairs with values as compact JSON, long values cut
 * with an ellipsis, unparsable arguments shown raw, whitespace folded to one line, and never longer than `max`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summariseArgs } from '../../shared/timeline/args-summary.js';
import { foldAll, mixedSession } from './timeline-support.js';

/** True when the text has half of a surrogate pair without its other half (renders as a replacement box). */
const hasLoneSurrogate = (text: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('objects', () => {
  it('lists keys in order with compact JSON values', () => {
    expect(summariseArgs({ city: 'Oslo', days: 3 }, '')).toBe('city: "Oslo", days: 3');
    expect(summariseArgs({ ok: true, none: null, n: -1.5, s: '' }, '')).toBe('ok: true, none: null, n: -1.5, s: ""');
  });

  it('shows nested objects and arrays as compact JSON', () => {
    expect(summariseArgs({ filters: { size: [1, 2], tags: { a: 'b' } }, ids: ['x', 'y'] }, '')).toBe('filters: {"size":[1,2],"tags":{"a":"b"}}, ids: ["x","y"]');
    expect(summariseArgs({ empty: {}, none: [] }, '')).toBe('empty: {}, none: []');
  });

  it('shows an empty object as {}', () => {
    expect(summariseArgs({}, '{}')).toBe('{}');
  });

  it('escapes quotes and newlines inside string values as JSON does', () => {
    expect(summariseArgs({ note: 'say "hi"\nthen bye' }, '')).toBe('note: "say \\"hi\\"\\nthen bye"');
  });

  it('folds whitespace in keys to one space, so the row stays one line', () => {
    expect(summariseArgs({ 'two\nlines': 1, 'tab\there': 2 }, '')).toBe('two lines: 1, tab here: 2');
  });

  it('cuts a long string value at 59 characters plus …, inside its quotes', () => {
    const long = 'a'.repeat(100);
    expect(summariseArgs({ text: long }, '')).toBe(`text: "${'a'.repeat(59)}…"`);
    // Exactly 60 characters is not cut.
    expect(summariseArgs({ text: 'b'.repeat(60) }, '')).toBe(`text: "${'b'.repeat(60)}"`);
    expect(summariseArgs({ text: 'b'.repeat(61) }, '')).toBe(`text: "${'b'.repeat(59)}…"`);
  });

  it('cuts a long nested value\'s JSON at 59 characters plus …', () => {
    const nested = { list: Array.from({ length: 30 }, (_, i) => i) };
    const json = JSON.stringify(nested.list);
    expect(summariseArgs(nested, '')).toBe(`list: ${json.slice(0, 59)}…`);
  });

  it('cuts the whole line at max with …, exactly max characters long', () => {
    const args = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, `value number ${i}`]));
    const line = summariseArgs(args, '', 50);
    expect(line).toHaveLength(50);
    expect(line.endsWith('…')).toBe(true);
    expect(line).toBe(`${'key0: "value number 0", key1: "value number 1", key2: "value number 2"'.slice(0, 49)}…`);
    expect(summariseArgs(args, '')).toHaveLength(120);
  });

  it('does not cut a line of exactly max characters', () => {
    expect(summariseArgs({ abc: 'defg' }, '', 'abc: "defg"'.length)).toBe('abc: "defg"');
    expect(summariseArgs({ abc: 'defgh' }, '', 'abc: "defg"'.length)).toBe('abc: "defg…');
  });
});

describe('other parsed values', () => {
  it('shows arrays, strings, numbers, booleans and null as compact JSON', () => {
    expect(summariseArgs([1, 'two', { three: 3 }], '')).toBe('[1,"two",{"three":3}]');
    expect(summariseArgs('just text', '"just text"')).toBe('"just text"');
    expect(summariseArgs(42, '42')).toBe('42');
    expect(summariseArgs(false, 'false')).toBe('false');
    expect(summariseArgs(null, 'null')).toBe('null');
  });

  it('cuts a long array like any long value', () => {
    const list = Array.from({ length: 50 }, (_, i) => i);
    expect(summariseArgs(list, '')).toBe(`${JSON.stringify(list).slice(0, 59)}…`);
  });
});

describe('arguments that did not parse', () => {
  it('shows the raw text', () => {
    expect(summariseArgs(undefined, '{"city": "Oslo",')).toBe('{"city": "Oslo",');
    expect(summariseArgs(undefined, 'not json at all')).toBe('not json at all');
    expect(summariseArgs(undefined, '')).toBe('');
  });

  it('folds the raw text\'s whitespace and cuts it at max', () => {
    expect(summariseArgs(undefined, '{\n  "city":\t"Oslo",\r\n  "days": 3\n')).toBe('{ "city": "Oslo", "days": 3 ');
    const raw = `{"text": "${'x'.repeat(300)}"`;
    const line = summariseArgs(undefined, raw, 80);
    expect(line).toBe(`${raw.slice(0, 79)}…`);
    expect(line).toHaveLength(80);
  });
});

describe('length', () => {
  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  const key = fc.string({ unit: fc.oneof(fc.constant('\n'), fc.constant(' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 15 });

  it('is never longer than max, for any arguments, raw text and max', () => {
    fc.assert(
      fc.property(
        fc.oneof(jsonValue, fc.dictionary(key, jsonValue, { maxKeys: 12 }), fc.constant(undefined)),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 1, max: 200 }),
        (args, raw, max) => {
          const line = summariseArgs(args, raw, max);
          expect(line.length).toBeLessThanOrEqual(max);
          expect(line).not.toMatch(/[\n\r\t]/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is never longer than the default of 120', () => {
    fc.assert(
      fc.property(fc.dictionary(key, jsonValue, { maxKeys: 30 }), (args) => {
        expect(summariseArgs(args, JSON.stringify(args)).length).toBeLessThanOrEqual(120);
      }),
    );
  });

  it('ends with … exactly when something was cut (for short scalar values)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' '), maxLength: 200 }), fc.integer({ min: 2, max: 150 }), (raw, max) => {
        const folded = raw.replace(/\s+/g, ' ');
        const line = summariseArgs(undefined, raw, max);
        if (folded.length <= max) expect(line).toBe(folded);
        else expect(line).toBe(`${folded.slice(0, max - 1)}…`);
      }),
    );
  });

  it('never cuts a character made of two UTF-16 units in half', () => {
    const emoji = '😀'.repeat(100);
    // The line cut: 120 is even, so the cut before … falls inside an emoji.
    const raw = summariseArgs(undefined, emoji);
    expect(hasLoneSurrogate(raw)).toBe(false);
    expect(raw.length).toBeLessThanOrEqual(120);
    expect(raw.endsWith('…')).toBe(true);
    // The value cut at 59 units falls inside an emoji too.
    const value = summariseArgs({ note: emoji }, '');
    expect(hasLoneSurrogate(value)).toBe(false);
    expect(value).not.toContain('\\ud');
    expect(value).toBe(`note: "${'😀'.repeat(29)}…"`);
    const nested = summariseArgs({ list: [emoji] }, '');
    expect(hasLoneSurrogate(nested)).toBe(false);

    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 1, max: 150 }), (text, max) => {
        expect(hasLoneSurrogate(summariseArgs(undefined, text, max))).toBe(false);
        expect(hasLoneSurrogate(summariseArgs({ k: text }, '', max))).toBe(false);
        expect(summariseArgs({ k: text }, '', max)).not.toMatch(/\\ud[89ab]/i);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the calls of a real session', () => {
  it('summarises each call\'s arguments as the timeline shows them', () => {
    const { analysis } = foldAll(mixedSession().events);
    const lines = Object.fromEntries([...analysis.calls.values()].map((c) => [c.key, summariseArgs(c.args, c.argsRaw)]));
    expect(lines).toEqual({
      'x1/call_order': 'order_number: "A-20931"',
      'w1/call_a': 'city: "Oslo"',
      'x2/call_slow': 'city: "Bergen"',
      'x3/call_vapi': 'order_number: "B-1"',
      'x4/#1': 'department: "Billing"',
      'x5/#1': 'note: "Lactose FREE"',
      'w1/call_b': 'people: 2',
      'w2/call_c': '{}',
    });
  });
});
