/**
 * Shown while there is no traffic: tells the user exactly where to point their bot, using the real
 * listen addresses of the routes, because "configure the proxy" is not an instruction anyone can follow.
 */
import { useConnectionStore } from '../bridge/connection-store.js';
import { useTrafficStore } from '../state/traffic-store.js';
import { useTraffic } from '../state/use-traffic.js';
import { useViewStore } from '../state/view-store.js';
import { listenAddress } from './format.js';

export function EmptyState() {
  const hasTraffic = useTraffic((s) => s.exchanges.size > 0 || s.connections.size > 0);
  const inSession = useViewStore((s) => s.session !== null);
  const routes = useTrafficStore((s) => s.traffic.routes);
  const disconnected = useConnectionStore((s) => s.status !== 'open');
  const noEvents = useTrafficStore((s) => s.traffic.eventCount === 0);
  const neverConnected = disconnected && noEvents;
  if (hasTraffic) return null;
  if (inSession) {
    return (
      <div className="empty-state" role="note" aria-label="No traffic">
        <p>This session file has no HTTP exchanges or WebSocket connections.</p>
      </div>
    );
  }
  if (neverConnected) {
    return (
      <div className="empty-state" role="note" aria-label="Not connected">
        <h2>Waiting for the Toolscope core</h2>
        <p>The header says why it is not connected yet; the list fills in as soon as it is.</p>
      </div>
    );
  }
  const up = [...routes.values()].filter((route) => route.up);
  return (
    <div className="empty-state" role="note" aria-label="No traffic yet">
      <h2>No traffic yet</h2>
      {up.length === 0 ? (
        <p>
          Add a route above: a local port to listen on, and the URL of your tool backend. Then point your bot at
          that port.
        </p>
      ) : (
        <ul>
          {up.map((route) => {
            const address = listenAddress(route.listen);
            return (
              <li key={route.routeId}>
                <p>
                  Point your bot's webhook URL at <code>http://{address}/your/path</code>; Toolscope forwards it to{' '}
                  <code>{joinUrl(route.upstream, '/your/path')}</code>.
                </p>
                <p>
                  Point a realtime WebSocket client at <code>ws://{address}/your/path</code>; it is relayed to{' '}
                  <code>{joinUrl(toWs(route.upstream), '/your/path')}</code>.
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function toWs(url: string): string {
  return url.replace(/^http(s?):/i, 'ws$1:');
}
