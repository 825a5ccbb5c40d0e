/**
 * The rows of the calls timeline: the calls that pass the filter, in the order they started, optionally
 * grouped under the connection (realtime) or route (webhooks) that carried them, with folded groups.
 */
import type { FunctionCall } from '../analysis/model.js';
import { callMatches, needleOf, type FindingSummary, type TimelineFilter } from './timeline-filter.js';

export type CallListRow =
  | { kind: 'call'; callKey: string }
  | { kind: 'group'; groupKey: string; source: CallGroupSource; calls: number; problems: number; folded: boolean };

export type CallGroupSource = { kind: 'connection'; id: string } | { kind: 'route'; id: string | null };

export interface CallRowsInput {
  callOrder: readonly string[];
  calls: ReadonlyMap<string, FunctionCall>;
  findingsByCall: ReadonlyMap<string, FindingSummary>;
  filter: TimelineFilter;
  grouped: boolean;
  foldedGroups: ReadonlySet<string>;
  /** Calls that started at or before this sequence number were cleared from the view. */
  clearedAfterSeq: number;
}

export interface CallRows {
  rows: readonly CallListRow[];
  /** The calls that pass the filter, in order (folded ones included), for the waterfall's time axis. */
  matched: readonly FunctionCall[];
  /** Calls after the last clear, before filtering: the "of N" in "12 of 40 calls". */
  total: number;
}

export function groupKeyOf(call: FunctionCall): string {
  return call.source.kind === 'connection' ? `connection:${call.source.id}` : `route:${call.routeId ?? ''}`;
}

function groupSourceOf(call: FunctionCall): CallGroupSource {
  return call.source.kind === 'connection' ? { kind: 'connection', id: call.source.id } : { kind: 'route', id: call.routeId };
}

export function buildCallRows(input: CallRowsInput): CallRows {
  const needle = needleOf(input.filter);
  const matched: FunctionCall[] = [];
  let total = 0;
  for (const key of input.callOrder) {
    const call = input.calls.get(key);
    if (!call || call.startSeq <= input.clearedAfterSeq) continue;
    total++;
    if (callMatches(call, input.findingsByCall.get(key), input.filter, needle)) matched.push(call);
  }
  if (!input.grouped) return { rows: matched.map((call) => ({ kind: 'call', callKey: call.key })), matched, total };

  // Groups appear in the order of their first call, their calls in order beneath them.
  const groups = new Map<string, FunctionCall[]>();
  for (const call of matched) {
    const key = groupKeyOf(call);
    const members = groups.get(key);
    if (members) members.push(call);
    else groups.set(key, [call]);
  }
  const rows: CallListRow[] = [];
  for (const [groupKey, members] of groups) {
    const folded = input.foldedGroups.has(groupKey);
    let problems = 0;
    for (const call of members) {
      const worst = input.findingsByCall.get(call.key)?.worst;
      if (worst === 'error' || worst === 'warning') problems++;
    }
    rows.push({ kind: 'group', groupKey, source: groupSourceOf(members[0]!), calls: members.length, problems, folded });
    if (!folded) for (const call of members) rows.push({ kind: 'call', callKey: call.key });
  }
  return { rows, matched, total };
}
