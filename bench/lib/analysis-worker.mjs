/** The UI's side of the analysis feed (see analysis-feed.mjs), on its own thread as the UI is in its own process. */
import { parentPort, workerData } from 'node:worker_threads';
import { createFolder, loadAnalysis } from './analysis-feed.mjs';

const folder = createFolder(await loadAnalysis(workerData.distRoot));
let done = 0;
parentPort.on('message', (text) => {
  folder.apply(text);
  done++;
  parentPort.postMessage({ done, stats: folder.stats() });
});
