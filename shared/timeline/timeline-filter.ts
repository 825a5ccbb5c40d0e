/**
 * The filter of the timeline and the traffic view: free text plus facets. Pure and shared, so the browser
 * UI, the desktop window and the benchmarks filter the same way, and the definition can live in a URL.
 */
import type { CallStatus, Finding, FunctionCall, Protocol, Severity } from '../analysis/model.js';

export const CALL_STATUSES: readonly CallStatus[] = ['pending', 'ok', 'error', 'unanswered', 'mocked', 'replayed'];

export interface TimelineFilter {
  /** Free text, matched case-insensitively against names, call ids, arguments and results. */
  text: string;
  /** Empty means any. */
  protocols: readonly Protocol[];
  statuses: readonly CallStatus[];
  functions: readonly string[];
  routes: readonly string[];
  /** Only calls and rows with at least one warning or error finding. */
  onlyProblems: boolean;
}

export const EMPTY_FILTER: TimelineFilter = {
  text: '',
  protocols: [],
  statuses: [],
  functions: [],
  routes: [],
  onlyProblems: false,
};

export function isFilterActive(filter: TimelineFilter): boolean {
  return (
    filter.text.trim() !== '' ||
    filter.protocols.length > 0 ||
    filter.statuses.length > 0 ||
    filter.functions.length > 0 ||
    filter.routes.length > 0 ||
    filter.onlyProblems
  );
}

/** A finding counts as a problem from warning up; info findings are hints, not problems. */
export function isProblem(severity: Severity | null): boolean {
  return severity === 'error' || severity === 'warning';
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export function worseSeverity(a: Severity | null, b: Severity): Severity {
  return a !== null && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export interface FindingSummary {
  count: number;
  worst: Severity;
}

/** Findings per call key (count and worst severity), for badges and the "only problems" facet. */
export function summariseFindingsByCall(findings: readonly Finding[]): ReadonlyMap<string, FindingSummary> {
  const byCall = new Map<string, FindingSummary>();
  for (const finding of findings) {
    if (!finding.callKey) continue;
    const current = byCall.get(finding.callKey);
    if (current) {
      current.count++;
      current.worst = worseSeverity(current.worst, finding.severity);
    } else {
      byCall.set(finding.callKey, { count: 1, worst: finding.severity });
    }
  }
  return byCall;
}

/**
 * The text a call is searched by. Cached per call object: the analysis replaces a call's object when it
 * changes, so a stale entry is never read, and a keystroke over thousands of calls only runs `includes`.
 */
const haystacks = new WeakMap<FunctionCall, string>();

export function callHaystack(call: FunctionCall): string {
  let text = haystacks.get(call);
  if (text === undefined) {
    text = [call.name, call.callId ?? '', call.protocol, call.status, call.argsRaw, call.resultRaw ?? ''].join('\n').toLowerCase();
    haystacks.set(call, text);
  }
  return text;
}

/** The needle of a filter: trimmed and lower-cased once per filter, not once per call. */
export function needleOf(filter: TimelineFilter): string {
  return filter.text.trim().toLowerCase();
}

export function callMatches(call: FunctionCall, findings: FindingSummary | undefined, filter: TimelineFilter, needle: string): boolean {
  if (filter.protocols.length > 0 && !filter.protocols.includes(call.protocol)) return false;
  // A replay ends ok or error like any call; the "replayed" chip matches the calls Toolscope sent again.
  if (filter.statuses.length > 0 && !filter.statuses.includes(call.status) && !(call.replayOf !== undefined && filter.statuses.includes('replayed'))) return false;
  if (filter.functions.length > 0 && !filter.functions.includes(call.name)) return false;
  if (filter.routes.length > 0 && (call.routeId === null || !filter.routes.includes(call.routeId))) return false;
  if (filter.onlyProblems && !isProblem(findings?.worst ?? null)) return false;
  if (needle !== '' && !callHaystack(call).includes(needle)) return false;
  return true;
}
