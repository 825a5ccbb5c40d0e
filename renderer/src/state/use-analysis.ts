/** Reads the analysis of the traffic on screen (a loaded session, else live) through a narrow selector. */
import type { AnalysisState } from '../../../shared/analysis/analyzer.js';
import { useTrafficStore } from './traffic-store.js';
import { useViewStore } from './view-store.js';

export function useAnalysis<T>(selector: (analysis: AnalysisState) => T): T {
  const session = useViewStore((s) => s.session);
  const live = useTrafficStore((s) => (session ? undefined : selector(s.analysis)));
  return session ? selector(session.analysis) : (live as T);
}
