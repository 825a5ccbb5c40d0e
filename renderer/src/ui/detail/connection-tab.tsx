/**
 * The Connection tab: a WebSocket connection's overview (URL, route, protocol, open and close, byte counts),
 * its handshake headers, and the function calls it carried; clicking a call selects it.
 */
import { memo, useMemo } from 'react';
import type { ConnectionView } from '../../../../shared/store/traffic-state.js';
import { callsOfConnection } from '../../state/detail-subject.js';
import { useDetailTabStore } from '../../state/detail-tab-store.js';
import { callRowKey, useSelectionStore } from '../../state/selection-store.js';
import { useAnalysis } from '../../state/use-analysis.js';
import { useTraffic } from '../../state/use-traffic.js';
import { closeCodeName, formatBytes, formatClock, formatDuration, listenAddress } from '../format.js';
import { KvList } from '../kv-list.js';
import { ProblemBox } from '../problem-box.js';
import { CallStatusBadge } from './call-tab.js';
import { DetailSection } from './detail-section.js';
import { HeadersTable } from './headers-table.js';
import { SendFrameButton } from '../inject/inject-actions.js';

export function connectionUrl(connection: ConnectionView): string {
  return connection.open?.url ?? connection.failed?.url ?? '';
}

export function connectionTone(connection: ConnectionView): 'ok' | 'warn' | 'bad' | 'pending' {
  if (connection.state === 'open') return 'pending';
  if (connection.state === 'failed') return 'bad';
  const code = connection.close?.code;
  return code !== undefined && code !== 1000 && code !== 1005 ? 'warn' : 'ok';
}

export const ConnectionTab = memo(function ConnectionTab({ connectionId }: { connectionId: string }) {
  const connection = useTraffic((s) => s.connections.get(connectionId));
  const route = useTraffic((s) => (connection ? s.routes.get(connection.routeId) : undefined));
  const analysed = useAnalysis((a) => a.connections.get(connectionId));
  const calls = useAnalysis((a) => a.calls);
  const callOrder = useAnalysis((a) => a.callOrder);
  const own = useMemo(() => callsOfConnection({ calls, callOrder }, connectionId), [calls, callOrder, connectionId]);
  const select = useSelectionStore((s) => s.select);
  if (!connection) return <p className="dp-empty">This connection is not in the current view.</p>;

  const { open, failed, close } = connection;
  const headers = open?.headers ?? failed?.headers ?? [];
  return (
    <div className="dp-connection">
      <p className="dp-request-line mono">
        <span className="method">WebSocket</span> {connectionUrl(connection)}{' '}
        <span className={`tone-${connectionTone(connection)}`}>{connection.state}</span>
      </p>
      {open && <SendFrameButton connectionId={connectionId} />}
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
      <KvList
        entries={[
          ['URL', <span className="mono">{connectionUrl(connection)}</span>],
          ['Upstream URL', <span className="mono">{open?.upstreamUrl ?? failed?.upstreamUrl}</span>],
          ['Route', route ? <span className="mono">{`${listenAddress(route.listen)} → ${route.upstream}`}</span> : connection.routeId],
          open ? ['Client', <span className="mono">{open.remoteAddress}</span>] : null,
          ['Protocol', analysed?.protocol ? <span className="mono">{analysed.protocol}</span> : 'not recognised'],
          open ? ['Subprotocol', open.protocol ? <span className="mono">{open.protocol}</span> : '(none)'] : null,
          open && open.requestedProtocols.length > 0 ? ['Requested', <span className="mono">{open.requestedProtocols.join(', ')}</span>] : null,
          ['Opened', `${formatClock(connection.startT)} · event #${(open ?? failed)?.seq ?? '?'}`],
          close
            ? [
                'Closed',
                `${formatClock(close.t)} by the ${close.by} with ${close.code} (${closeCodeName(close.code)})${close.reason ? `: “${close.reason}”` : ''}, after ${formatDuration(close.t - connection.startT)}`,
              ]
            : connection.state === 'open'
              ? ['Closed', 'still open']
              : null,
          ['Frames', connection.frames.length.toLocaleString()],
          ['To upstream', formatBytes(connection.bytes.toUpstream)],
          ['To client', formatBytes(connection.bytes.toClient)],
          analysed && analysed.audioFrames > 0 ? ['Audio', `${analysed.audioFrames.toLocaleString()} frames · ${formatBytes(analysed.audioBytes)}`] : null,
        ]}
      />
      <DetailSection title={`Calls (${own.length})`}>
        {own.length === 0 ? (
          <p className="muted">No function calls on this connection{connection.state === 'open' ? ' yet' : ''}.</p>
        ) : (
          <ul className="dp-calls" role="list" aria-label="Calls on this connection">
            {own.map((call) => (
              <li key={call.key}>
                <button
                  type="button"
                  className="dp-call-row"
                  aria-label={`Call ${call.name || 'unnamed'} ${call.status}`}
                  onClick={() => {
                    // The user asked for this call: show it, whatever tab was remembered.
                    useDetailTabStore.getState().open('call', callRowKey(call.key));
                    select({ kind: 'call', callKey: call.key });
                  }}
                >
                  <span className="num muted">+{(call.startT - connection.startT).toFixed(1)}</span>
                  <span className="mono dp-call-name">{call.name || '(unnamed)'}</span>
                  <span className="mono muted">{call.callId ?? ''}</span>
                  <CallStatusBadge status={call.status} />
                  <span className="num">{call.latencyMs !== null ? formatDuration(call.latencyMs) : ''}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </DetailSection>
      <DetailSection title={`Handshake headers (${headers.length})`}>
        <HeadersTable headers={headers} label="Handshake headers" />
      </DetailSection>
    </div>
  );
});
