/** One line each for what a rule matches and what it answers, for the list of the Mocks dialog. */
import type { MockMatcher, MockRule } from '../../../../shared/mocks/mock-rule.js';

const MAX_VALUE_CHARS = 60;

/** `routePort` gives a live route's local port, which is how the routes bar shows it (the rule names its id). */
export function matcherSummary(match: MockMatcher, realtime: boolean, routePort: (routeId: string) => number | undefined = () => undefined): string {
  const parts: string[] = [];
  if (match.functionName !== undefined) parts.push(match.functionName);
  if (match.method !== undefined || match.path !== undefined) parts.push([match.method?.toUpperCase(), match.path].filter(Boolean).join(' '));
  if (match.routeId !== undefined) {
    const port = routePort(match.routeId);
    parts.push(`route ${match.routeId}${port === undefined ? '' : ` (:${port})`}`);
  }
  if (match.header) parts.push(match.header.value === undefined ? `header ${match.header.name}` : `${match.header.name}: ${match.header.value}`);
  if (match.args) parts.push(match.args.equals === undefined ? `args ${match.args.path} set` : `args ${match.args.path} = ${short(match.args.equals)}`);
  if (match.frameType !== undefined) parts.push(match.frameType);
  if (parts.length === 0) return realtime ? 'any realtime call' : 'any webhook request';
  return parts.join(' · ');
}

export function handlerSummary(handler: MockRule['handler']): string {
  switch (handler.kind) {
    case 'json':
      return `JSON ${handler.status} ${short(handler.body)}`;
    case 'sse':
      return `SSE ${handler.status}, ${handler.events.length} event${handler.events.length === 1 ? '' : 's'}`;
    case 'delay':
      return `wait ${handler.delayMs} ms, then the backend answers`;
    case 'fail':
      return `fail with ${handler.status}${handler.body === undefined ? '' : ` ${short(handler.body)}`}`;
    case 'close':
      return 'close the connection without an answer';
    case 'no-answer':
      return 'never answer';
    case 'realtime-reply':
      return `realtime reply${handler.delayMs > 0 ? ` after ${handler.delayMs} ms` : ''} ${short(handler.output)}`;
    case 'realtime-ignore':
      return 'leave the realtime call unanswered';
    case 'realtime-drop':
      return 'drop the realtime call before the client sees it complete';
  }
}

function short(value: unknown): string {
  const text = value === undefined ? '' : typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
