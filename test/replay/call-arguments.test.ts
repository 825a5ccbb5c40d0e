import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argumentsText, findArguments, jsonEqual, replaceArguments, serialiseLike } from '../../shared/replay/call-arguments.js';
import { fixtureJson as fixture, haveFixtures, whenFixtures } from '../support/protocol-fixtures.js';

const daily = (args: unknown) => ({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: args });

function vapi(calls: { id: string; name: string; args: unknown }[]) {
  return {
    message: {
      type: 'tool-calls',
      toolCalls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })),
      toolCallList: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })),
      toolWithToolCallList: calls.map((c) => ({ type: 'function', function: { name: c.name }, toolCall: { id: c.id, type: 'function', function: { name: c.name, arguments: c.args } } })),
    },
  };
}

describe('findArguments', () => {
  it('finds Daily arguments beside function_name and tool_call_id', () => {
    const found = findArguments(daily({ city: 'Paris' }));
    expect(found).toEqual([
      { dialect: 'daily', index: 0, name: 'get_weather', callId: 'call_1', value: { city: 'Paris' }, encoding: 'value', label: 'get_weather (call_1)' },
    ]);
    expect(argumentsText(found[0]!)).toBe('{\n  "city": "Paris"\n}');
  });

  it('finds every call of a Vapi tool-calls message, with its name and id', () => {
    const found = findArguments(vapi([{ id: 'a', name: 'one', args: { x: 1 } }, { id: 'b', name: 'two', args: { y: 2 } }]));
    expect(found.map((t) => [t.dialect, t.index, t.label, t.value])).toEqual([
      ['vapi', 0, 'one (a)', { x: 1 }],
      ['vapi', 1, 'two (b)', { y: 2 }],
    ]);
  });

  it('reads arguments given as a JSON string as their value, and says they are a string', () => {
    const found = findArguments({ message: { toolCallList: [{ id: 'a', function: { name: 'f', arguments: '{"x": 1}' } }] } });
    expect(found[0]).toMatchObject({ value: { x: 1 }, encoding: 'json-string' });
    // A string that is not JSON is an ordinary string value.
    expect(findArguments(daily('city=Paris'))[0]).toMatchObject({ value: 'city=Paris', encoding: 'value' });
  });

  it.skipIf(!haveFixtures)(whenFixtures('reads the protocol fixtures: Daily, Vapi tool-calls and Vapi legacy function-call'), () => {
    expect(findArguments(fixture('daily-webhook-request.json'))).toMatchObject([{ dialect: 'daily', name: 'lookup_order', value: { order_number: 'A-20931' } }]);
    expect(findArguments(fixture('vapi-tool-calls-request.json'))).toMatchObject([
      { dialect: 'vapi', name: 'lookup_order', callId: 'call_V4p1nTq8Rk2sLm6Xw9Yz0Ab3', value: { order_number: 'A-20931' } },
    ]);
    expect(findArguments(fixture('vapi-function-call-legacy-request.json'))).toMatchObject([{ dialect: 'vapi-legacy', name: 'lookup_order', value: { order_number: 'A-20931' } }]);
  });

  it('finds nothing in a body of no known dialect', () => {
    for (const body of [null, 3, 'text', [], {}, { arguments: {} }, { message: { type: 'status-update' } }, { message: { toolCallList: [{ id: 'a' }] } }]) {
      expect(findArguments(body)).toEqual([]);
    }
  });
});

