import { describe, expect, it } from 'vitest';
import { bodyText, diffAnswers, parseIgnorePaths, type ReplayAnswer } from '../../shared/replay/result-diff.js';

const body = (value: unknown): ReplayAnswer => ({ kind: 'body', text: typeof value === 'string' ? value : JSON.stringify(value) });
const sse = (...events: [string, unknown][]): ReplayAnswer => ({
  kind: 'sse',
  events: events.map(([type, data]) => ({ type, data: typeof data === 'string' ? data : JSON.stringify(data) })),
});
function ignore(...paths: string[]) {
  const parsed = parseIgnorePaths(paths);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.paths;
}

describe('diffAnswers', () => {
  it('finds equal JSON the same whatever the key order and spacing', () => {
    const result = diffAnswers(body('{"a": 1, "b": [1, 2]}'), body('{"b":[1,2],"a":1}'));
    expect(result).toEqual({ same: true, delta: undefined, lines: [] });
  });

  it('names a changed, an added and a removed field by their JSON paths', () => {
    const result = diffAnswers(body({ temperature: 21, city: 'Paris', meta: { src: 'a' } }), body({ temperature: 23, unit: 'C', meta: { src: 'b' } }));
    expect(result.same).toBe(false);
    expect(result.delta).toBeDefined();
    expect(result.lines.sort()).toEqual(['+ unit: "C"', '- city: "Paris"', '~ meta.src: "a" → "b"', '~ temperature: 21 → 23'].sort());
  });

  it('compares arrays position by position', () => {
    const result = diffAnswers(body({ items: [{ id: 1 }, { id: 2 }, { id: 3 }] }), body({ items: [{ id: 1 }, { id: 5 }] }));
    expect(result.lines).toEqual(['- items[2]: {"id":3}', '~ items[1].id: 2 → 5']);
  });

  it('leaves ignored paths out of both sides: any depth, anchored, and [*]', () => {
    const before = { updatedAt: 1, meta: { id: 'a', updatedAt: 2 }, items: [{ id: 'x', v: 1 }, { id: 'y', v: 2 }], id: 'top' };
    const after = { updatedAt: 9, meta: { id: 'b', updatedAt: 8 }, items: [{ id: 'z', v: 1 }, { id: 'w', v: 2 }], id: 'top' };
    expect(diffAnswers(body(before), body(after), ignore('updatedAt', '$.meta.id', 'items[*].id')).same).toBe(true);
    // `$.meta.id` does not reach the top-level id, nor does it hide other changes.
    const changed = diffAnswers(body(before), body({ ...after, id: 'new', items: [{ id: 'z', v: 1 }, { id: 'w', v: 3 }] }), ignore('updatedAt', '$.meta.id', 'items[*].id'));
    expect(changed.lines.sort()).toEqual(['~ id: "top" → "new"', '~ items[1].v: 2 → 3']);
    expect(parseIgnorePaths(['items[x]'])).toMatchObject({ ok: false, error: expect.stringContaining('items[x]') });
  });

  it('compares a body that is not JSON as text', () => {
    expect(diffAnswers(body('sunny'), body('sunny')).same).toBe(true);
    expect(diffAnswers(body('sunny'), body('rainy')).lines).toEqual(['~ $: "sunny" → "rainy"']);
    expect(diffAnswers(body('{"a":1}'), body('oops')).lines).toEqual(['~ $: {"a":1} → "oops"']);
  });

  it('compares SSE answers event by event, data as JSON when it is JSON', () => {
    const captured = sse(['action', { result: { temperature: 21 }, at: 1 }], ['message', 'close']);
    expect(diffAnswers(captured, sse(['action', '{ "at": 2, "result": {"temperature": 21} }'], ['message', 'close']), ignore('at')).same).toBe(true);
    const changed = diffAnswers(captured, sse(['action', { result: { temperature: 23 }, at: 1 }], ['error', 'close'], ['message', 'extra']));
    expect(changed.lines).toEqual(['~ [0].data.result.temperature: 21 → 23', '~ [1].type: "message" → "error"', '+ [2]: {"type":"message","data":"extra"}']);
    const shorter = diffAnswers(captured, sse(['action', { result: { temperature: 21 }, at: 1 }]));
    expect(shorter.lines).toEqual(['- [1]: {"type":"message","data":"close"}']);
  });

  it('says when an SSE stream became a body', () => {
    const result = diffAnswers(sse(['message', 'x']), body('x'));
    expect(result.same).toBe(false);
    expect(result.lines[0]).toBe('~ answer: an SSE stream → a body');
  });

  it('reads base64 bodies as their text', () => {
    expect(bodyText({ encoding: 'base64', data: 'eyJhIjoxfQ==' })).toBe('{"a":1}');
    expect(bodyText({ encoding: 'utf8', data: 'x' })).toBe('x');
  });
});
