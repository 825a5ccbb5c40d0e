/** The live routes, each with its state and a way to stop it. */
import { useState } from 'react';
import type { RouteView } from '../../../shared/store/traffic-state.js';
import { getBridge } from '../bridge/get-bridge.js';
import { useTrafficStore } from '../state/traffic-store.js';
import { listenAddress } from './format.js';

export function RoutesBar() {
  const routes = useTrafficStore((s) => s.traffic.routes);
  // Stopped routes stay in the log; the user may hide them here without touching the log.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const shown = [...routes.values()].filter((route) => !hidden.has(route.routeId));
  const hide = (routeId: string) => setHidden((prev) => new Set(prev).add(routeId));
  return (
    <ul className="routes-bar" aria-label="Routes">
      {shown.length === 0 && <li className="muted">No routes.</li>}
      {shown.map((route) => (
        <RouteChip key={route.routeId} route={route} onHide={() => hide(route.routeId)} />
      ))}
    </ul>
  );
}

function RouteChip({ route, onHide }: { route: RouteView; onHide(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const address = listenAddress(route.listen);
  const state = route.error ? 'error' : route.up ? 'up' : 'down';
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await getBridge().call('removeRoute', { routeId: route.routeId });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`route-chip route-${state}`} aria-label={`Route ${address} to ${route.upstream}, ${state}`}>
      <span className={`route-state tone-${state === 'up' ? 'ok' : state === 'error' ? 'bad' : 'pending'}`}>{state}</span>
      <span className="mono">
        {address} → {route.upstream}
      </span>
      {route.error && (
        <span className="route-error-message" title={route.error}>
          {route.error}
        </span>
      )}
      {error && (
        <span className="route-error-message" role="alert">
          {error}
        </span>
      )}
      {state === 'up' ? (
        <button type="button" onClick={remove} disabled={busy} aria-label={`Remove route ${address}`}>
          Remove
        </button>
      ) : (
        <button type="button" onClick={onHide} aria-label={`Dismiss route ${address}`}>
          Dismiss
        </button>
      )}
    </li>
  );
}
