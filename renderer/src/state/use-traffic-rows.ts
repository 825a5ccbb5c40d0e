/**
 * The traffic view's rows: audio folded into runs (continued from the last fold while rows only grow), then
 * filtered. The fold is cached outside React per traffic source, so switching views does not redo it.
 */
import { useDeferredValue, useMemo } from 'react';
import { foldAudioRuns, type AudioFold } from '../../../shared/timeline/audio-runs.js';
import { filterTrafficRows, runKey, type FilteredTraffic, type TrafficFilterInput } from '../../../shared/timeline/traffic-filter.js';
import { useAnalysis } from './use-analysis.js';
import { useTraffic } from './use-traffic.js';
import { useClearedAfterSeq, useTimelineStore } from './timeline-store.js';

let lastFold: AudioFold | null = null;

export function useTrafficRows(): FilteredTraffic {
  const traffic = useTraffic((t) => t);
  const analysis = useAnalysis((a) => a);
  const filter = useDeferredValue(useTimelineStore((s) => s.filter));
  const hideAudio = useTimelineStore((s) => s.hideAudio);
  const expandedRuns = useTimelineStore((s) => s.expandedRuns);
  const clearedAfterSeq = useClearedAfterSeq();
  const folded = useMemo(() => {
    lastFold = foldAudioRuns(lastFold, traffic, analysis.frameTypes);
    return lastFold.rows;
  }, [traffic, analysis.frameTypes]);
  return useMemo(
    () => sharedFilter({ rows: folded, traffic, analysis, filter, hideAudio, expandedRuns, clearedAfterSeq }),
    [folded, traffic, analysis, filter, hideAudio, expandedRuns, clearedAfterSeq],
  );
}

/** The list and the "Shown" count share one filtering pass per input change (see use-call-rows.ts). */
let lastFilter: { input: TrafficFilterInput; result: FilteredTraffic } | null = null;

function sharedFilter(input: TrafficFilterInput): FilteredTraffic {
  if (lastFilter && (Object.keys(input) as (keyof TrafficFilterInput)[]).every((key) => lastFilter!.input[key] === input[key])) return lastFilter.result;
  lastFilter = { input, result: filterTrafficRows(input) };
  return lastFilter.result;
}

/** The key of the folded audio run that holds a frame, if any ("Show event" unfolds it so the frame has a row). */
export function audioRunHolding(connectionId: string, index: number): string | null {
  for (const row of lastFold?.rows ?? []) {
    if (row.kind === 'audio-run' && row.connectionId === connectionId && row.first <= index && index <= row.last) return runKey(row);
  }
  return null;
}
