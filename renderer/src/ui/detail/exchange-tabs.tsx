/** The Request and Response tabs of an HTTP exchange: heads, headers and bodies (pretty and raw). */
import { memo } from 'react';
import { headerValue } from '../body-text.js';
import { exchangeStatusTone } from '../exchange-status.js';
import { formatClock, formatDuration, listenAddress } from '../format.js';
import { KvList } from '../kv-list.js';
import { useTraffic } from '../../state/use-traffic.js';
import { BodyView } from './body-view.js';
import { CopyAsMenu } from './copy-as-menu.js';
import { DetailSection } from './detail-section.js';
import { ExchangeProblem } from './exchange-problem.js';
import { HeadersTable } from './headers-table.js';
import { ReplayButtons } from '../replay/replay-links.js';

export const RequestTab = memo(function RequestTab({ exchangeId }: { exchangeId: string }) {
  const exchange = useTraffic((s) => s.exchanges.get(exchangeId));
  const route = useTraffic((s) => (exchange ? s.routes.get(exchange.routeId) : undefined));
  if (!exchange) return <p className="dp-empty">This exchange is not in the current view.</p>;
  const { request } = exchange;
  return (
    <div className="dp-exchange">
      <CopyAsMenu exchange={exchange} listen={route?.listen} />
      <div className="dp-exchange-actions">
        <ReplayButtons exchangeId={exchange.id} />
      </div>
      <p className="dp-request-line mono">
        <span className="method">{request.method}</span> {request.url} <span className="muted">HTTP/{request.httpVersion}</span>
      </p>
      <KvList
        entries={[
          ['Upstream URL', <span className="mono">{request.upstreamUrl}</span>],
          ['Route', route ? <span className="mono">{`${listenAddress(route.listen)} → ${route.upstream}`}</span> : exchange.routeId],
          ['Client', request.remoteAddress ? <span className="mono">{request.remoteAddress}</span> : null],
          ['Sent', `${formatClock(exchange.startT)} · event #${request.seq}`],
        ]}
      />
      <DetailSection title={`Request headers (${request.headers.length})`}>
        <HeadersTable headers={request.headers} label="Request headers" />
      </DetailSection>
      <DetailSection title="Request body">
        <BodyView
          body={exchange.requestBody}
          contentType={headerValue(request.headers, 'content-type')}
          missing={exchange.state === 'pending' ? 'Not captured yet.' : 'No request body was captured.'}
          label="Request body"
        />
      </DetailSection>
    </div>
  );
});

export const ResponseTab = memo(function ResponseTab({ exchangeId }: { exchangeId: string }) {
  const exchange = useTraffic((s) => s.exchanges.get(exchangeId));
  if (!exchange) return <p className="dp-empty">This exchange is not in the current view.</p>;
  const { response } = exchange;
  const streamed = exchange.sse.length > 0;
  return (
    <div className="dp-exchange">
      <ExchangeProblem exchange={exchange} />
      {response ? (
        <p className="dp-request-line mono">
          <span className={`tone-${exchangeStatusTone(exchange)}`}>
            {response.status} {response.statusMessage}
          </span>
          {exchange.state === 'streaming' && <span className="muted"> streaming…</span>}
          {response.synthetic && <span className="badge tone-warn">answered by Toolscope, not the upstream</span>}
        </p>
      ) : (
        <p className="dp-note">{exchange.error || exchange.aborted ? 'No response from the upstream.' : 'Waiting for the upstream…'}</p>
      )}
      <KvList
        entries={[
          ['Response head', exchange.responseT !== null ? `after ${formatDuration(exchange.responseT - exchange.startT)}` : 'not yet'],
          [
            'Finished',
            exchange.endT !== null
              ? `after ${formatDuration(exchange.endT - exchange.startT)}`
              : exchange.state === 'streaming'
                ? 'still streaming'
                : 'not yet',
          ],
          streamed ? ['SSE events', `${exchange.sse.length.toLocaleString()} (see the SSE events tab)`] : null,
        ]}
      />
      {response && (
        <DetailSection title={`Response headers (${response.headers.length})`}>
          <HeadersTable headers={response.headers} label="Response headers" />
        </DetailSection>
      )}
      <DetailSection title={streamed ? 'Response body (the raw stream)' : 'Response body'}>
        <BodyView
          body={exchange.responseBody}
          contentType={response ? headerValue(response.headers, 'content-type') : undefined}
          missing={
            exchange.state === 'streaming'
              ? 'Captured when the response ends.'
              : exchange.state === 'pending'
                ? 'Not captured yet.'
                : 'No response body was captured.'
          }
          label="Response body"
        />
      </DetailSection>
    </div>
  );
});
