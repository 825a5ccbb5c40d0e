/**
 * def/ rules on declarations written for each of them: names, duplicates, descriptions, parameters that are
 * not an object schema, required properties that do not exist, and schemas that are not valid JSON Schema.
 */
import { describe, expect, it } from 'vitest';
import type { FindingDraft, ToolDefinition } from '../../../shared/analysis/model.js';
import { lintToolDefinitions, toolNameProblem } from '../../../shared/analysis/tools/tool-definition-linter.js';

function tool(overrides: Partial<ToolDefinition> & { parameters?: unknown } = {}): ToolDefinition {
  return {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name, e.g. Paris' } }, required: ['city'] },
    protocol: 'openai-realtime',
    seq: 3,
    ...overrides,
  };
}

function rules(findings: FindingDraft[]): string[] {
  return findings.map((f) => `${f.rule} ${f.severity}`);
}

describe('def/ rules', () => {
  it('a well-declared tool gets nothing', () => {
    expect(lintToolDefinitions([tool()])).toEqual([]);
    expect(lintToolDefinitions([tool({ parameters: undefined })])).toEqual([]);
    expect(lintToolDefinitions([tool({ parameters: {} })])).toEqual([]);
    expect(lintToolDefinitions([tool({ parameters: { type: 'object' } })])).toEqual([]);
    expect(lintToolDefinitions([])).toEqual([]);
  });

  it('def/invalid-name (error): must start with a letter; letters, digits, _ and -; at most 64', () => {
    expect(toolNameProblem('get_weather-2')).toBeNull();
    expect(toolNameProblem('a'.repeat(64))).toBeNull();
    expect(toolNameProblem('a'.repeat(65))).toBe('it is 65 characters long (at most 64)');
    expect(toolNameProblem('2fa_check')).toBe('it starts with "2", not a letter');
    expect(toolNameProblem('_private')).toBe('it starts with "_", not a letter');
    expect(toolNameProblem('get weather')).toBe('it contains a space');
    expect(toolNameProblem('weather.get/now')).toBe('it contains ".", "/"');
    expect(toolNameProblem('')).toBe('it is empty');
    expect(toolNameProblem(42)).toBe('it is empty');
    expect(toolNameProblem('météo')).toBe('it contains "é"');

    const findings = lintToolDefinitions([tool({ name: 'get weather' })]);
    expect(rules(findings)).toEqual(['def/invalid-name error']);
    expect(findings[0]).toMatchObject({ seq: 3, path: 'name' });
    expect(findings[0]?.message).toContain('for example "get_weather"');
  });

  it('def/duplicate-name (error): twice in one declaration, not across declarations', () => {
    const findings = lintToolDefinitions([tool(), tool({ description: 'again' }), tool({ name: 'other' })]);
    expect(rules(findings)).toEqual(['def/duplicate-name error']);
    expect(findings[0]?.message).toContain('"get_weather" is declared 2 times');
    expect(lintToolDefinitions([tool({ seq: 1 }), tool({ seq: 2 })])).toEqual([]);
    expect(rules(lintToolDefinitions([tool({ seq: null }), tool({ seq: null })]))).toEqual(['def/duplicate-name error']);
  });

  it('def/missing-description (warning)', () => {
    expect(rules(lintToolDefinitions([tool({ description: undefined })]))).toEqual(['def/missing-description warning']);
    expect(rules(lintToolDefinitions([tool({ description: '   ' })]))).toEqual(['def/missing-description warning']);
  });

  it('def/parameters-not-object (error): not an object, or not type "object"', () => {
    for (const parameters of ['{"type":"object"}', [], 42, true]) {
      expect(rules(lintToolDefinitions([tool({ parameters })]))).toEqual(['def/parameters-not-object error']);
    }
    const missingType = lintToolDefinitions([tool({ parameters: { properties: { city: { type: 'string', description: 'x' } } } })]);
    expect(rules(missingType)).toEqual(['def/parameters-not-object error']);
    expect(missingType[0]?.message).toContain('has no "type"');
    expect(rules(lintToolDefinitions([tool({ parameters: { type: 'string' } })]))).toEqual(['def/parameters-not-object error']);
  });

  it('def/parameter-missing-type (warning) and def/parameter-missing-description (info), one finding each per tool, nested too', () => {
    const findings = lintToolDefinitions([
      tool({
        parameters: {
          type: 'object',
          properties: {
            city: { description: 'City' },
            units: { enum: ['metric', 'imperial'] },
            when: { type: 'string' },
            place: { type: 'object', properties: { lat: { type: 'number' }, lon: {} } },
            tags: { type: 'array', description: 'Tags', items: { type: 'object', properties: { label: { type: 'string' } } } },
          },
        },
      }),
    ]);
    expect(rules(findings)).toEqual(['def/parameter-missing-type warning', 'def/parameter-missing-description info']);
    expect(findings[0]).toMatchObject({ path: 'parameters.properties.city' });
    expect(findings[0]?.message).toContain('2 parameters');
    expect(findings[0]?.message).toContain('city, place.lon');
    expect(findings[1]?.message).toContain('units, when, place, place.lat, place.lon and 1 more');
  });

  it('def/required-unknown-property (error): required names a property that is not declared', () => {
    const findings = lintToolDefinitions([
      tool({ parameters: { type: 'object', properties: { city: { type: 'string', description: 'x' } }, required: ['city', 'country'] } }),
    ]);
    expect(rules(findings)).toEqual(['def/required-unknown-property error']);
    expect(findings[0]).toMatchObject({ path: 'parameters.required' });
    expect(findings[0]?.message).toContain('"country"');
    expect(findings[0]?.message).toContain('declared: "city"');
    // Properties may come from elsewhere: not flagged.
    expect(lintToolDefinitions([tool({ parameters: { type: 'object', allOf: [{ properties: { a: {} } }], required: ['a'] } })])).toEqual([]);
    expect(lintToolDefinitions([tool({ parameters: { type: 'object', additionalProperties: true, required: ['a'] } })])).toEqual([]);
    // Nested objects too.
    const nested = lintToolDefinitions([
      tool({
        parameters: {
          type: 'object',
          properties: { place: { type: 'object', description: 'p', properties: {}, required: ['lat'] } },
        },
      }),
    ]);
    expect(rules(nested)).toEqual(['def/required-unknown-property error']);
    expect(nested[0]?.path).toBe('parameters.properties.place.required');
  });

  it('def/schema-invalid (error): keywords with the wrong kind of value, with the path of the first', () => {
    const cases: [unknown, string, string][] = [
      [{ type: 'object', properties: { n: { type: 'int', description: 'x' } } }, 'parameters.properties.n.type', 'did you mean "integer"'],
      [{ type: 'object', properties: { n: { type: 'String', description: 'x' } } }, 'parameters.properties.n.type', 'did you mean "string"'],
      [{ type: 'object', properties: { n: { type: 'string', description: 'x', required: true } } }, 'parameters.properties.n.required', 'put "n" in the parent\'s "required" list'],
      [{ type: 'object', properties: 'city' }, 'parameters.properties', 'must be an object of schemas'],
      [{ type: 'object', properties: { n: 'string' } }, 'parameters.properties.n', 'must be a schema'],
      [{ type: 'object', required: 'city' }, 'parameters.required', 'must be a list of property names'],
      [{ type: 'object', properties: { n: { type: 'string', description: 'x', enum: [] } } }, 'parameters.properties.n.enum', 'empty list'],
      [{ type: 'object', properties: { n: { type: 'string', description: 'x', pattern: '([a-z' } } }, 'parameters.properties.n.pattern', 'not a valid regular expression'],
      [{ type: 'object', properties: { n: { type: 'string', description: 'x', minLength: -1 } } }, 'parameters.properties.n.minLength', 'whole number'],
      [{ type: 'object', properties: { n: { $ref: '#/$defs/missing', description: 'x' } } }, 'parameters.properties.n.$ref', 'points at nothing'],
      [{ type: 'object', properties: { n: { $ref: 'https://example.com/s.json', description: 'x' } } }, 'parameters.properties.n.$ref', 'points outside this schema'],
      [{ type: 'object', properties: { n: { anyOf: [], description: 'x' } } }, 'parameters.properties.n.anyOf', 'empty list'],
      [{ type: 'object', properties: { n: { type: 'number', description: 'x', exclusiveMinimum: true } } }, 'parameters.properties.n.exclusiveMinimum', 'draft-04 style'],
    ];
    for (const [parameters, path, text] of cases) {
      const findings = lintToolDefinitions([tool({ parameters })]).filter((f) => f.rule === 'def/schema-invalid');
      expect(findings, JSON.stringify(parameters)).toHaveLength(1);
      expect(findings[0]?.severity).toBe('error');
      expect(findings[0]?.path).toBe(path);
      expect(findings[0]?.message).toContain(text);
    }
  });

  it('resolves local $refs ($defs, definitions, anchors, $id) and accepts them', () => {
    const withRefs = {
      type: 'object',
      $defs: { place: { type: 'string', description: 'A place' } },
      definitions: { when: { type: 'string', description: 'When' } },
      properties: {
        from: { $ref: '#/$defs/place' },
        to: { $ref: '#/definitions/when' },
        via: { $ref: '#stop' },
      },
      $comment: 'anchors below',
      dependentSchemas: { via: { $anchor: 'stop', type: 'string' } },
    };
    expect(lintToolDefinitions([tool({ parameters: withRefs })]).filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('def/pattern-not-checked (info) for patterns that could backtrack for ever', () => {
    const findings = lintToolDefinitions([
      tool({ parameters: { type: 'object', properties: { code: { type: 'string', description: 'x', pattern: '^(a+)+$' } } } }),
    ]);
    expect(rules(findings)).toEqual(['def/pattern-not-checked info']);
    expect(findings[0]?.path).toBe('parameters.properties.code.pattern');
    // Fixed counts and bounded groups are fine.
    expect(
      lintToolDefinitions([tool({ parameters: { type: 'object', properties: { phone: { type: 'string', description: 'x', pattern: '^(\\d{3}-){2}\\d{4}$' } } } })]),
    ).toEqual([]);
    expect(
      lintToolDefinitions([tool({ parameters: { type: 'object', properties: { id: { type: 'string', description: 'x', pattern: '^(?:[A-Z]{2})+-\\d+$' } } } })]),
    ).toEqual([]);
  });
});
