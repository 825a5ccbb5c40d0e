/**
 * What "Only what the filter shows" exports: the exchanges and WebSocket connections behind the rows the
 * current view shows. HAR holds whole exchanges and whole connections, so a connection with one matching call
 * is exported with all its frames.
 */
import { buildCallRows } from '../../../shared/timeline/call-rows.js';
import { isFilterActive, summariseFindingsByCall } from '../../../shared/timeline/timeline-filter.js';
import { foldAudioRuns } from '../../../shared/timeline/audio-runs.js';
import { filterTrafficRows } from '../../../shared/timeline/traffic-filter.js';
import type { TrafficState } from '../../../shared/store/traffic-state.js';
import type { AnalysisState } from '../../../shared/analysis/analyzer.js';
import { useTimelineStore } from './timeline-store.js';

export interface ExportScope {
  exchanges: Set<string>;
  connections: Set<string>;
}

/** Whether the view hides anything, so that "only what the filter shows" differs from everything. */
export function viewIsFiltered(): boolean {
  const { filter, hideAudio, clearedAfterSeq } = useTimelineStore.getState();
  return isFilterActive(filter) || hideAudio || clearedAfterSeq > 0;
}

export function shownScope(traffic: TrafficState, analysis: AnalysisState, clearedAfterSeq: number): ExportScope {
  const { view, filter, hideAudio, expandedRuns } = useTimelineStore.getState();
  const scope: ExportScope = { exchanges: new Set(), connections: new Set() };
  if (view === 'calls') {
    const { matched } = buildCallRows({
      callOrder: analysis.callOrder,
      calls: analysis.calls,
      findingsByCall: summariseFindingsByCall(analysis.findings),
      filter,
      grouped: false,
      foldedGroups: new Set(),
      clearedAfterSeq,
    });
    for (const call of matched) (call.source.kind === 'exchange' ? scope.exchanges : scope.connections).add(call.source.id);
    return scope;
  }
  const rows = foldAudioRuns(null, traffic, analysis.frameTypes).rows;
  for (const row of filterTrafficRows({ rows, traffic, analysis, filter, hideAudio, expandedRuns, clearedAfterSeq }).rows) {
    if (row.kind === 'exchange') scope.exchanges.add(row.id);
    else if (row.kind === 'sse') scope.exchanges.add(row.exchangeId);
    else if (row.kind === 'connection') scope.connections.add(row.id);
    else if (row.kind === 'frame' || row.kind === 'audio-run') scope.connections.add(row.connectionId);
  }
  return scope;
}
