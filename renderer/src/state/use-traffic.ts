/**
 * Reads the traffic that is on screen (a loaded session, else live) through a narrow selector, so a
 * component re-renders only when the part it selected changes. The fold keeps the identity of entities
 * that did not change, which is what makes selecting a single exchange or frame cheap.
 */
import type { TrafficState } from '../../../shared/store/traffic-state.js';
import { useTrafficStore } from './traffic-store.js';
import { useViewStore } from './view-store.js';

export function useTraffic<T>(selector: (traffic: TrafficState) => T): T {
  const session = useViewStore((s) => s.session);
  // While a session is shown, live updates must not wake components that display the session.
  const live = useTrafficStore((s) => (session ? undefined : selector(s.traffic)));
  return session ? selector(session.traffic) : (live as T);
}

/** The traffic on screen, read once (event handlers, keyboard navigation); does not subscribe. */
export function currentTraffic(): TrafficState {
  return useViewStore.getState().session?.traffic ?? useTrafficStore.getState().traffic;
}
