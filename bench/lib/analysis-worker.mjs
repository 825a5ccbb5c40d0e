/** The UI's side of the analysis feed (see analysis-feed.mjs), on its own thread as the UI is in its own process. */
import { parentPort, workerData } from 'node:worker_threads';
import { createFolder, loadAnalysis } from './analysis-feed.mjs';
import { threadCpuSec } from './peers.mjs';

const folder = createFolder(await loadAnalysis(workerData.distRoot), {
  onFold: (stats) => parentPort.postMessage({ done: stats.batches, stats }),
});
// A bridge message is text; the one object asks for this thread's CPU time, so the bench can tell the proxy's
// share of the process from the UI's.
parentPort.on('message', (message) => (typeof message === 'string' ? folder.apply(message) : parentPort.postMessage({ cpuSec: threadCpuSec() })));
