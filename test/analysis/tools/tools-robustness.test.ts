/**
 * The tool linters and the argument validator on hostile input: schemas 10,000 levels deep, `$ref` cycles,
 * exponential `anyOf` fan-outs, object cycles, backtracking regexes, 10,000-level and 10 MiB arguments, wrong
 * types everywhere, and random values (fast-check). Nothing throws, hangs or overflows the stack, and every
 * answer is the same the second time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../../shared/analysis/model.js';
import { lintArguments, validateArguments } from '../../../shared/analysis/tools/argument-validator.js';
import { millisParamsToJsonSchema } from '../../../shared/analysis/tools/millis-params.js';
import { lintToolDefinitions } from '../../../shared/analysis/tools/tool-definition-linter.js';

const MiB = 1024 * 1024;

function tool(parameters: unknown): ToolDefinition {
  return { name: 'deep_tool', description: 'A tool', parameters, protocol: 'openai-realtime', seq: 1 };
}

/** `{"type":"object","properties":{"a":{…}}}` nested `levels` deep, built as text (an object that deep cannot be written). */
function deepSchemaText(levels: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
}


describe('hostile schemas', () => {
  it('a schema 10,000 levels deep is reported, not walked into a stack overflow', () => {
    const schema: unknown = JSON.parse(deepSchemaText(10_000));
    const findings = lintToolDefinitions([tool(schema)]);
    expect(findings.map((f) => f.rule)).toContain('def/schema-invalid');
    expect(findings.find((f) => f.rule === 'def/schema-invalid')?.message).toContain('nested more than 64 levels deep');
    const result = validateArguments(schema, { a: { a: 'x' } });
    expect(result.status).toBe('schema-invalid');
    // 60 levels is deep but checkable.
    const fine: unknown = JSON.parse(deepSchemaText(30));
    expect(validateArguments(fine, JSON.parse(`${'{"a":'.repeat(30)}"x"${'}'.repeat(30)}`)).status).toBe('valid');
    expect(validateArguments(fine, JSON.parse(`${'{"a":'.repeat(30)}5${'}'.repeat(30)}`)).errors[0]).toMatch(/^arguments(\.a){30}: must be string, got number$/);
  });

  it('$ref cycles that never go into the value are reported, not followed for ever', () => {
    const cycles: unknown[] = [
      { $ref: '#' },
      { type: 'object', $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, properties: { x: { $ref: '#/$defs/a' } } },
      { type: 'object', allOf: [{ $ref: '#' }] },
      { type: 'object', anyOf: [{ type: 'object' }, { $ref: '#/anyOf/1' }] },
      { type: 'object', $defs: { n: { not: { $ref: '#/$defs/n' } } }, properties: { x: { $ref: '#/$defs/n' } } },
    ];
    for (const schema of cycles) {
      const result = validateArguments(schema, { x: 1 });
      expect(result.status, JSON.stringify(schema)).toBe('schema-invalid');
      expect(result.errors[0]).toContain('$ref cycle');
      expect(lintToolDefinitions([tool(schema)]).some((f) => f.rule === 'def/schema-invalid')).toBe(true);
    }
  });

  it('a recursive schema that goes into the value is fine, and deep arguments are left unchecked', () => {
    const tree = { type: 'object', properties: { name: { type: 'string' }, child: { $ref: '#' } } };
    const nested = (levels: number, leaf: string) => JSON.parse(`${'{"name":"n","child":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`);
    expect(validateArguments(tree, nested(40, '{"name":"leaf"}')).status).toBe('valid');
    expect(validateArguments(tree, nested(40, '{"name":5}')).errors[0]).toMatch(/(\.child){40}\.name: must be string, got number$/);
    const deep = validateArguments(tree, nested(10_000, '{}'));
    expect(deep.status).toBe('unchecked');
    expect(deep.errors[0]).toContain('nested more than 64 levels deep');
  });

  it('an anyOf fan-out that would take exponential time is refused', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    defs.d30 = { type: 'string' };
    const schema = { type: 'object', $defs: defs, properties: { x: { $ref: '#/$defs/d0' } } };
    const result = validateArguments(schema, { x: 5 });
    expect(result.status).toBe('schema-invalid');
    expect(result.errors[0]).toContain('too complex to check');
  });

  it('an object that contains itself (not JSON, but possible in memory) is reported', () => {
    const schema: Record<string, unknown> = { type: 'object' };
    schema.properties = { self: schema };
    expect(validateArguments(schema, { self: {} }).status).toBe('schema-invalid');
    expect(lintToolDefinitions([tool(schema)]).some((f) => f.rule === 'def/schema-invalid')).toBe(true);
  });

  it('backtracking patterns and the "url" format are not run, so no argument can freeze the app', () => {
    const evil = 'a'.repeat(40) + '!';
    const schema = { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$', minLength: 1 }, site: { type: 'string', format: 'url' } } };
    const result = validateArguments(schema, { code: evil, site: `http://${'a'.repeat(60)}_` });
    expect(result.status).toBe('valid');
    expect(result.notes).toEqual(['parameters.properties.code.pattern was not checked: the pattern is a repeated group contains a repetition (like "(a+)+"), which can take exponential time']);
    // What stays checkable is checked.
    expect(validateArguments(schema, { code: '' }).errors).toEqual(['arguments.code: must be at least 1 characters long, got 0']);
    // A safe pattern is run.
    expect(validateArguments({ type: 'object', properties: { z: { type: 'string', pattern: '^\\d{5}$' } } }, { z: 'abc' }).errors).toEqual([
      'arguments.z: does not match the declared pattern',
    ]);
    // A pattern that is valid only outside Unicode mode is left out rather than crashing the validator.
    const nonUnicode = validateArguments({ type: 'object', properties: { z: { type: 'string', pattern: '^[\\w-\\.]+$' } } }, { z: 'a.b' });
    expect(nonUnicode.status).toBe('valid');
    expect(nonUnicode.notes[0]).toContain('not valid in Unicode mode');
  });
});

