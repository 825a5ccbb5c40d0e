/**
 * "Analysis on", as `toolscope serve` with its UI open runs it: the core does not analyse live; a UI subscribes
 * to the event log over the bridge (the core serialises every batch with JSON.stringify and sends it) and the
 * UI folds each batch into the traffic state and the analysis (`foldEvents` + `Analyzer.fold`, the same code
 * `toolscope report` runs). This subscriber does both halves in the proxy's own thread: the bridge's
 * serialisation and the UI's fold and analysis. In use the fold runs in the UI's process, so this is the
 * worst case for the proxy thread.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadAnalysis(distRoot) {
  const [{ emptyTrafficState, foldEvents }, { Analyzer }] = await Promise.all([
    import(pathToFileURL(path.join(distRoot, 'shared/store/traffic-state.js')).href),
    import(pathToFileURL(path.join(distRoot, 'shared/analysis/analyzer.js')).href),
  ]);
  return { emptyTrafficState, foldEvents, Analyzer };
}

/** Subscribes to `core.log` like the bridge + UI; returns { stats(), stop() }. */
export function attachAnalysisFeed(core, lib) {
  const analyzer = new lib.Analyzer();
  let traffic = lib.emptyTrafficState();
  let analysis = analyzer.initialState();
  const counts = { batches: 0, events: 0, bridgeBytes: 0 };
  const apply = (reset, events) => {
    counts.bridgeBytes += JSON.stringify({ type: 'batch', reset, events }).length;
    counts.batches++;
    counts.events += events.length;
    if (reset) {
      traffic = lib.emptyTrafficState();
      analysis = analyzer.initialState();
    }
    traffic = lib.foldEvents(traffic, events);
    analysis = analyzer.fold(analysis, events, traffic);
  };
  const unsubscribe = core.log.subscribe((snapshot) => apply(true, snapshot), (batch) => apply(false, batch));
  return {
    stats: () => ({ ...counts, calls: analysis.calls.size, findings: analysis.findings.length }),
    stop: unsubscribe,
  };
}
