/**
 * "Analysis on", as `toolscope serve` with its UI open runs it: the core does not analyse live; a UI subscribes
 * to the event log over the bridge (the core serialises every batch with JSON.stringify and sends it) and the
 * UI folds each batch into the traffic state and the analysis (`foldEvents` + `Analyzer.fold`, the same code
 * `toolscope report` runs).
 *
 * Two placements:
 * - `attachAnalysisFeed(core, distRoot)`: the proxy thread serialises each batch and posts it to a worker
 *   thread that parses, folds and analyses it, as the browser (or Electron's renderer process) does on its
 *   own CPU. This is what a user's machine runs, so the latency scenarios use it.
 * - `attachAnalysisFeed(core, distRoot, { inThread: true })`: all of it in the proxy's thread, the worst case,
 *   used where the question is how many events per second the whole pipeline can take.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export async function loadAnalysis(distRoot) {
  const [{ emptyTrafficState, foldEvents }, { Analyzer }] = await Promise.all([
    import(pathToFileURL(path.join(distRoot, 'shared/store/traffic-state.js')).href),
    import(pathToFileURL(path.join(distRoot, 'shared/analysis/analyzer.js')).href),
  ]);
  return { emptyTrafficState, foldEvents, Analyzer };
}

/**
 * The UI's half: parses each serialised batch as it arrives and folds what arrived at most once per `frameMs`,
 * as renderer/src/state/live-feed.ts does (it folds once per animation frame, because each fold copies the row
 * list). `onFold(stats)` runs after each fold; `counts` are as of the last fold.
 */
export function createFolder(lib, { frameMs = 16, onFold = () => {} } = {}) {
  const analyzer = new lib.Analyzer();
  let traffic = lib.emptyTrafficState();
  let analysis = analyzer.initialState();
  const counts = { batches: 0, folds: 0, events: 0, bridgeBytes: 0 };
  let pending = [];
  let pendingReset = false;
  let queued = 0;
  let timer = null;
  const stats = () => ({ ...counts, calls: analysis.calls.size, findings: analysis.findings.length });
  const fold = () => {
    timer = null;
    if (pendingReset) {
      traffic = lib.emptyTrafficState();
      analysis = analyzer.initialState();
    }
    const events = pending;
    pending = [];
    pendingReset = false;
    traffic = lib.foldEvents(traffic, events);
    analysis = analyzer.fold(analysis, events, traffic);
    counts.batches += queued;
    counts.events += events.length;
    counts.folds++;
    queued = 0;
    onFold(stats());
  };
  return {
    apply(text) {
      const { reset, events } = JSON.parse(text);
      counts.bridgeBytes += text.length;
      queued++;
      if (reset) {
        pendingReset = true;
        pending = events;
      } else {
        for (const event of events) pending.push(event);
      }
      timer ??= setTimeout(fold, frameMs);
    },
    /** Folds what is waiting now (the end of a run). */
    flush() {
      if (timer === null) return;
      clearTimeout(timer);
      fold();
    },
    stats,
  };
}

/**
 * Subscribes to `core.log` like the bridge + UI. Returns { stats(), drain(), stop() }: `stats` is as of the
 * last fold; `drain` resolves once everything sent so far is folded.
 */
export async function attachAnalysisFeed(core, distRoot, { inThread = false } = {}) {
  // As the bridge does (electron/server/bridge-socket-host.ts): the snapshot is serialised whole, live batches
  // are put together from the JSON the event log already made of each event for the session file.
  // (A tree from before that change has neither: its batches are serialised whole, as its bridge did, so the same
  // bench can measure a checkout of an older commit for a before/after table.)
  const serialise = (reset, events) => JSON.stringify({ type: 'batch', reset, events });
  const joined = await import(pathToFileURL(path.join(distRoot, 'shared/bridge-batch-json.js')).href).catch(() => null);
  const live = (batch, jsons) => (joined && jsons ? joined.batchMessageJson(false, jsons) : serialise(false, batch));
  if (inThread) {
    const folder = createFolder(await loadAnalysis(distRoot));
    const unsubscribe = core.log.subscribe(
      (snapshot) => folder.apply(serialise(true, snapshot)),
      (batch, jsons) => folder.apply(live(batch, jsons)),
    );
    return { stats: folder.stats, threadCpuSec: async () => null, drain: async () => folder.flush(), stop: unsubscribe };
  }
  const worker = new Worker(new URL('./analysis-worker.mjs', import.meta.url), { workerData: { distRoot } });
  let latest = { batches: 0, events: 0, bridgeBytes: 0, calls: 0, findings: 0 };
  let sent = 0;
  const waiting = [];
  const cpuWaiting = [];
  worker.on('message', (message) => {
    if ('cpuSec' in message) {
      cpuWaiting.shift()?.(message.cpuSec);
      return;
    }
    latest = message.stats;
    while (waiting.length > 0 && waiting[0].upTo <= message.done) waiting.shift().resolve();
  });
  await new Promise((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  const post = (text) => {
    sent++;
    worker.postMessage(text);
  };
  const unsubscribe = core.log.subscribe((snapshot) => post(serialise(true, snapshot)), (batch, jsons) => post(live(batch, jsons)));
  return {
    stats: () => latest,
    /** CPU seconds the UI's thread has used so far (null where /proc is not there). */
    threadCpuSec: () =>
      new Promise((resolve) => {
        cpuWaiting.push(resolve);
        worker.postMessage({ cmd: 'cpu' });
      }),
    drain: () => new Promise((resolve) => (latest.batches >= sent ? resolve() : waiting.push({ upTo: sent, resolve }))),
    stop: () => {
      unsubscribe();
      void worker.terminate();
    },
  };
}
