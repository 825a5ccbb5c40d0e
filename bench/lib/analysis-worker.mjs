/** The UI's side of the analysis feed (see analysis-feed.mjs), on its own thread as the UI is in its own process. */
import { parentPort, workerData } from 'node:worker_threads';
import { createFolder, loadAnalysis } from './analysis-feed.mjs';

const folder = createFolder(await loadAnalysis(workerData.distRoot), {
  onFold: (stats) => parentPort.postMessage({ done: stats.batches, stats }),
});
parentPort.on('message', (text) => folder.apply(text));
