/** One WebSocket connection: its handshake, its frames, and how it ended. */
import { useState } from 'react';
import type { ConnectionView } from '../../../shared/store/traffic-state.js';
import { useTraffic } from '../state/use-traffic.js';
import { useAnalysis } from '../state/use-analysis.js';
import { FindingsList } from './findings-list.js';
import { DetailSection } from './detail-section.js';
import { directionArrow, directionWords } from './direction.js';
import { FrameData } from './frame-data.js';
import { FramesTable } from './frames-table.js';
import { closeCodeName, formatBytes, formatClock, formatDuration, listenAddress } from './format.js';
import { HeadersTable } from './headers-table.js';
import { KvList } from './kv-list.js';
import { ProblemBox } from './problem-box.js';

export function connectionUrl(connection: ConnectionView): string {
  return connection.open?.url ?? connection.failed?.url ?? '';
}

export function ConnectionDetail({ id }: { id: string }) {
  const connection = useTraffic((s) => s.connections.get(id));
  const route = useTraffic((s) => (connection ? s.routes.get(connection.routeId) : undefined));
  const [selectedFrame, setSelectedFrame] = useState<number | null>(null);
  const findings = useAnalysis((a) => a.connections.get(id)?.findings);
  if (!connection) return <p className="muted">This connection is not in the current view.</p>;

  const { open, failed, close } = connection;
  const headers = open?.headers ?? failed?.headers ?? [];
  const frame = selectedFrame !== null ? connection.frames[selectedFrame] : undefined;
  return (
    <article className="detail" aria-label={`WebSocket ${connectionUrl(connection)}`}>
      <h2 className="detail-title">
        <span className="method">WebSocket</span> <span className="mono">{connectionUrl(connection)}</span>{' '}
        <span className={`badge tone-${connection.state === 'open' ? 'pending' : connection.state === 'failed' ? 'bad' : close && close.code !== 1000 && close.code !== 1005 ? 'warn' : 'ok'}`}>
          {connection.state}
        </span>
      </h2>
      {failed && (
        <ProblemBox title="The upstream refused the WebSocket upgrade">
          <p>
            {failed.status !== null ? `It answered with HTTP ${failed.status}. ` : ''}
            {failed.message}
          </p>
        </ProblemBox>
      )}
      {connection.errors.map((error) => (
        <ProblemBox key={error.seq} title={`WebSocket error on the ${error.side} side`}>
          <p>{error.message}</p>
        </ProblemBox>
      ))}
      <FindingsList findings={findings} />
      <KvList
        entries={[
          ['Upstream URL', <span className="mono">{open?.upstreamUrl ?? failed?.upstreamUrl}</span>],
          ['Route', route ? `${listenAddress(route.listen)} → ${route.upstream}` : connection.routeId],
          open ? ['Client', open.remoteAddress] : null,
          open ? ['Protocol', open.protocol || '(none)'] : null,
          open && open.requestedProtocols.length > 0 ? ['Requested protocols', open.requestedProtocols.join(', ')] : null,
          ['Opened', formatClock(connection.startT)],
          ['Frames', `${connection.frames.length.toLocaleString()} · ${formatBytes(connection.bytes.toUpstream)} to upstream · ${formatBytes(connection.bytes.toClient)} to client`],
          close
            ? [
                'Closed',
                `by the ${close.by} with ${close.code} (${closeCodeName(close.code)})${close.reason ? `: “${close.reason}”` : ''}, after ${formatDuration(close.t - connection.startT)}`,
              ]
            : connection.state === 'open'
              ? ['Closed', 'still open']
              : null,
        ]}
      />
      <DetailSection title={`Handshake headers (${headers.length})`}>
        <HeadersTable headers={headers} label="Handshake headers" />
      </DetailSection>
      <DetailSection title={`Frames (${connection.frames.length.toLocaleString()})`}>
        {connection.frames.length === 0 ? (
          <p className="muted">No frames yet.</p>
        ) : (
          <>
            <FramesTable frames={connection.frames} openT={connection.startT} selected={selectedFrame} onSelect={setSelectedFrame} />
            {frame ? (
              <div className="sub-detail">
                <h4>
                  Frame #{selectedFrame} {directionArrow(frame.direction)} {directionWords(frame.direction)}
                </h4>
                <FrameData key={frame.seq} frame={frame} />
              </div>
            ) : (
              <p className="muted hint">Click a frame to see its data.</p>
            )}
          </>
        )}
      </DetailSection>
    </article>
  );
}
