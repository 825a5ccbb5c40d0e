/**
 * The calls timeline's rows for the data on screen and the current filter. The filter is deferred
 * (`useDeferredValue`): typing stays instant and React drops stale intermediate results, instead of a fixed
 * debounce delay that every keystroke would pay.
 */
import { useDeferredValue, useMemo } from 'react';
import { buildCallRows, type CallRows, type CallRowsInput } from '../../../shared/timeline/call-rows.js';
import { summariseFindingsByCall, type FindingSummary } from '../../../shared/timeline/timeline-filter.js';
import { useAnalysis } from './use-analysis.js';
import { useClearedAfterSeq, useTimelineStore } from './timeline-store.js';

export function useFindingsByCall(): ReadonlyMap<string, FindingSummary> {
  const findings = useAnalysis((a) => a.findings);
  return useMemo(() => summariseFindingsByCall(findings), [findings]);
}

export function useCallRows(): CallRows {
  const callOrder = useAnalysis((a) => a.callOrder);
  const calls = useAnalysis((a) => a.calls);
  const findingsByCall = useFindingsByCall();
  const filter = useDeferredValue(useTimelineStore((s) => s.filter));
  const grouped = useTimelineStore((s) => s.grouped);
  const foldedGroups = useTimelineStore((s) => s.foldedGroups);
  const clearedAfterSeq = useClearedAfterSeq();
  return useMemo(
    () => sharedCallRows({ callOrder, calls, findingsByCall, filter, grouped, foldedGroups, clearedAfterSeq }),
    [callOrder, calls, findingsByCall, filter, grouped, foldedGroups, clearedAfterSeq],
  );
}

/**
 * The list, the "Shown" count and the empty-list note all need the rows; computed once per input change
 * for all of them, not once per component (a keystroke would otherwise filter three times).
 */
let last: { input: CallRowsInput; rows: CallRows } | null = null;

function sharedCallRows(input: CallRowsInput): CallRows {
  if (last && (Object.keys(input) as (keyof CallRowsInput)[]).every((key) => last!.input[key] === input[key])) return last.rows;
  last = { input, rows: buildCallRows(input) };
  return last.rows;
}