describe('replaceArguments', () => {
  it('replaces Daily arguments and nothing else', () => {
    const body = daily({ city: 'Paris' });
    const rebuilt = replaceArguments(body, findArguments(body)[0]!, { city: 'Oslo', unit: 'C' });
    expect(rebuilt).toEqual({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Oslo', unit: 'C' } });
    expect(body.arguments).toEqual({ city: 'Paris' });
  });

  it('rewrites every copy of the chosen Vapi call, each in its own form, and leaves the other calls alone', () => {
    const body = vapi([{ id: 'a', name: 'one', args: { x: 1 } }, { id: 'b', name: 'two', args: { y: 2 } }]);
    const rebuilt = replaceArguments(body, findArguments(body)[1]!, { y: 3 }) as ReturnType<typeof vapi>;
    expect(rebuilt.message.toolCallList[1]!.function.arguments).toEqual({ y: 3 });
    expect(rebuilt.message.toolCalls[1]!.function.arguments).toBe('{"y":3}');
    expect(rebuilt.message.toolWithToolCallList[1]!.toolCall.function.arguments).toEqual({ y: 3 });
    expect(rebuilt.message.toolCallList[0]).toEqual(body.message.toolCallList[0]);
    expect(rebuilt.message.toolCalls[0]).toEqual(body.message.toolCalls[0]);
  });

  it('keeps Vapi arguments given as a JSON string a string', () => {
    const body = { message: { toolCallList: [{ id: 'a', function: { name: 'f', arguments: '{"x": 1}' } }] } };
    const at = findArguments(body)[0]!;
    const rebuilt = replaceArguments(body, at, { x: 2 }) as typeof body;
    expect(rebuilt.message.toolCallList[0]!.function.arguments).toBe('{"x":2}');
    // Unchanged, the string is kept exactly, spacing included.
    expect((replaceArguments(body, at, { x: 1 }) as typeof body).message.toolCallList[0]!.function.arguments).toBe('{"x": 1}');
  });

  it('replaces Vapi legacy parameters', () => {
    const body = { message: { type: 'function-call', functionCall: { name: 'lookup_order', parameters: { order_number: 'A-20931' } } } };
    const rebuilt = replaceArguments(body, findArguments(body)[0]!, { order_number: 'B-1' }) as { message: { functionCall: { parameters: unknown } } };
    expect(rebuilt.message.functionCall.parameters).toEqual({ order_number: 'B-1' });
  });

  it('says so when the call is no longer in the body', () => {
    expect(() => replaceArguments({ message: { toolCallList: [] } }, { dialect: 'vapi', index: 2 }, {})).toThrow(/toolCallList\[2\]/);
    expect(() => replaceArguments({}, { dialect: 'daily', index: 0 }, {})).toThrow(/arguments/);
  });

  it('extract → rebuild without changes gives back the same JSON value (Daily, any arguments)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (args) => {
        const body = JSON.parse(JSON.stringify(daily(args))) as unknown;
        for (const at of findArguments(body)) expect(jsonEqual(replaceArguments(body, at, at.value), body)).toBe(true);
      }),
    );
  });

  it('extract → rebuild without changes gives back the same JSON value (Vapi, arguments as values or JSON strings)', () => {
    const argsArb = fc.oneof(fc.jsonValue(), fc.json(), fc.string());
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.string({ maxLength: 6 }), name: fc.string({ maxLength: 8 }), args: argsArb }), { maxLength: 4 }), (calls) => {
        const body = {
          message: {
            type: 'tool-calls',
            toolCalls: calls.map((c) => ({ id: c.id, function: { name: c.name, arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args) } })),
            toolCallList: calls.map((c) => ({ id: c.id, function: { name: c.name, arguments: c.args } })),
          },
        };
        const parsed = JSON.parse(JSON.stringify(body)) as unknown;
        const targets = findArguments(parsed);
        expect(targets).toHaveLength(calls.length);
        for (const at of targets) {
          const rebuilt = replaceArguments(parsed, at, at.value);
          expect(jsonEqual(rebuilt, parsed)).toBe(true);
          // A JSON string stays a string.
          const item = (rebuilt as typeof body).message.toolCallList[at.index]!;
          expect(typeof item.function.arguments).toBe(typeof calls[at.index]!.args);
        }
      }),
    );
  });

  it('an edit of JSON-string arguments gives a string that parses back to the edit', () => {
    fc.assert(
      fc.property(fc.json(), fc.jsonValue(), (original, edit) => {
        const body = { message: { toolCallList: [{ id: 'a', function: { name: 'f', arguments: original } }] } };
        const rebuilt = replaceArguments(body, findArguments(body)[0]!, edit) as typeof body;
        const sent = rebuilt.message.toolCallList[0]!.function.arguments;
        expect(typeof sent).toBe('string');
        expect(jsonEqual(JSON.parse(sent), edit)).toBe(true);
      }),
    );
  });
});

describe('serialiseLike', () => {
  it('indents like a multi-line original and stays compact like a one-line one', () => {
    expect(serialiseLike('{"a":1}', { a: 2 })).toBe('{"a":2}');
    expect(serialiseLike('{\n  "a": 1\n}', { a: 2 })).toBe('{\n  "a": 2\n}');
  });
});
