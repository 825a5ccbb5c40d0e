/**
 * One proxy in a process of its own, for the Realtime-like load, so its CPU and memory are its own: the
 * bench forks this with `<variant> <backendPort> <distRoot> <tmpDir> [no-analysis]`; variant is `toolscope` (ToolscopeCore
 * with a session file, plus the analysis feed: lib/analysis-feed.mjs), `bare` (lib/bare-proxy.mjs) or
 * `mockttp` (lib/peers.mjs). It answers IPC messages: {cmd:'stats'} -> memory and capture figures,
 * {cmd:'close'} -> closes and exits. It exits by itself when the parent goes away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [variant, backendPortArg, distRoot, tmpDir, analysisArg] = process.argv.slice(2);
const backendPort = Number(backendPortArg);
process.on('disconnect', () => process.exit(0));

let close = async () => {};
let extra = () => ({});
let port;
if (variant === 'toolscope') {
  const { ToolscopeCore } = await import(pathToFileURL(path.join(distRoot, 'electron/core/toolscope-core.js')).href);
  const { attachAnalysisFeed } = await import('./analysis-feed.mjs');
  const sessionFile = path.join(tmpDir, 'realtime.ndjson');
  const core = new ToolscopeCore({ appVersion: 'bench', sessionFile });
  const feed = analysisArg === 'no-analysis' ? null : await attachAnalysisFeed(core, distRoot);
  const route = await core.addRoute({ listenPort: 0, upstream: `http://127.0.0.1:${backendPort}` });
  port = route.listen.port;
  extra = async () => {
    core.flush();
    const uiThreadCpuSec = feed ? await feed.threadCpuSec() : null;
    return { logEvents: core.log.appended, retainedEvents: core.log.size, retainedMB: core.log.retainedBytes / 1048576, sessionFileBytes: fs.statSync(sessionFile).size, analysis: feed?.stats() ?? null, uiThreadCpuSec };
  };
  close = async () => {
    feed?.stop();
    await core.close();
    fs.rmSync(sessionFile, { force: true });
  };
} else if (variant === 'bare') {
  const { startBareProxy } = await import('./bare-proxy.mjs');
  const bare = await startBareProxy(backendPort);
  port = bare.port;
  close = () => bare.close();
} else if (variant === 'mockttp') {
  const { startMockttp } = await import('./peers.mjs');
  const m = await startMockttp(backendPort);
  port = m.port;
  extra = () => ({ seen: { ...m.seen } });
  close = () => m.close();
} else {
  throw new Error(`unknown variant ${variant}`);
}

let elu0 = performance.eventLoopUtilization();
process.on('message', async (msg) => {
  if (msg?.cmd === 'stats') {
    if (msg.reset) elu0 = performance.eventLoopUtilization();
    const eluActiveMs = performance.eventLoopUtilization(elu0).active;
    const gc = msg.gc && typeof globalThis.gc === 'function';
    if (gc) globalThis.gc();
    process.send({ type: 'stats', mem: process.memoryUsage(), gc, eluActiveMs, ...(await extra()) });
  } else if (msg?.cmd === 'close') {
    await close();
    process.send({ type: 'closed' }, () => process.exit(0));
  }
});
process.send({ type: 'ready', port });
