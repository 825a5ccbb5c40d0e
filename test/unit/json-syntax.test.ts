import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJsonText } from '../../shared/json/json-syntax.js';

describe('parseJsonText', () => {
  it('parses valid JSON', () => {
    expect(parseJsonText('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('names the line and column of a trailing comma', () => {
    const result = parseJsonText('{\n  "city": "Paris",\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(3);
    expect(result.column).toBe(1);
    expect(result.message).toMatch(/^JSON syntax error at line 3, column 1: /);
  });

  it('puts an unfinished text at its end', () => {
    const result = parseJsonText('{"a": 1');
    expect(result).toMatchObject({ ok: false, offset: 7, line: 1, column: 8 });
  });

  it('puts "unexpected end" at the end even without a position in the message', () => {
    expect(parseJsonText('{"a": [1,\n')).toMatchObject({ ok: false, line: 2, column: 1 });
  });

  it('uses the locator when V8 names no position', () => {
    const result = parseJsonText('  nux', () => 4);
    expect(result).toMatchObject({ ok: false, offset: 4 });
    const blamed = parseJsonText('  nux');
    expect(blamed).toMatchObject({ ok: false, offset: 2, column: 3 });
  });

  it('never throws and keeps the offset inside the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseJsonText(text);
        if (!result.ok) expect(result.offset).toBeLessThanOrEqual(text.length);
      }),
    );
  });
});
