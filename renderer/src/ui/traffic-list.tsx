/**
 * The traffic view: every HTTP exchange, SSE event and WebSocket frame, in order, with runs of audio frames
 * folded into one row each (→ unfolds, ← folds).
 */
import { useViewStore } from '../state/view-store.js';
import { useCallback } from 'react';
import { runKey } from '../../../shared/timeline/traffic-filter.js';
import type { TrafficListRow } from '../../../shared/timeline/audio-runs.js';
import { rowKey } from '../state/row-key.js';
import { audioRunKey, closePane, openPane, useSelectionStore, type Selection } from '../state/selection-store.js';
import { useTimelineStore } from '../state/timeline-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { useTrafficRows } from '../state/use-traffic-rows.js';
import { LiveList } from './live-list.js';
import { AudioRunRowView, TrafficRowView } from './traffic-row.js';

function listKey(row: TrafficListRow): string {
  return row.kind === 'audio-run' ? audioRunKey(row.connectionId, row.first) : rowKey(row);
}

function selectionOf(row: TrafficListRow): Selection {
  return row.kind === 'audio-run' ? { kind: 'audio', connectionId: row.connectionId, first: row.first, last: row.last } : { kind: 'row', row };
}

export function TrafficList() {
  const { rows } = useTrafficRows();
  const sessionLabel = useViewStore((s) => s.session?.label ?? null);
  const firstT = useTraffic((s) => s.firstT);
  const selectedKey = useSelectionStore((s) => s.selectedKey);
  const expandedRuns = useTimelineStore((s) => s.expandedRuns);

  const keyAt = useCallback((index: number) => listKey(rows[index]!), [rows]);
  const onCursor = useCallback(
    (index: number) => {
      const selection = useSelectionStore.getState();
      selection.select(selectionOf(rows[index]!), selection.paneOpen);
    },
    [rows],
  );
  const onFold = useCallback(
    (index: number, open: boolean) => {
      const row = rows[index];
      if (row?.kind !== 'audio-run') return;
      const key = runKey(row);
      if (useTimelineStore.getState().expandedRuns.has(key) !== open) useTimelineStore.getState().toggleRun(key);
    },
    [rows],
  );

  return (
    <LiveList
      key={sessionLabel ?? 'live'}
      follow={sessionLabel === null}
      label="Traffic"
      className="traffic-list"
      count={rows.length}
      keyAt={keyAt}
      selectedKey={selectedKey}
      onCursor={onCursor}
      onOpen={openPane}
      onClose={closePane}
      onFold={onFold}
      columns={
        <>
          <span className="num">Time (ms)</span>
          <span>Kind</span>
          <span />
          <span>Name</span>
          <span>Status</span>
          <span className="num">Size</span>
          <span className="num">Duration</span>
        </>
      }
      renderRow={(index, top) => {
        const row = rows[index]!;
        if (row.kind === 'audio-run') {
          const key = runKey(row);
          return <AudioRunRowView key={key} run={row} top={top} firstT={firstT} expanded={expandedRuns.has(key)} />;
        }
        const key = rowKey(row);
        return <TrafficRowView key={key} row={row} rowKey={key} top={top} firstT={firstT} />;
      }}
    />
  );
}
