/**
 * The live traffic and its analysis: the shared folds of the event log, fed by the bridge's pushed batches.
 * The analysis is folded right after the traffic, from the same events, exactly as `toolscope report` does.
 */
import { create } from 'zustand';
import type { LogEvent } from '../../../shared/events.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../../shared/store/traffic-state.js';
import { Analyzer, type AnalysisOptions, type AnalysisState } from '../../../shared/analysis/analyzer.js';

export interface TrafficStore {
  traffic: TrafficState;
  analysis: AnalysisState;
  /** Folds events in; `reset` starts from an empty state first (a snapshot). */
  apply(reset: boolean, events: readonly LogEvent[]): void;
}

let analyzer = new Analyzer();

/** The analyzer in use (it carries the config file's budget, bot config and tools). */
export function currentAnalyzer(): Analyzer {
  return analyzer;
}

/** Set before the first events arrive (the live feed asks the core for its config first). */
export function configureAnalysis(options: AnalysisOptions): void {
  analyzer = new Analyzer(options);
  useTrafficStore.setState({ analysis: analyzer.initialState() });
}

export const useTrafficStore = create<TrafficStore>((set) => ({
  traffic: emptyTrafficState(),
  analysis: analyzer.initialState(),
  apply: (reset, events) =>
    set((store) => {
      const baseTraffic = reset ? emptyTrafficState() : store.traffic;
      const baseAnalysis = reset ? analyzer.initialState() : store.analysis;
      const traffic = foldEvents(baseTraffic, events);
      if (traffic === store.traffic) return store;
      return { traffic, analysis: analyzer.fold(baseAnalysis, events, traffic) };
    }),
}));
