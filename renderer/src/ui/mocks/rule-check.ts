/**
 * Checks the editor's text before it goes to the core, so a typo is reported where it is (line and column of
 * a JSON syntax error, the field path of a schema error) instead of as a refusal of the whole list.
 */
import type { z } from 'zod';
import { jsonLanguage } from '@codemirror/lang-json';
import { mockRuleSchema, type MockRule } from '../../../../shared/mocks/mock-rule.js';

export type RuleCheck = { ok: true; rule: MockRule } | { ok: false; message: string; offset?: number };

export function checkRuleText(text: string): RuleCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const offset = syntaxErrorOffset(text, (e as Error).message);
    const { line, column } = lineColumn(text, offset);
    return { ok: false, message: `JSON syntax error at line ${line}, column ${column}: ${(e as Error).message}`, offset };
  }
  const parsed = mockRuleSchema.safeParse(value);
  if (parsed.success) return { ok: true, rule: parsed.data };
  return { ok: false, message: parsed.error.issues.slice(0, 3).map(describeIssue).join('; ') };
}

/** `handler.status: Too small: …`; an unknown handler kind names the kinds there are instead of "Invalid input". */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const place = issue.path.map(String).join('.') || 'rule';
  if (issue.code === 'invalid_union') {
    const nested = issue.errors.flat();
    // A discriminator that matched no option: an issue with the options and no errors of its own.
    const kinds = nested.flatMap((n) => (n.code === 'invalid_union' && n.inclusive !== false && n.discriminator !== undefined ? (n.options ?? []) : []));
    if (kinds.length > 0 && kinds.length >= nested.length) return `${place}.kind: must be one of ${kinds.map((k) => JSON.stringify(k)).join(', ')}`;
    const first = nested[0];
    if (first) return describeIssue({ ...first, path: [...issue.path, ...first.path] });
  }
  return `${place}: ${issue.message}`;
}

/**
 * Where JSON.parse gave up: V8 says "at position N" for most errors but not all ("Unexpected token … is not
 * valid JSON" has none), so the JSON grammar's first error node is the fallback.
 */
function syntaxErrorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position) return Math.min(Number(position[1]), text.length);
  let offset = text.length;
  jsonLanguage.parser.parse(text).iterate({
    enter(node) {
      if (offset < text.length) return false;
      if (node.type.isError) {
        offset = node.from;
        return false;
      }
      return undefined;
    },
  });
  return offset;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
