/** A route event or a core error selected in the traffic list. */
import type { EventOf } from '../../../../shared/events.js';
import { formatClock, listenAddress } from '../format.js';
import { KvList } from '../kv-list.js';
import { ProblemBox } from '../problem-box.js';

export function RouteEventDetail({ event }: { event: EventOf<'route.up' | 'route.down' | 'route.error'> }) {
  return (
    <article className="detail" aria-label={`Route ${event.routeId}`}>
      <h2 className="detail-title">
        Route <span className="mono">{event.routeId}</span> {event.kind === 'route.up' ? 'is up' : event.kind === 'route.down' ? 'stopped' : 'failed'}
      </h2>
      {event.kind === 'route.error' && (
        <ProblemBox title="The route could not listen">
          <p>{event.message}</p>
        </ProblemBox>
      )}
      <KvList
        entries={[
          event.kind !== 'route.down' ? ['Listens on', <span className="mono">{listenAddress(event.listen)}</span>] : null,
          event.kind !== 'route.down' ? ['Forwards to', <span className="mono">{event.upstream}</span>] : null,
          event.kind === 'route.up' ? ['Upstream timeout', `${event.timeoutMs.toLocaleString()} ms`] : null,
          ['At', formatClock(event.t)],
        ]}
      />
    </article>
  );
}

export function CoreErrorDetail({ event }: { event: EventOf<'core.error'> }) {
  return (
    <article className="detail" aria-label="Core error">
      <h2 className="detail-title">Core error</h2>
      <ProblemBox title={event.context}>
        <p>{event.message}</p>
      </ProblemBox>
      <KvList entries={[['At', formatClock(event.t)]]} />
    </article>
  );
}
