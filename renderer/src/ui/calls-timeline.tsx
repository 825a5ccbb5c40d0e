/**
 * The calls timeline, the default view: one row per function call in the order they started, live. Each
 * row says when, which protocol, which function with what arguments, how it ended (icon and word, not colour
 * alone), how long it took as a number and as a bar on one time axis (so a slow tool stands out), and its
 * worst finding. Calls can be grouped under the connection or route that carried them, and groups fold.
 */
import { STATUS_ICON } from './call-status-icon.js';
import { useViewStore } from '../state/view-store.js';
import { memo, useCallback, useMemo } from 'react';
import type { FunctionCall } from '../../../shared/analysis/model.js';
import { summariseArgs } from '../../../shared/timeline/args-summary.js';
import type { CallListRow, CallGroupSource } from '../../../shared/timeline/call-rows.js';
import type { FindingSummary } from '../../../shared/timeline/timeline-filter.js';
import { barOf, waterfallSpan, type TimeSpan } from '../../../shared/timeline/waterfall.js';
import { callRowKey, closePane, openPane, useIsSelected, useSelectionStore } from '../state/selection-store.js';
import { useTimelineStore } from '../state/timeline-store.js';
import { currentAnalyzer } from '../state/traffic-store.js';
import { useAnalysis } from '../state/use-analysis.js';
import { useCallRows, useFindingsByCall } from '../state/use-call-rows.js';
import { useTraffic } from '../state/use-traffic.js';
import { severityIcon } from './detail/findings-list.js';
import { formatDuration, formatRelativeMs, listenAddress } from './format.js';
import { LiveList, rowDomId } from './live-list.js';
import { CallMarks, useCallMarks } from './breakpoints/pause-actions.js';
import { ReplayBadge } from './replay/replay-links.js';

const PROTOCOL_LABEL: Record<FunctionCall['protocol'], string> = {
  daily: 'Daily',
  vapi: 'Vapi',
  retell: 'Retell',
  millis: 'Millis',
  elevenlabs: 'ElevenLabs',
  'openai-realtime': 'Realtime',
  navtalk: 'NavTalk',
  rtvi: 'RTVI',
};

function groupRowKey(groupKey: string): string {
  return `group-${groupKey}`;
}

function listKey(row: CallListRow): string {
  return row.kind === 'call' ? callRowKey(row.callKey) : groupRowKey(row.groupKey);
}

export function CallsTimeline() {
  const { rows, matched } = useCallRows();
  const sessionLabel = useViewStore((s) => s.session?.label ?? null);
  const findingsByCall = useFindingsByCall();
  const firstT = useTraffic((t) => t.firstT);
  const now = useTraffic((t) => t.lastT) ?? 0;
  const span = useMemo(() => waterfallSpan(matched, now), [matched, now]);
  const selectedKey = useSelectionStore((s) => s.selectedKey);

  const keyAt = useCallback((index: number) => listKey(rows[index]!), [rows]);
  const onCursor = useCallback(
    (index: number) => {
      const row = rows[index]!;
      const selection = useSelectionStore.getState();
      if (row.kind === 'call') selection.select({ kind: 'call', callKey: row.callKey }, selection.paneOpen);
      else selectGroup(row.groupKey);
    },
    [rows],
  );
  // Enter on a group folds or unfolds it; on a call it opens the details.
  const onOpen = useCallback(() => {
    const key = useSelectionStore.getState().selectedKey;
    const group = rows.find((row) => row.kind === 'group' && groupRowKey(row.groupKey) === key);
    if (group?.kind === 'group') useTimelineStore.getState().toggleGroup(group.groupKey);
    else openPane();
  }, [rows]);
  const onFold = useCallback(
    (index: number, open: boolean) => {
      const row = rows[index];
      if (row?.kind === 'group' && row.folded === open) useTimelineStore.getState().toggleGroup(row.groupKey);
    },
    [rows],
  );

  return (
    <LiveList
      key={sessionLabel ?? 'live'}
      follow={sessionLabel === null}
      label="Function calls"
      className="calls-list"
      count={rows.length}
      keyAt={keyAt}
      selectedKey={selectedKey}
      onCursor={onCursor}
      onOpen={onOpen}
      onClose={closePane}
      onFold={onFold}
      columns={
        <>
          <span className="num">Time (ms)</span>
          <span>Protocol</span>
          <span>Function</span>
          <span>Arguments</span>
          <span>Status</span>
          <span className="num">Latency</span>
          <span className="waterfall-head">Waterfall</span>
          <span>Findings</span>
        </>
      }
      renderRow={(index, top) => {
        const row = rows[index]!;
        return row.kind === 'call' ? (
          <CallRow key={row.callKey} callKey={row.callKey} top={top} firstT={firstT} span={span} now={now} findings={findingsByCall.get(row.callKey)} />
        ) : (
          <GroupRow key={row.groupKey} row={row} top={top} />
        );
      }}
    />
  );
}

