/**
 * "Show event": selects the traffic row of the event a finding points at, opens the tab that shows it, and
 * switches to the traffic view, whichever list the user was in.
 */
import { locateEvent } from '../../state/detail-subject.js';
import { useDetailTabStore } from '../../state/detail-tab-store.js';
import { selectionKey, useSelectionStore } from '../../state/selection-store.js';
import { useTimelineStore } from '../../state/timeline-store.js';
import { currentTraffic } from '../../state/use-traffic.js';
import { audioRunHolding } from '../../state/use-traffic-rows.js';

/** Whether the event is still in the view (a cleared or replaced view may have lost it). */
export function canShowEvent(seq: number): boolean {
  return locateEvent(currentTraffic(), seq) !== null;
}

/** Returns false when the event is not in the view. */
export function showEvent(seq: number): boolean {
  const target = locateEvent(currentTraffic(), seq);
  if (!target) return false;
  const selection = { kind: 'row', row: target.row } as const;
  useDetailTabStore.getState().open(target.tab, selectionKey(selection));
  // The row must be in the list: a filter, hidden audio or a folded run could leave nothing to select.
  const timeline = useTimelineStore.getState();
  timeline.resetFilter();
  timeline.setHideAudio(false);
  if (target.row.kind === 'frame') {
    const run = audioRunHolding(target.row.connectionId, target.row.index);
    if (run && !useTimelineStore.getState().expandedRuns.has(run)) timeline.toggleRun(run);
  }
  useSelectionStore.getState().select(selection);
  timeline.setView('traffic');
  return true;
}
