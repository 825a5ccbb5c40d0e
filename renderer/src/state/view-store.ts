/**
 * What the traffic list shows: the live traffic, or a session file opened read-only. A loaded session is
 * folded once with the same reducer as the live store, so it looks exactly as it did when recorded.
 */
import { create } from 'zustand';
import type { LoadedSessionResult } from '../../../shared/bridge.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../../shared/store/traffic-state.js';
import type { AnalysisState } from '../../../shared/analysis/analyzer.js';
import { currentAnalyzer } from './traffic-store.js';

export interface SessionView {
  path: string;
  header: LoadedSessionResult['header'];
  warnings: LoadedSessionResult['warnings'];
  traffic: TrafficState;
  analysis: AnalysisState;
}

export interface ViewStore {
  session: SessionView | null;
  showSession(loaded: LoadedSessionResult): void;
  showLive(): void;
}

export const useViewStore = create<ViewStore>((set) => ({
  session: null,
  showSession: (loaded) => {
    const traffic = foldEvents(emptyTrafficState(), loaded.events);
    set({
      session: {
        path: loaded.path,
        header: loaded.header,
        warnings: loaded.warnings,
        traffic,
        analysis: currentAnalyzer().fold(currentAnalyzer().initialState(), loaded.events, traffic),
      },
    });
  },
  showLive: () => set({ session: null }),
}));