/** A group is not a call: the cursor rests on it and the details of the call it left close. */
function selectGroup(groupKey: string): void {
  useSelectionStore.setState({ selection: null, selectedKey: groupRowKey(groupKey), paneOpen: false });
}


interface CallRowProps {
  callKey: string;
  top: number;
  firstT: number | null;
  span: TimeSpan | null;
  now: number;
  findings: FindingSummary | undefined;
}

const CallRow = memo(function CallRow({ callKey, top, firstT, span, now, findings }: CallRowProps) {
  const call = useAnalysis((a) => a.calls.get(callKey));
  const budget = currentAnalyzer().latencyBudgetMs;
  const key = callRowKey(callKey);
  const selected = useIsSelected(key);
  const marks = useCallMarks(call);
  if (!call) return null;
  const latency = call.latencyMs === null ? '' : formatDuration(call.latencyMs);
  const bar = span ? barOf(call, span, now) : null;
  const slow = call.latencyMs !== null && call.latencyMs > budget;
  const name = call.name || '(unnamed)';
  const findingsText = findings ? `, ${findings.count} finding${findings.count === 1 ? '' : 's'}` : '';
  return (
    <div
      id={rowDomId(key)}
      role="option"
      aria-selected={selected}
      aria-label={`Call ${name} ${call.status}${latency ? ` ${latency}` : ''}${findingsText}${marks.held ? ', paused at a breakpoint' : ''}${marks.injected ? ', result injected' : ''}${call.replayOf !== undefined ? `, ${call.edited ? 'edited resend' : 'replay'} of ${call.replayOf}` : ''}`}
      className={`list-row call-row status-row-${call.status}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => useSelectionStore.getState().select({ kind: 'call', callKey })}
    >
      <span className="cell-time num">{formatRelativeMs(call.startT, firstT)}</span>
      <span className={`protocol protocol-${call.protocol}`}>{PROTOCOL_LABEL[call.protocol]}</span>
      <span className="call-name mono" title={call.callId ? `call id ${call.callId}` : undefined}>
        {name}
      </span>
      <span className="call-args mono">
        <ReplayBadge call={call}>{summariseArgs(call.args, call.argsRaw)}</ReplayBadge>
      </span>
      <span
        className={`call-status status-${call.status}`}
        title={call.mockedBy ? `Answered by mock rule ${call.mockedBy.ruleName || call.mockedBy.ruleId}` : undefined}
      >
        <CallMarks {...marks}>
          <span aria-hidden="true">{STATUS_ICON[call.status]}</span> {call.status}
        </CallMarks>
      </span>
      <span className={`call-latency num${slow ? ' slow' : ''}`}>{latency || (call.status === 'pending' ? '…' : '')}</span>
      <span className="waterfall" aria-hidden="true">
        {bar && (
          <span
            className={`waterfall-bar bar-${call.status}${slow ? ' slow' : ''}`}
            style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
          />
        )}
      </span>
      <span className={`call-findings${findings ? ` finding-${findings.worst}` : ''}`}>
        {findings ? `${severityIcon(findings.worst)} ${findings.count}` : ''}
      </span>
    </div>
  );
});

const GroupRow = memo(function GroupRow({ row, top }: { row: Extract<CallListRow, { kind: 'group' }>; top: number }) {
  const key = groupRowKey(row.groupKey);
  const selected = useIsSelected(key);
  const label = useGroupLabel(row.source);
  const toggle = () => useTimelineStore.getState().toggleGroup(row.groupKey);
  return (
    <div
      id={rowDomId(key)}
      role="option"
      aria-selected={selected}
      aria-expanded={!row.folded}
      aria-label={`${label}, ${row.calls} call${row.calls === 1 ? '' : 's'}${row.problems ? `, ${row.problems} with problems` : ''}`}
      className={`list-row group-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => {
        selectGroup(row.groupKey);
        toggle();
      }}
    >
      <span className="fold-icon" aria-hidden="true">
        {row.folded ? '▸' : '▾'}
      </span>
      <span className="group-label mono">{label}</span>
      <span className="group-count muted">
        {row.calls} call{row.calls === 1 ? '' : 's'}
        {row.problems > 0 && <span className="finding-error"> · {row.problems} with problems</span>}
      </span>
    </div>
  );
});

function useGroupLabel(source: CallGroupSource): string {
  const connectionUrl = useTraffic((t) => (source.kind === 'connection' ? t.connections.get(source.id)?.open?.url : undefined));
  const route = useTraffic((t) => (source.kind === 'route' && source.id !== null ? t.routes.get(source.id) : undefined));
  if (source.kind === 'connection') return `WebSocket ${connectionUrl ?? source.id}`;
  return route ? `Webhooks via ${listenAddress(route.listen)} → ${route.upstream}` : 'Webhooks';
}
