/** One SSE event selected in the traffic list, with a way back to its exchange. */
import { useSelectionStore } from '../state/selection-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { SseEventBody } from './sse-event-body.js';

export function SseEventDetail({ exchangeId, index }: { exchangeId: string; index: number }) {
  const exchange = useTraffic((s) => s.exchanges.get(exchangeId));
  const event = exchange?.sse[index];
  const select = useSelectionStore((s) => s.select);
  if (!exchange || !event) return <p className="muted">This event is not in the current view.</p>;
  return (
    <article className="detail" aria-label={`SSE event ${event.index} ${event.type ?? ''}`.trim()}>
      <h2 className="detail-title">
        SSE event <span className="mono">{event.type ?? '(none)'}</span> <span className="muted">#{event.index}</span>
      </h2>
      <SseEventBody
        key={event.seq}
        event={event}
        requestT={exchange.startT}
        lead={[
          [
            'Exchange',
            <>
              <span className="mono">
                {exchange.request.method} {exchange.request.url}
              </span>{' '}
              <button type="button" className="link-button" onClick={() => select({ kind: 'exchange', seq: exchange.request.seq, id: exchange.id })}>
                Show exchange
              </button>
            </>,
          ],
        ]}
      />
    </article>
  );
}