describe('hostile arguments', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } } };

  it('10,000-level arguments (built as text) are left unchecked', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const findings = lintArguments(tool(schema), deep, '');
    expect(findings.map((f) => f.rule)).toEqual(['call/arguments-unchecked']);
  });

  it('10 MiB strings: as an argument, as the raw text, as a double-encoded string', () => {
    const big = 'x'.repeat(10 * MiB);
    expect(lintArguments(tool(schema), { a: big }, '').map((f) => f.rule)).toEqual(['call/arguments-unchecked']);
    expect(lintArguments(tool(schema), big, big).map((f) => f.rule)).toEqual(['call/arguments-not-object']);
    const encoded = JSON.stringify({ a: big });
    const twice = lintArguments(tool(schema), encoded, JSON.stringify(encoded));
    expect(twice[0]?.message).toContain('encoded twice');
    expect(twice[0]?.message.length).toBeLessThan(1000);
  });

  it('a JSON string inside a JSON string inside a JSON string is still "not an object"', () => {
    const thrice = JSON.stringify(JSON.stringify({ a: 'x' }));
    expect(lintArguments(tool(schema), thrice, JSON.stringify(thrice)).map((f) => f.rule)).toEqual(['call/arguments-not-object']);
  });

  it('values JSON cannot carry are left unchecked, not thrown on', () => {
    for (const args of [{ a: undefined }, { a: () => 1 }, { a: 1n }, { a: Symbol('s') }, { a: NaN }, { a: new Date(0) }]) {
      expect(() => lintArguments(tool(schema), args, '')).not.toThrow();
    }
    expect(lintArguments(tool(schema), { a: NaN }, '').map((f) => f.rule)).toEqual(['call/arguments-unchecked']);
  });
});

