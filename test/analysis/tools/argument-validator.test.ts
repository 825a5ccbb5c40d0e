/**
 * Arguments against declared JSON Schemas: readable errors with their paths (at most five), one message for a
 * failed anyOf, the validator compiled once per schema object, and never a throw, whatever the schema.
 */
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../../shared/analysis/model.js';
import { lintArguments, MAX_ERRORS, validateArguments } from '../../../shared/analysis/tools/argument-validator.js';
import { compileSchema } from '../../../shared/analysis/tools/compiled-schema.js';

const weather = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2 },
    units: { enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    date: { type: 'string', format: 'date' },
    place: {
      type: 'object',
      properties: { lat: { type: 'number' }, lon: { type: 'number' } },
      required: ['lat', 'lon'],
      additionalProperties: false,
    },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    when: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'integer' }] },
    'first name': { type: 'string' },
  },
  required: ['city'],
};

function errors(args: unknown, schema: unknown = weather): string[] {
  return validateArguments(schema, args).errors;
}

describe('validateArguments', () => {
  it('accepts arguments that match', () => {
    expect(validateArguments(weather, { city: 'Paris', units: 'celsius', days: 3, place: { lat: 1, lon: 2 }, tags: ['a'] })).toEqual({
      status: 'valid',
      valid: true,
      errors: [],
      errorCount: 0,
      notes: [],
    });
    expect(validateArguments(undefined, { anything: 1 }).status).toBe('valid');
    expect(validateArguments(true, { anything: 1 }).status).toBe('valid');
  });

  it('says what is wrong, where, in words', () => {
    expect(errors({ city: 5 })).toEqual(['arguments.city: must be string, got number']);
    expect(errors({})).toEqual(['arguments.city: is required but missing']);
    expect(errors({ city: 'P' })).toEqual(['arguments.city: must be at least 2 characters long, got 1']);
    expect(errors({ city: 'Paris', units: 'kelvin' })).toEqual(['arguments.units: must be one of ["celsius","fahrenheit"]']);
    expect(errors({ city: 'Paris', days: 2.5 })).toEqual(['arguments.days: must be integer, got number']);
    expect(errors({ city: 'Paris', days: 9 })).toEqual(['arguments.days: must be at most 7, got 9']);
    expect(errors({ city: 'Paris', days: 0 })).toEqual(['arguments.days: must be at least 1, got 0']);
    expect(errors({ city: 'Paris', date: 'tomorrow' })).toEqual(['arguments.date: must be a valid date (format "date")']);
    expect(errors({ city: 'Paris', place: { lat: 1 } })).toEqual(['arguments.place.lon: is required but missing']);
    expect(errors({ city: 'Paris', place: { lat: 1, lon: 2, alt: 3 } })).toEqual([
      'arguments.place.alt: is not a declared property, and the schema allows no others (additionalProperties: false)',
    ]);
    expect(errors({ city: 'Paris', tags: ['a', 'a'] })).toEqual(['arguments.tags: must not contain duplicates: items 0 and 1 are equal']);
    expect(errors({ city: 'Paris', tags: ['a', 2] })).toEqual(['arguments.tags[1]: must be string, got number']);
    expect(errors({ city: 'Paris', tags: ['a', 'b', 'c', 'd'] })).toEqual(['arguments.tags: must have at most 3 items, has 4']);
    expect(errors({ city: 'Paris', when: true })).toEqual(['arguments.when: does not match any of the allowed forms (anyOf)']);
    expect(errors({ city: 'Paris', 'first name': 1 })).toEqual(['arguments["first name"]: must be string, got number']);
    expect(errors({ city: null }, { type: 'object', properties: { city: { type: ['string', 'number'] } } })).toEqual([
      'arguments.city: must be string or number, got null',
    ]);
  });

  it(`lists at most ${MAX_ERRORS} errors and counts the rest`, () => {
    const result = validateArguments(weather, { city: 1, units: 2, days: 'x', date: 3, place: 4, tags: 5, when: {} });
    expect(result.status).toBe('invalid');
    expect(result.errors).toHaveLength(MAX_ERRORS);
    expect(result.errorCount).toBe(7);
    expect(result.firstPath).toBe('arguments.city');
    const [finding] = lintArguments(tool(weather), { city: 1, units: 2, days: 'x', date: 3, place: 4, tags: 5, when: {} }, '');
    expect(finding?.message).toContain('; and 2 more.');
  });

  it('follows $refs, anchors and definitions, and oneOf, not, const, dependentRequired', () => {
    const schema = {
      type: 'object',
      $defs: { money: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } },
      properties: {
        price: { $ref: '#/$defs/money' },
        kind: { oneOf: [{ const: 'a' }, { const: 'b' }] },
        code: { not: { const: 'forbidden' } },
        version: { const: 2 },
        card: { type: 'string' },
        cvc: { type: 'string' },
      },
      dependentRequired: { card: ['cvc'] },
    };
    expect(errors({ price: {} }, schema)).toEqual(['arguments.price.amount: is required but missing']);
    expect(errors({ kind: 'c' }, schema)).toEqual(['arguments.kind: does not match any of the allowed forms (oneOf)']);
    expect(errors({ code: 'forbidden' }, schema)).toEqual(['arguments.code: has a form that is explicitly not allowed (not)']);
    expect(errors({ version: 3 }, schema)).toEqual(['arguments.version: must be exactly 2']);
    expect(errors({ card: '4111' }, schema)).toEqual(['arguments: has "card", so it must also have "cvc"']);
  });

  it('reads draft-04 and draft-07 schemas as their drafts', () => {
    const draft4 = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } };
    expect(errors({ n: 0 }, draft4)).toEqual(['arguments.n: must be greater than 0, got 0']);
    const draft7 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', definitions: { s: { type: 'string' } }, properties: { n: { $ref: '#/definitions/s' } } };
    expect(errors({ n: 1 }, draft7)).toEqual(['arguments.n: must be string, got number']);
  });

  it('reports a broken schema as one error, and never throws', () => {
    const result = validateArguments({ type: 'object', properties: { n: { type: 'int' } } }, { n: 1 });
    expect(result.status).toBe('schema-invalid');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^the parameters schema is invalid: parameters\.properties\.n\.type: "int" is not a JSON Schema type/);
    for (const schema of [42, 'string', [], { type: 'object', properties: { a: { $ref: 5 } } }, { $id: 'x', properties: { a: { $id: 'x' } } }]) {
      expect(() => validateArguments(schema, { a: 1 })).not.toThrow();
      expect(validateArguments(schema, { a: 1 }).valid).toBe(false);
    }
  });

  it('compiles each schema object once, and does not touch the declaration', () => {
    const schema = structuredClone(weather);
    const before = JSON.stringify(schema);
    const first = compileSchema(schema);
    expect(compileSchema(schema)).toBe(first);
    validateArguments(schema, { city: 'Paris' });
    expect(JSON.stringify(schema)).toBe(before);
    expect(Object.getOwnPropertyNames(schema)).toEqual(Object.keys(structuredClone(weather)));
    const frozen = Object.freeze(structuredClone(weather));
    expect(validateArguments(frozen, { city: 3 }).errors).toEqual(['arguments.city: must be string, got number']);
  });

  it('checks 100,000 calls of the same tool against one compiled schema', () => {
    const definition = tool(weather);
    const compiled = compileSchema(definition.parameters);
    let flagged = 0;
    let expected = 0;
    for (let i = 0; i < 100_000; i++) {
      if (lintArguments(definition, { city: i % 2 ? 'Paris' : 5, days: i % 7 }, '').length > 0) flagged++;
      // A number for the city, or 0 days (below the minimum of 1), is wrong.
      if (i % 2 === 0 || i % 7 === 0) expected++;
    }
    expect(flagged).toBe(expected);
    // Compiled once and kept with the schema: a call is a validation, not a compilation.
    expect(compileSchema(definition.parameters)).toBe(compiled);
  });
});

