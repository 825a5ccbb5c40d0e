#!/usr/bin/env node
/**
 * CPU profiles of the proxy thread under one load, taken separately for the bare reference proxy and for
 * Toolscope's route, so the two can be compared function by function (what capture costs, and where).
 *
 * Usage: npm run build:node && node bench/profile.mjs [webhook|ws-json|ws-audio] [--out=DIR]
 *        node bench/profile-summary.mjs DIR/toolscope-webhook.cpuprofile
 * Writes DIR/bare-<load>.cpuprofile and DIR/toolscope-<load>.cpuprofile (DIR defaults to a new temp dir) and
 * prints the proxy thread's CPU time per unit of work for both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import inspector from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startBareProxy } from './lib/bare-proxy.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORE_JS = path.resolve(HERE, '../dist/node/electron/core/toolscope-core.js');
const load = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'webhook';
const outDir = process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-profile-'));
const LOADS = {
  webhook: { cmd: 'webhookThroughput', args: { requests: 8000, concurrency: 10 }, units: 8000, unit: 'request' },
  'ws-json': { cmd: 'wsBurst', args: { messages: 20000, kind: 'json' }, units: 20000, unit: 'echoed message' },
  'ws-audio': { cmd: 'wsBurst', args: { messages: 4000, kind: 'audio' }, units: 4000, unit: 'echoed message' },
};
const spec = LOADS[load];
if (!spec) {
  console.error(`unknown load "${load}"; one of ${Object.keys(LOADS).join(', ')}`);
  process.exit(2);
}
if (!fs.existsSync(CORE_JS)) {
  console.error('dist/node is missing: run `npm run build:node` first');
  process.exit(1);
}

const worker = new Worker(new URL('./lib/endpoints-worker.mjs', import.meta.url));
let seq = 0;
const waiting = new Map();
worker.on('message', ({ id, ok, result, error }) => {
  const w = waiting.get(id);
  waiting.delete(id);
  if (ok) w?.resolve(result);
  else w?.reject(new Error(error));
});
const call = (cmd, args = {}) =>
  new Promise((resolve, reject) => {
    const id = ++seq;
    const timer = setTimeout(() => reject(new Error(`${cmd}: no answer within 90 s`)), 90_000);
    waiting.set(id, {
      resolve: (v) => (clearTimeout(timer), resolve(v)),
      reject: (e) => (clearTimeout(timer), reject(e)),
    });
    worker.postMessage({ id, cmd, args });
  });

const { ToolscopeCore } = await import(pathToFileURL(CORE_JS).href);
const sessionFile = path.join(outDir, 'profile-session.ndjson');
const session = new inspector.Session();
session.connect();
let core = null;
let bare = null;
try {
  const { port: backendPort } = await call('startBackend');
  core = new ToolscopeCore({ appVersion: 'bench-profile', sessionFile });
  const route = await core.addRoute({ listenPort: 0, upstream: `http://127.0.0.1:${backendPort}` });
  bare = await startBareProxy(backendPort);
  const ports = { bare: bare.port, toolscope: route.listen.port };
  await session.post('Profiler.enable');
  // Full-size warm-up of both first, so neither profile includes the other's JIT warm-up.
  for (const mode of ['bare', 'toolscope']) await call(spec.cmd, { ...spec.args, port: ports[mode] });
  for (const mode of ['bare', 'toolscope']) {
    await session.post('Profiler.start');
    const elu0 = performance.eventLoopUtilization();
    await call(spec.cmd, { ...spec.args, port: ports[mode] });
    const elu = performance.eventLoopUtilization(elu0);
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(outDir, `${mode}-${load}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`${mode.padEnd(9)} proxy thread ${((elu.active * 1000) / spec.units).toFixed(1)} µs CPU per ${spec.unit}  -> ${file}`);
  }
} finally {
  session.disconnect();
  await core?.close();
  await bare?.close();
  fs.rmSync(sessionFile, { force: true });
  await call('stop').catch(() => {});
  await worker.terminate();
}
