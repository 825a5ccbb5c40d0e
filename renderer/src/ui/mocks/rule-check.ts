/**
 * Checks the editor's text before it goes to the core, so a typo is reported where it is (line and column of
 * a JSON syntax error, the field path of a schema error) instead of as a refusal of the whole list.
 */
import type { z } from 'zod';
import { mockRuleSchema, type MockRule } from '../../../../shared/mocks/mock-rule.js';
import { parseJsonText } from '../../../../shared/json/json-syntax.js';
import { locateJsonError } from '../code/json-error-locator.js';

export type RuleCheck = { ok: true; rule: MockRule } | { ok: false; message: string; offset?: number };

export function checkRuleText(text: string): RuleCheck {
  const json = parseJsonText(text, locateJsonError);
  if (!json.ok) return { ok: false, message: json.message, offset: json.offset };
  const parsed = mockRuleSchema.safeParse(json.value);
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
