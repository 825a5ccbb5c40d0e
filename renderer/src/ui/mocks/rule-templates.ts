/**
 * Starting points for "Add rule": one per kind of answer people reach for first. Each is a complete, valid
 * rule, so Apply works before anything is changed; the function name is a placeholder to overwrite.
 */
import type { MockRuleInput } from '../../../../shared/mocks/mock-rule.js';

export interface RuleTemplate {
  id: string;
  label: string;
  /** A rule without its id; the id is made unique when the template is used. */
  rule: Omit<MockRuleInput, 'id'>;
}

export const RULE_TEMPLATES: readonly RuleTemplate[] = [
  {
    id: 'json',
    label: 'JSON reply',
    rule: {
      name: 'JSON reply',
      enabled: true,
      match: { functionName: 'my_function' },
      handler: { kind: 'json', status: 200, body: { result: 'Mocked answer for {{functionName}} ({{toolCallId}})' } },
    },
  },
  {
    id: 'sse',
    label: 'SSE script',
    rule: {
      name: 'SSE script',
      enabled: true,
      match: { functionName: 'my_function' },
      handler: {
        kind: 'sse',
        status: 200,
        events: [
          {
            delayMs: 200,
            event: 'action',
            data: {
              service: 'llm',
              action: 'function_result',
              arguments: [
                { name: 'function_name', value: '{{functionName}}' },
                { name: 'tool_call_id', value: '{{toolCallId}}' },
                { name: 'result', value: { result: 'Mocked answer' } },
              ],
            },
          },
          { delayMs: 100, data: 'close' },
        ],
      },
    },
  },
  {
    id: 'delay',
    label: 'Delay',
    rule: { name: 'Slow backend', enabled: true, match: { functionName: 'my_function' }, handler: { kind: 'delay', delayMs: 3000 } },
  },
  {
    id: 'fail',
    label: 'Fail',
    rule: {
      name: 'Failing backend',
      enabled: true,
      match: { functionName: 'my_function' },
      handler: { kind: 'fail', status: 500, body: { error: 'Mocked failure' } },
    },
  },
  {
    id: 'realtime',
    label: 'Realtime reply',
    rule: {
      name: 'Realtime reply',
      enabled: true,
      match: { functionName: 'my_function' },
      handler: { kind: 'realtime-reply', delayMs: 0, output: { result: 'Mocked answer for {{functionName}}' }, responseCreate: true },
    },
  },
  {
    id: 'realtime-drop',
    label: 'Realtime drop',
    rule: { name: 'Realtime drop', enabled: true, match: { functionName: 'my_function' }, handler: { kind: 'realtime-drop' } },
  },
];

/** The template as a rule with an id none of the existing rules has: `<template>-1`, `<template>-2`, … */
export function ruleFromTemplate(template: RuleTemplate, existingIds: ReadonlySet<string>): MockRuleInput {
  let n = 1;
  while (existingIds.has(`${template.id}-${n}`)) n++;
  return { id: `${template.id}-${n}`, ...template.rule };
}
