/**
 * The traffic view's rows: audio folded into runs (continued from the last fold while rows only grow), then
 * filtered. The fold is cached outside React per traffic source, so switching views does not redo it.
 */
import { useDeferredValue, useMemo } from 'react';
import { foldAudioRuns, type AudioFold } from '../../../shared/timeline/audio-runs.js';
import { filterTrafficRows, type FilteredTraffic } from '../../../shared/timeline/traffic-filter.js';
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
    () => filterTrafficRows({ rows: folded, traffic, analysis, filter, hideAudio, expandedRuns, clearedAfterSeq }),
    [folded, traffic, analysis, filter, hideAudio, expandedRuns, clearedAfterSeq],
  );
}
