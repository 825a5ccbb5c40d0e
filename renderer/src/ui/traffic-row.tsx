/**
 * One row of the traffic list. Each kind subscribes to its own entity only (an exchange, a frame…), and the
 * row is memoized on its props, so a new event re-renders the rows it changed and no others.
 */
import { memo, type ReactNode } from 'react';
import type { TrafficRow } from '../../../shared/store/traffic-state.js';
import type { AudioRunRow } from '../../../shared/timeline/audio-runs.js';
import { audioRunKey, selectRow, useIsSelected, useSelectionStore } from '../state/selection-store.js';
import { useTimelineStore } from '../state/timeline-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { useAnalysis } from '../state/use-analysis.js';
import { connectionUrl } from './detail/connection-tab.js';
import { directionArrow, directionWords } from './direction.js';
import { FrameOriginBadge } from './inject/inject-actions.js';
import { FrameFateBadge, frameFate } from './breakpoints/frame-fate.js';
import { exchangeStatusText, exchangeStatusTone } from './exchange-status.js';
import { formatBytes, formatDuration, formatRelativeMs, listenAddress, messageType, preview } from './format.js';

import { rowDomId } from './live-list.js';

interface RowProps {
  row: TrafficRow;
  rowKey: string;
  top: number;
  /** Time of the view's first event; passed down because it changes only on a reset. */
  firstT: number | null;
}

export const TrafficRowView = memo(function TrafficRowView(props: RowProps) {
  const { row } = props;
  switch (row.kind) {
    case 'exchange':
      return <ExchangeRow {...props} row={row} />;
    case 'sse':
      return <SseRow {...props} row={row} />;
    case 'connection':
      return <ConnectionRow {...props} row={row} />;
    case 'frame':
      return <FrameRow {...props} row={row} />;
    case 'route':
      return <RouteRow {...props} row={row} />;
    case 'error':
      return <ErrorRow {...props} row={row} />;
  }
});

interface ShellProps extends RowProps {
  label: string;
  t: number | null;
  kind: string;
  className?: string;
  dir?: ReactNode;
  name: ReactNode;
  status?: ReactNode;
  size?: string;
  duration?: string;
}

// Rows mount and unmount on every scroll step, so each keeps its store subscriptions to the minimum.
function RowShell(props: ShellProps) {
  const selected = useIsSelected(props.rowKey);
  return (
    <div
      id={rowDomId(props.rowKey)}
      role="option"
      aria-selected={selected}
      aria-label={props.label}
      className={`list-row traffic-row kind-${props.row.kind}${selected ? ' selected' : ''}${props.className ? ` ${props.className}` : ''}`}
      style={{ transform: `translateY(${props.top}px)` }}
      onClick={() => selectRow(props.row)}
    >
      <span className="cell-time num">{props.t !== null ? formatRelativeMs(props.t, props.firstT) : ''}</span>
      <span className={`cell-kind kind-label-${props.row.kind}`}>{props.kind}</span>
      <span className="cell-dir">{props.dir}</span>
      <span className="cell-name">{props.name}</span>
      <span className="cell-status">{props.status}</span>
      <span className="cell-size num">{props.size}</span>
      <span className="cell-duration num">{props.duration}</span>
    </div>
  );
}

function ExchangeRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'exchange' }> }) {
  const { row } = props;
  const exchange = useTraffic((s) => s.exchanges.get(row.id));
  if (!exchange) return <RowShell {...props} label="Exchange (missing)" t={null} kind="HTTP" name="?" />;
  const { method, url } = exchange.request;
  const status = exchangeStatusText(exchange);
  const sse = exchange.sse.length;
  return (
    <RowShell
      {...props}
      label={`${method} ${url} ${status}`}
      t={exchange.startT}
      kind="HTTP"
      name={
        <>
          <span className="method">{method}</span> <span className="path">{url}</span>
          {sse > 0 && <span className="tag">SSE ×{sse}</span>}
        </>
      }
      status={<span className={`status tone-${exchangeStatusTone(exchange)}`}>{status}</span>}
      size={exchange.responseBody ? formatBytes(exchange.responseBody.size) : ''}
      duration={exchange.endT !== null ? formatDuration(exchange.endT - exchange.startT) : exchange.state === 'streaming' ? '…' : ''}
    />
  );
}

function SseRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'sse' }> }) {
  const { row } = props;
  const event = useTraffic((s) => s.exchanges.get(row.exchangeId)?.sse[row.index]);
  if (!event) return <RowShell {...props} label="SSE event (missing)" t={null} kind="SSE" name="?" />;
  const type = event.type ?? (event.comments?.length ? 'comment' : '(none)');
  const data = preview(event.data ?? event.raw, 200);
  return (
    <RowShell
      {...props}
      label={`SSE ${type} ${preview(data, 80)}`}
      t={event.t}
      kind="SSE"
      className={event.dispatched ? 'child' : 'child dim'}
      name={
        <>
          <span className="event-type">{type}</span> <span className="preview">{data}</span>
        </>
      }
      status={event.dispatched ? '' : <span className="status tone-warn">not dispatched</span>}
      size={formatBytes(event.byteLength)}
    />
  );
}

function ConnectionRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'connection' }> }) {
  const { row } = props;
  const connection = useTraffic((s) => s.connections.get(row.id));
  if (!connection) return <RowShell {...props} label="WebSocket (missing)" t={null} kind="WS" name="?" />;
  const url = connectionUrl(connection);
  const { close, failed } = connection;
  const status = failed ? `failed${failed.status !== null ? ` ${failed.status}` : ''}` : close ? `closed ${close.code}` : 'open';
  const tone = failed ? 'bad' : close ? (close.code === 1000 || close.code === 1005 ? 'ok' : 'warn') : 'pending';
  return (
    <RowShell
      {...props}
      label={`WebSocket ${url} ${status}`}
      t={connection.startT}
      kind="WS"
      name={
        <>
          <span className="path">{url}</span>
          {connection.frames.length > 0 && <span className="tag">{connection.frames.length.toLocaleString()} frames</span>}
        </>
      }
      status={<span className={`status tone-${tone}`}>{status}</span>}
      size={formatBytes(connection.bytes.toUpstream + connection.bytes.toClient)}
      duration={close ? formatDuration(close.t - connection.startT) : failed ? '' : '…'}
    />
  );
}

/** The badge in a row's accessible name: "dropped at a breakpoint", "edited at a breakpoint", "dropped by a mock". */
function fateLabel(badge: string): string {
  return badge === 'dropped by mock' ? 'dropped by a mock' : `${badge} at a breakpoint`;
}

function FrameRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'frame' }> }) {
  const { row } = props;
  const frame = useTraffic((s) => s.connections.get(row.connectionId)?.frames[row.index]);
  const pauses = useTraffic((s) => s.connections.get(row.connectionId)?.pauses);
  // The same rule as the folding, so a dimmed row is exactly one that a run would hold.
  const markedAudio = useAnalysis((a) => a.frameTypes.get(row.seq)?.audio === true);
  if (!frame) return <RowShell {...props} label="Frame (missing)" t={null} kind="frame" name="?" />;
  const text = frame.encoding === 'utf8';
  const type = text ? messageType(frame.data) : null;
  const fate = frameFate(frame, pauses);
  const data = text ? preview(frame.data, 200) : `binary ${preview(frame.data, 60)}`;
  return (
    <RowShell
      {...props}
      label={`Frame ${directionWords(frame.direction)} ${type ?? preview(data, 80)}${frame.origin === 'inject' ? ', injected' : ''}${fate ? `, ${fateLabel(fate.badge)}` : ''}`}
      t={frame.t}
      kind="frame"
      className={markedAudio || frame.opcode === 'binary' ? 'child dim' : 'child'}
      dir={
        <span className={`dir dir-${frame.direction}`} title={directionWords(frame.direction)}>
          {directionArrow(frame.direction)}
        </span>
      }
      name={
        <>
          {type && <span className="event-type">{type}</span>}{' '}
          <FrameFateBadge frame={frame} pauses={pauses} />
          <FrameOriginBadge frame={frame} />{' '}
          <span className="preview">{data}</span>
        </>
      }
      status={frame.opcode}
      size={formatBytes(frame.size)}
    />
  );
}

function RouteRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'route' }> }) {
  const { row } = props;
  const e = row.event;
  // route.down carries only the id; the route's addresses come from the route it stopped.
  const route = useTraffic((s) => (e.kind === 'route.down' ? s.routes.get(e.routeId) : undefined));
  const state = e.kind === 'route.up' ? 'up' : e.kind === 'route.down' ? 'down' : 'error';
  const text =
    e.kind === 'route.down'
      ? route
        ? `${listenAddress(route.listen)} → ${route.upstream} stopped`
        : `route ${e.routeId} stopped`
      : `${listenAddress(e.listen)} → ${e.upstream}${e.kind === 'route.error' ? `: ${e.message}` : ''}`;
  return (
    <RowShell
      {...props}
      label={`Route ${state} ${text}`}
      t={e.t}
      kind="route"
      className="meta-row"
      name={<span className="path">{text}</span>}
      status={<span className={`status tone-${state === 'up' ? 'ok' : state === 'down' ? 'pending' : 'bad'}`}>{state}</span>}
    />
  );
}

function ErrorRow(props: RowProps & { row: Extract<TrafficRow, { kind: 'error' }> }) {
  const { row } = props;
  const e = row.event;
  return (
    <RowShell
      {...props}
      label={`Error ${e.context}: ${preview(e.message, 120)}`}
      t={e.t}
      kind="error"
      className="error-row"
      name={
        <>
          <span className="event-type">{e.context}</span> <span className="preview">{preview(e.message, 200)}</span>
        </>
      }
      status={<span className="status tone-bad">error</span>}
    />
  );
}

/** A folded run of audio frames: one line for what may be thousands of frames; unfolds on demand. */
export const AudioRunRowView = memo(function AudioRunRowView(props: { run: AudioRunRow; top: number; firstT: number | null; expanded: boolean }) {
  const { run } = props;
  const key = audioRunKey(run.connectionId, run.first);
  const selected = useIsSelected(key);
  const duration = formatDuration(run.endT - run.startT);
  const summary = `${run.count.toLocaleString()} audio frame${run.count === 1 ? '' : 's'}, ${formatBytes(run.bytes)}, ${duration}`;
  const toggle = (event: { stopPropagation(): void }) => {
    event.stopPropagation();
    useTimelineStore.getState().toggleRun(key);
  };
  return (
    <div
      id={rowDomId(key)}
      role="option"
      aria-selected={selected}
      aria-expanded={props.expanded}
      aria-label={summary}
      className={`list-row traffic-row kind-audio child dim${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${props.top}px)` }}
      onClick={() => useSelectionStore.getState().select({ kind: 'audio', connectionId: run.connectionId, first: run.first, last: run.last })}
    >
      <span className="cell-time num">{formatRelativeMs(run.startT, props.firstT)}</span>
      <span className="cell-kind">audio</span>
      <span className="cell-dir">
        <button type="button" className="fold-button" aria-label={props.expanded ? 'Fold audio frames' : 'Unfold audio frames'} onClick={toggle}>
          {props.expanded ? '▾' : '▸'}
        </button>
      </span>
      <span className="cell-name">
        <span className="event-type">{summary}</span>{' '}
        <span className="preview">
          {run.toUpstream > 0 && `→ ${run.toUpstream.toLocaleString()} to upstream`}
          {run.toUpstream > 0 && run.toClient > 0 && ' · '}
          {run.toClient > 0 && `← ${run.toClient.toLocaleString()} to client`}
        </span>
      </span>
      <span className="cell-status" />
      <span className="cell-size num">{formatBytes(run.bytes)}</span>
      <span className="cell-duration num">{duration}</span>
    </div>
  );
});
