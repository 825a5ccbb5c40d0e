/**
 * Breakpoint rules as data (like mock rules: a matcher, and what to hold), so they cross the bridge and can be
 * saved; the proxy code that holds and releases items is in electron/proxy/breakpoints/.
 *
 * The matcher is the mock rules' one: function name whatever the dialect, route, method, path, header,
 * arguments, frame type. A rule with an empty matcher holds everything of its stage; its timeout still
 * releases each item, so such a rule slows the bot down but never hangs it.
 */
import { z } from 'zod';
import { pauseStageSchema, wsDirectionSchema } from '../events.js';
import { mockMatcherSchema } from '../mocks/mock-rule.js';

export const DEFAULT_PAUSE_TIMEOUT_MS = 30_000;

export const breakpointRuleSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().default(''),
    enabled: z.boolean().default(true),
    match: mockMatcherSchema.default({}),
    /** request: before it reaches the upstream; response: before it reaches the bot; frame: a WebSocket frame. */
    stage: pauseStageSchema,
    /** Stage `frame` only: hold frames going this way; both ways when left out. */
    direction: wsDirectionSchema.optional(),
    /** An item nobody acts on is released as it is after this long. */
    timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_PAUSE_TIMEOUT_MS),
  })
  .strict();
export type BreakpointRule = z.infer<typeof breakpointRuleSchema>;
/** A rule as written, before defaults (what the UI builds and the config file holds). */
export type BreakpointRuleInput = z.input<typeof breakpointRuleSchema>;

export const breakpointRulesSchema = z.array(breakpointRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
});
