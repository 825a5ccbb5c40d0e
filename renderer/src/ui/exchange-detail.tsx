/** Everything about one HTTP exchange: request, response, SSE events, and what went wrong. */
import { useState } from 'react';
import { useTraffic } from '../state/use-traffic.js';
import { useAnalysis } from '../state/use-analysis.js';
import { FindingsList } from './findings-list.js';
import { headerValue } from './body-text.js';
import { BodyView } from './body-view.js';
import { DetailSection } from './detail-section.js';
import { ExchangeProblem } from './exchange-problem.js';
import { StatusBadge } from './exchange-status.js';
import { formatBytes, formatClock, formatDuration, listenAddress } from './format.js';
import { HeadersTable } from './headers-table.js';
import { KvList } from './kv-list.js';
import { SseEventBody } from './sse-event-body.js';
import { SseEventsTable } from './sse-events-table.js';

export function ExchangeDetail({ id }: { id: string }) {
  const exchange = useTraffic((s) => s.exchanges.get(id));
  const route = useTraffic((s) => (exchange ? s.routes.get(exchange.routeId) : undefined));
  const [selectedSse, setSelectedSse] = useState<number | null>(null);
  const analysed = useAnalysis((a) => a.exchanges.get(id));
  if (!exchange) return <p className="muted">This exchange is not in the current view.</p>;

  const { request, response } = exchange;
  const sseEvent = selectedSse !== null ? exchange.sse[selectedSse] : undefined;
  return (
    <article className="detail" aria-label={`Exchange ${request.method} ${request.url}`}>
      <h2 className="detail-title">
        <span className="method">{request.method}</span> <span className="mono">{request.url}</span> <StatusBadge exchange={exchange} />
      </h2>
      <ExchangeProblem exchange={exchange} />
      <FindingsList findings={analysed?.findings} />
      <KvList
        entries={[
          ['Upstream URL', <span className="mono">{request.upstreamUrl}</span>],
          ['Route', route ? `${listenAddress(route.listen)} → ${route.upstream}` : exchange.routeId],
          ['Client', request.remoteAddress],
          ['Started', `${formatClock(exchange.startT)} · HTTP/${request.httpVersion}`],
          ['Response head', exchange.responseT !== null ? `after ${formatDuration(exchange.responseT - exchange.startT)}` : 'not yet'],
          ['Finished', exchange.endT !== null ? `after ${formatDuration(exchange.endT - exchange.startT)}` : exchange.state === 'streaming' ? 'still streaming' : 'not yet'],
        ]}
      />
      <DetailSection title={`Request headers (${request.headers.length})`}>
        <HeadersTable headers={request.headers} label="Request headers" />
      </DetailSection>
      <DetailSection title="Request body">
        <BodyView
          key={`req-${id}`}
          body={exchange.requestBody}
          contentType={headerValue(request.headers, 'content-type')}
          missing={exchange.state === 'pending' ? 'Not captured yet.' : 'No request body was captured.'}
        />
      </DetailSection>
      <DetailSection title="Response">
        {response ? (
          <>
            <p className="status-line mono">
              {response.status} {response.statusMessage}
              {response.synthetic && <span className="badge tone-warn">answered by Toolscope, not the upstream</span>}
            </p>
            <HeadersTable headers={response.headers} label="Response headers" />
          </>
        ) : (
          <p className="muted">{exchange.error || exchange.aborted ? 'No response from the upstream.' : 'Waiting for the upstream…'}</p>
        )}
      </DetailSection>
      {(exchange.sse.length > 0 || exchange.sseEnd) && (
        <DetailSection
          title={`SSE events (${exchange.sse.length})`}
          aside={
            <span className="muted">
              {exchange.sseEnd
                ? `stream ${exchange.sseEnd.complete ? 'ended' : 'stopped'} after ${formatDuration(exchange.sseEnd.t - exchange.startT)}`
                : 'streaming…'}
            </span>
          }
        >
          <SseEventsTable events={exchange.sse} requestT={exchange.startT} selected={selectedSse} onSelect={setSelectedSse} />
          {sseEvent ? (
            <div className="sub-detail">
              <h4>
                Event #{sseEvent.index} · {sseEvent.type ?? '(none)'}
              </h4>
              <SseEventBody key={sseEvent.seq} event={sseEvent} requestT={exchange.startT} />
            </div>
          ) : (
            <p className="muted hint">Click an event to see its data and raw bytes.</p>
          )}
        </DetailSection>
      )}
      <DetailSection
        title={exchange.sse.length > 0 ? 'Response body (the raw stream)' : 'Response body'}
        aside={exchange.responseBody ? <span className="muted">{formatBytes(exchange.responseBody.size)}</span> : undefined}
      >
        <BodyView
          key={`res-${id}`}
          body={exchange.responseBody}
          contentType={response ? headerValue(response.headers, 'content-type') : undefined}
          missing={exchange.state === 'streaming' ? 'Captured when the response ends.' : exchange.state === 'pending' ? 'Not captured yet.' : 'No response body was captured.'}
        />
      </DetailSection>
    </article>
  );
}