describe('wrong types and random input', () => {
  it('definitions with wrong types in every field', () => {
    const weird: unknown[] = [
      null,
      undefined,
      42,
      'tool',
      [],
      {},
      { name: 42, description: {}, parameters: 'x', seq: 'one', protocol: 5 },
      { name: ['a'], parameters: { type: ['object'], properties: [], required: {} } },
      { name: 'ok', parameters: { type: 'object', properties: { a: null, b: 5, c: [], d: { type: 5, description: 7 } }, required: [1, null] } },
      { name: 'x'.repeat(10 * MiB) },
    ];
    const findings = lintToolDefinitions(weird as ToolDefinition[]);
    expect(Array.isArray(findings)).toBe(true);
    expect(findings.every((f) => f.message.length < 5000)).toBe(true);
    expect(lintToolDefinitions('nope' as unknown as ToolDefinition[])).toEqual([]);
    expect(lintToolDefinitions(weird as ToolDefinition[])).toEqual(findings);
  });

  it('lintArguments with wrong types for the tool and the raw text', () => {
    for (const [t, raw] of [
      [null, ''],
      [5, 5],
      [{ name: 5, parameters: 5 }, null],
      [{ parameters: { type: 'object', required: 'a' } }, {}],
    ] as const) {
      expect(() => lintArguments(t as unknown as ToolDefinition, { a: 1 }, raw as unknown as string)).not.toThrow();
    }
  });

  it('millisParamsToJsonSchema takes anything', () => {
    for (const params of [null, undefined, 'x', 5, {}, [null, 5, 'x', {}, { name: 5 }, { name: 'a', type: 7, required: 'true' }, { name: 'a' }]]) {
      expect(() => millisParamsToJsonSchema(params)).not.toThrow();
    }
    const result = millisParamsToJsonSchema([{ name: 'a', type: 'Float', required: 'true' }, { name: 'a', type: 'int' }, { name: '__proto__', type: 'bool' }]);
    expect(result.schema?.properties.a).toEqual({ type: 'integer' });
    expect(Object.keys(result.schema?.properties ?? {})).toEqual(['a', '__proto__']);
    expect(result.schema?.required).toEqual(['a']);
    expect(result.problems.map((p) => p.path)).toEqual(['params[0].required', 'params[1].name']);
  });

  it('property: random JSON schemas and arguments never throw, and give the same answer twice', () => {
    const schemaLike = fc.letrec((tie) => ({
      schema: fc.oneof(
        { depthSize: 'small' },
        fc.boolean(),
        fc.record(
          {
            type: fc.oneof(fc.constantFrom('string', 'number', 'integer', 'object', 'array', 'boolean', 'null', 'int'), fc.jsonValue()),
            properties: fc.dictionary(fc.string(), tie('schema'), { maxKeys: 3 }),
            required: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.jsonValue()),
            items: tie('schema'),
            anyOf: fc.array(tie('schema'), { maxLength: 2 }),
            $ref: fc.constantFrom('#', '#/properties/a', '#/$defs/x', 'http://x', 5),
            pattern: fc.constantFrom('^a', '(a+)+', '[', '^[\\w-.]$'),
            enum: fc.array(fc.jsonValue(), { maxLength: 3 }),
            minLength: fc.oneof(fc.nat(5), fc.jsonValue()),
            format: fc.constantFrom('date', 'email', 'url', 'uuid'),
            additionalProperties: tie('schema'),
          },
          { requiredKeys: [] },
        ),
      ),
    })).schema;
    fc.assert(
      fc.property(schemaLike, fc.jsonValue(), fc.string(), (schema, args, name) => {
        const definition = { name, description: 'd', parameters: schema, protocol: 'config' as const, seq: 1 };
        const defs = lintToolDefinitions([definition]);
        expect(lintToolDefinitions([definition])).toEqual(defs);
        const first = lintArguments(definition, args, JSON.stringify(args) ?? '');
        expect(lintArguments(definition, args, JSON.stringify(args) ?? '')).toEqual(first);
        const validation = validateArguments(schema, args);
        expect(validation.errors.length).toBeLessThanOrEqual(5);
        expect(validateArguments(structuredClone(schema), args)).toEqual(validation);
      }),
      { numRuns: 400 },
    );
  });

  it('property: arbitrary values in every position never throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
        lintToolDefinitions([a, b] as ToolDefinition[]);
        lintToolDefinitions(a as ToolDefinition[]);
        lintArguments(a as ToolDefinition, b, c as string);
        validateArguments(a, b);
        millisParamsToJsonSchema(c);
      }),
      { numRuns: 400 },
    );
  });
});
