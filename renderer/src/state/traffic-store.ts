/** The live traffic: the shared fold of the event log, fed by the bridge's pushed batches. */
import { create } from 'zustand';
import type { LogEvent } from '../../../shared/events.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../../shared/store/traffic-state.js';

export interface TrafficStore {
  traffic: TrafficState;
  /** Folds events in; `reset` starts from an empty state first (a snapshot). */
  apply(reset: boolean, events: readonly LogEvent[]): void;
}

export const useTrafficStore = create<TrafficStore>((set) => ({
  traffic: emptyTrafficState(),
  apply: (reset, events) =>
    set((store) => {
      const base = reset ? emptyTrafficState() : store.traffic;
      const traffic = foldEvents(base, events);
      return traffic === store.traffic ? store : { traffic };
    }),
}));