function tool(parameters: unknown): ToolDefinition {
  return { name: 'get_weather', description: 'Weather', parameters, protocol: 'openai-realtime', seq: 2 };
}

describe('lintArguments', () => {
  it('call/arguments-schema (error) with the path of the first error', () => {
    const findings = lintArguments(tool(weather), { city: 5 }, '{"city":5}');
    expect(findings).toEqual([
      {
        rule: 'call/arguments-schema',
        severity: 'error',
        message: expect.stringContaining('The arguments of get_weather do not match its declared parameters: arguments.city: must be string, got number.'),
        seq: 0,
        path: 'arguments.city',
      },
    ]);
  });

  it('call/arguments-not-object (error), naming double encoding when it is that', () => {
    expect(lintArguments(tool(weather), 'Paris', '"Paris"')[0]).toMatchObject({ rule: 'call/arguments-not-object', severity: 'error', path: 'arguments' });
    expect(lintArguments(tool(weather), 'Paris', '"Paris"')[0]?.message).toContain('the string "Paris" (sent as "\\"Paris\\"")');
    expect(lintArguments(tool(weather), '{"city":"Paris"}', '')[0]?.message).toContain('encoded twice');
    expect(lintArguments(tool(undefined), [1], '[1]')[0]?.rule).toBe('call/arguments-not-object');
    expect(lintArguments(tool(weather), 7, '7')[0]?.message).toContain('the number 7');
  });

  it('call/arguments-undeclared-property (warning) only where the schema leaves extra properties allowed by omission', () => {
    const findings = lintArguments(tool(weather), { city: 'Paris', citty: 'x', zip: 1 }, '');
    expect(findings.map((f) => [f.rule, f.severity, f.path])).toEqual([['call/arguments-undeclared-property', 'warning', 'arguments.citty']]);
    expect(findings[0]?.message).toContain('"citty" and "zip"');
    expect(lintArguments(tool({ ...weather, additionalProperties: true }), { city: 'Paris', x: 1 }, '')).toEqual([]);
    expect(lintArguments(tool({ type: 'object' }), { x: 1 }, '')).toEqual([]);
  });

  it('call/arguments-unchecked (info) when the schema is broken or unsafe, or the arguments too large', () => {
    const broken = lintArguments(tool({ type: 'object', properties: { a: { type: 'str' } } }), { a: 1 }, '');
    expect(broken.map((f) => [f.rule, f.severity])).toEqual([['call/arguments-unchecked', 'info']]);
    expect(broken[0]?.message).toContain('def/schema-invalid');
    const unsafe = lintArguments(tool({ type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } } }), { aaa: 1 }, '');
    expect(unsafe.map((f) => f.rule)).toEqual(['call/arguments-unchecked']);
    const huge = lintArguments(tool(weather), { city: 'x'.repeat(2 * 1024 * 1024) }, '');
    expect(huge.map((f) => f.rule)).toEqual(['call/arguments-unchecked']);
    expect(huge[0]?.message).toContain('more than 1 MiB of text');
  });

  it('says nothing when there is nothing to check', () => {
    expect(lintArguments(tool(undefined), { a: 1 }, '{"a":1}')).toEqual([]);
    expect(lintArguments(tool(null), { a: 1 }, '{"a":1}')).toEqual([]);
    expect(lintArguments(tool(weather), undefined, '{"city":')).toEqual([]);
  });
});
