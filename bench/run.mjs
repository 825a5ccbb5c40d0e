#!/usr/bin/env node
/**
 * Toolscope benchmark: what the capturing proxy costs compared with talking to the backend directly.
 *
 * Layout (one process, all on 127.0.0.1, ports from the OS):
 *   - main thread: the proxy, i.e. the compiled ToolscopeCore with one route, capture and session file on,
 *     and beside it a bare reference proxy built from the same libraries without capture (lib/bare-proxy.mjs);
 *   - a worker thread: the tool backend (webhook, SSE, WebSocket echo) and the clients that load it.
 * Each measurement rotates direct runs (client -> backend), bare runs and Toolscope runs (client -> proxy ->
 * backend), changing the order every round, and reports medians over the rounds and ratios to direct.
 * Peers: mitmproxy (mitmdump in reverse-proxy mode, a child process) and mockttp (HTTP Toolkit's engine, in
 * this process) run the same loads in the same rotation (lib/peers.mjs; installed by setup-peers.sh).
 * Scenario 4 (capture throughput) runs in a child process with --expose-gc; the Realtime-like load runs each
 * proxy in a process of its own (lib/proxy-child.mjs, or mitmdump) so its CPU and memory can be read.
 *
 * Usage: npm run bench            (builds dist/node first, installs missing peers: --setup-peers)
 *        node bench/run.mjs [--quick] [--check]
 *   --quick   fewer rounds and requests (a smoke run, figures are noisier)
 *   --check   exit 1 when a product target is missed (default: report only, exit 0)
 *   --only=webhook,sse,ws,realtime,capture   run some scenarios only (for profiling: node --cpu-prof bench/run.mjs --only=ws)
 *   --no-bare  skip the reference proxy (http-proxy-3 / ws relay without capture) runs
 *   --no-peers skip mitmproxy and mockttp;  --setup-peers  run bench/setup-peers.sh first when one is missing
 *   --no-analysis  Toolscope without the analysis feed (capture + session file only)
 *   --realtime-seconds=N  length of each Realtime-like run (default 30, --quick 5)
 * Env: BENCH_ROUNDS=n overrides the number of alternation rounds.
 * Writes every figure to bench/results.json; see bench/README.md for how to read them.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import { startBareProxy } from './lib/bare-proxy.mjs';
import { attachAnalysisFeed } from './lib/analysis-feed.mjs';
import { killAllPeerChildren, peerAvailability, procStats, runPeerSetup, startMitm, startMockttp } from './lib/peers.mjs';
import { fmt, median, round, table } from './lib/stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const DIST = path.join(ROOT, 'dist/node');
const CORE_JS = path.join(DIST, 'electron/core/toolscope-core.js');
const RESULTS = path.join(HERE, 'results.json');

const argv = new Set(process.argv.slice(2));
const ONLY = new Set(
  (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'webhook,sse,ws,realtime,capture').split(',').filter(Boolean),
);
const QUICK = argv.has('--quick');
const CHECK = argv.has('--check');
const BARE = !argv.has('--no-bare');
const PEERS = !argv.has('--no-peers');
const ANALYSIS = !argv.has('--no-analysis');
/** The variants of scenarios 1-3, in rotation; the peers join once they started (see main). */
let MODES = BARE ? ['direct', 'bare', 'proxied'] : ['direct', 'proxied'];
const PEER_MODES = ['mitm', 'mockttp'];
const MODE_LABEL = { direct: 'direct', bare: 'bare', proxied: 'toolscope', mitm: 'mitmproxy', mockttp: 'mockttp' };
/** Why a peer has no figures (not installed, failed to start), by mode. */
const peerNA = {};
const REALTIME_SECONDS = Number(process.argv.find((a) => a.startsWith('--realtime-seconds='))?.slice(19)) || (QUICK ? 5 : 30);
const ROUNDS = Number.parseInt(process.env.BENCH_ROUNDS ?? '', 10) || (QUICK ? 2 : 5);
const scale = (n) => (QUICK ? Math.max(50, Math.round(n / 5)) : n);
const CONFIG = {
  rounds: ROUNDS,
  webhookLatencyRequests: scale(1000),
  webhookThroughputRequests: scale(1200),
  concurrencies: [1, 10, 50],
  sseEvents: 50,
  sseIntervalMs: 10,
  wsLatencyMessages: scale(1000),
  wsBurstJsonMessages: scale(5000),
  wsBurstAudioMessages: scale(1000),
  captureEvents: QUICK ? 20_000 : 100_000,
  realtime: { sessions: 20, fps: 50, seconds: REALTIME_SECONDS, lateMs: 20 },
};
const WATCHDOG_MS = (PEERS ? 480_000 : 240_000) + (ONLY.has('realtime') ? 6 * (REALTIME_SECONDS + 20) * 1000 : 0);
const TARGETS = {
  webhookAddedP50Ms: 1,
  webhookThroughputRatio: 0.7,
  sseMaxP99DelayMs: CONFIG.sseIntervalMs, // an event held back for capture would wait for the next write
  wsThroughputRatio: 0.6,
};

// ------------------------------------------------------------------------------------------- plumbing

/** The endpoints worker, driven by request/response messages with a deadline each. */
class Endpoints {
  constructor() {
    this.worker = new Worker(new URL('./lib/endpoints-worker.mjs', import.meta.url));
    this.pending = new Map();
    this.seq = 0;
    this.worker.on('message', ({ id, ok, result, error }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (ok) p.resolve(result);
      else p.reject(new Error(`endpoints worker: ${error}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`endpoints worker exited with code ${code}`)));
  }

  call(cmd, args = {}, timeoutMs = 90_000) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`endpoints worker: ${cmd} gave no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, cmd, args });
    });
  }

  failAll(error) {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.call('stop', {}, 10_000);
    } catch {
      // terminate below either way
    }
    await this.worker.terminate();
  }
}

// GC time on the main thread (the proxy's thread), so a proxied run can say how much of it was GC.
let mainGcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) mainGcMs += entry.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });

/** The running mitmdump child (scenarios 1-3), whose CPU time is read from /proc. */
let mitmProxy = null;

/**
 * Runs `fn` and adds what the proxy spent meanwhile: busy ms and GC ms of the main thread (Toolscope, bare,
 * mockttp), or the CPU time of the mitmdump process (from /proc; 10 ms resolution).
 */
async function measured(mode, fn) {
  if (mode === 'mitm' && mitmProxy) {
    const s0 = mitmProxy.stats();
    const result = await fn();
    const s1 = mitmProxy.stats();
    return { ...result, proxyBusyMs: s0 && s1 ? (s1.cpuSec - s0.cpuSec) * 1000 : NaN, proxyGcMs: NaN };
  }
  const elu0 = performance.eventLoopUtilization();
  const gc0 = mainGcMs;
  const result = await fn();
  const elu = performance.eventLoopUtilization(elu0);
  return { ...result, proxyBusyMs: elu.active, proxyGcMs: mainGcMs - gc0 };
}

/**
 * `rounds` alternations of a direct, a bare-proxy (reference) and a Toolscope-proxied run, the order rotated
 * each round so drift and warm-up cancel, after one unrecorded warm-up of each. Returns the per-round results.
 */
async function alternate(label, ports, runOne, warmup) {
  const t0 = performance.now();
  const out = Object.fromEntries(MODES.map((m) => [m, []]));
  // A peer that fails a run (mockttp once answered 500 "Passthrough loop detected" when a client's loopback port
  // matched one of its own upstream sockets) is n/a from then on, with the reason; the bench goes on without it.
  const attempt = async (mode, run) => {
    try {
      return await run();
    } catch (error) {
      if (!PEER_MODES.includes(mode)) throw error;
      peerNA[mode] = `failed during "${label}": ${error.message}`;
      MODES = MODES.filter((m) => m !== mode);
      delete out[mode];
      return null;
    }
  };
  for (const mode of [...MODES]) await attempt(mode, () => runOne(ports[mode], warmup));
  for (let r = 0; r < CONFIG.rounds; r++) {
    const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
    if (r % 2 === 1) order.reverse();
    for (const mode of order) {
      if (!MODES.includes(mode)) continue;
      const result = await attempt(mode, () => measured(mode, () => runOne(ports[mode])));
      if (result) out[mode].push(result);
    }
  }
  process.stderr.write(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return out;
}

/**
 * Median of a field over rounds, and the medians of the per-round proxied/direct ratio and difference (and the
 * same for the bare reference proxy, when it ran).
 */
function compare(runs, field) {
  const d = runs.direct.map((x) => x[field]);
  const p = runs.proxied.map((x) => x[field]);
  const out = {
    direct: round(median(d), 4),
    proxied: round(median(p), 4),
    added: round(median(p.map((v, i) => v - d[i])), 4),
    ratio: round(median(p.map((v, i) => v / d[i])), 4),
  };
  for (const mode of ['bare', ...PEER_MODES]) {
    if (!runs[mode]) continue;
    const b = runs[mode].map((x) => x[field]);
    Object.assign(out, {
      [mode]: round(median(b), 4),
      [`${mode}Added`]: round(median(b.map((v, i) => v - d[i])), 4),
      [`${mode}Ratio`]: round(median(b.map((v, i) => v / d[i])), 4),
    });
  }
  out.rounds = Object.fromEntries(Object.entries(runs).map(([m, list]) => [m, list.map((x) => round(x[field], 4))]));
  return out;
}

/** Median over proxied rounds of the proxy's busy CPU time per unit of work, in microseconds. */
function proxyCostUs(runs, units) {
  return {
    proxyBusyUsPerUnit: round(median(runs.proxied.map((x) => (x.proxyBusyMs * 1000) / units(x))), 2),
    bareBusyUsPerUnit: runs.bare ? round(median(runs.bare.map((x) => (x.proxyBusyMs * 1000) / units(x))), 2) : null,
    mitmBusyUsPerUnit: runs.mitm ? round(median(runs.mitm.map((x) => (x.proxyBusyMs * 1000) / units(x))), 2) : null,
    mockttpBusyUsPerUnit: runs.mockttp ? round(median(runs.mockttp.map((x) => (x.proxyBusyMs * 1000) / units(x))), 2) : null,
    proxyGcShare: round(median(runs.proxied.map((x) => (x.proxyBusyMs > 0 ? x.proxyGcMs / x.proxyBusyMs : 0))), 3),
    endpointsBusyUsPerUnitDirect: round(median(runs.direct.map((x) => (x.endpointsBusyMs * 1000) / units(x))), 2),
  };
}

/** Ports of the running peers (scenarios 1-3): { mitm, mockttp }. */
const peerPorts = {};

async function withCore(tmp, name, backendPort, fn) {
  const { ToolscopeCore } = await import(pathToFileURL(CORE_JS).href);
  const sessionFile = path.join(tmp, `${name}.ndjson`);
  const core = new ToolscopeCore({ appVersion: 'bench', sessionFile });
  const feed = ANALYSIS ? await attachAnalysisFeed(core, DIST) : null;
  const bare = BARE ? await startBareProxy(backendPort) : null;
  try {
    const route = await core.addRoute({ listenPort: 0, upstream: `http://127.0.0.1:${backendPort}` });
    const result = await fn({ direct: backendPort, bare: bare?.port, proxied: route.listen.port, ...peerPorts });
    core.flush();
    await new Promise((r) => setImmediate(r)); // the feed's last batch
    await feed?.drain();
    return {
      ...result,
      capture: { logEvents: core.log.appended, sessionFileBytes: fs.statSync(sessionFile).size, analysis: feed?.stats() ?? null },
    };
  } finally {
    feed?.stop();
    await core.close();
    await bare?.close();
  }
}

// ------------------------------------------------------------------------------------------- scenarios

async function webhookScenario(endpoints, tmp, backendPort) {
  return withCore(tmp, 'webhook', backendPort, async (ports) => {
    const n = CONFIG.webhookLatencyRequests;
    const latencyRuns = await alternate(
      'webhook latency',
      ports,
      (port, warm) => endpoints.call('webhookLatency', { port, requests: warm ? 200 : n }),
      true,
    );
    const latency = {
      requestsPerRun: n,
      p50Ms: compare(latencyRuns, 'p50'),
      p99Ms: compare(latencyRuns, 'p99'),
      meanMs: compare(latencyRuns, 'mean'),
      ...proxyCostUs(latencyRuns, (x) => x.requests),
    };
    const throughput = {};
    for (const c of CONFIG.concurrencies) {
      const total = CONFIG.webhookThroughputRequests;
      const runs = await alternate(
        `webhook throughput c=${c}`,
        ports,
        (port, warm) => endpoints.call('webhookThroughput', { port, requests: warm ? Math.min(200, total) : total, concurrency: c }),
        true,
      );
      throughput[`c${c}`] = { concurrency: c, requestsPerRun: total, rps: compare(runs, 'rps'), ...proxyCostUs(runs, (x) => x.requests) };
    }
    return { latency, throughput };
  });
}

async function sseScenario(endpoints, tmp, backendPort) {
  return withCore(tmp, 'sse', backendPort, async (ports) => {
    const args = { events: CONFIG.sseEvents, interval: CONFIG.sseIntervalMs };
    const runs = await alternate('SSE delay', ports, (port) => endpoints.call('sseRun', { port, ...args }), true);
    return {
      eventsPerRun: CONFIG.sseEvents,
      intervalMs: CONFIG.sseIntervalMs,
      p50DelayMs: compare(runs, 'p50'),
      p99DelayMs: compare(runs, 'p99'),
      maxDelayMs: compare(runs, 'max'),
      chunksPerRun: compare(runs, 'chunks'),
    };
  });
}

async function wsScenario(endpoints, tmp, backendPort) {
  return withCore(tmp, 'websocket', backendPort, async (ports) => {
    const n = CONFIG.wsLatencyMessages;
    const latencyRuns = await alternate('WebSocket latency', ports, (port, warm) => endpoints.call('wsLatency', { port, messages: warm ? 200 : n }), true);
    const burst = {};
    for (const [kind, messages] of [
      ['json', CONFIG.wsBurstJsonMessages],
      ['audio', CONFIG.wsBurstAudioMessages],
    ]) {
      const runs = await alternate(
        `WebSocket burst (${kind})`,
        ports,
        (port, warm) => endpoints.call('wsBurst', { port, messages: warm ? Math.min(300, messages) : messages, kind }),
        true,
      );
      burst[kind] = {
        messagesPerRun: messages,
        bytesPerMessage: runs.direct[0]?.bytesPerMessage,
        mps: compare(runs, 'mps'),
        ...proxyCostUs(runs, (x) => x.messages),
      };
    }
    return {
      latency: { messagesPerRun: n, p50Ms: compare(latencyRuns, 'p50'), p99Ms: compare(latencyRuns, 'p99'), ...proxyCostUs(latencyRuns, (x) => x.messages) },
      burst,
    };
  });
}

// ------------------------------------------------------------------------------------------- realtime

/** Child processes of the Realtime-like load, killed on exit, error or Ctrl-C. */
const proxyChildren = new Set();

/** Starts one proxy variant in a process of its own (lib/proxy-child.mjs); resolves when it listens. */
function startProxyChild(variant, backendPort, tmp) {
  const child = fork(path.join(HERE, 'lib/proxy-child.mjs'), [variant, String(backendPort), DIST, tmp, ANALYSIS ? 'analysis' : 'no-analysis'], {
    execArgv: ['--expose-gc', ...(process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(' ') : [])],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  proxyChildren.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 8192) stderr += c;
  });
  const waiters = [];
  child.on('message', (msg) => waiters.shift()?.(msg));
  const next = (ms, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${variant} proxy child: no ${what} within ${ms} ms ${stderr}`)), ms);
      waiters.push((msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => proxyChildren.delete(child));
  return Promise.race([
    next(30_000, 'ready'),
    exited.then((code) => Promise.reject(new Error(`${variant} proxy child exited (${code}): ${stderr.trim()}`))),
  ]).then(({ port }) => ({
    port,
    pid: child.pid,
    stats: (opts = {}) => {
      child.send({ cmd: 'stats', ...opts });
      return next(30_000, 'stats');
    },
    async close() {
      if (child.exitCode !== null) return;
      child.send({ cmd: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

/** CPU % of one core used by the analysis feed's thread between two stats replies, or null without a feed. */
function uiCpuPct(before, after, wallMs) {
  const a = before?.uiThreadCpuSec;
  const b = after?.uiThreadCpuSec;
  return typeof a === 'number' && typeof b === 'number' ? ((b - a) * 1000 * 100) / wallMs : null;
}

async function realtimeScenario(endpoints, tmp, backendPort, peers) {
  const cfg = CONFIG.realtime;
  const variants = ['direct', 'proxied'];
  if (BARE) variants.push('bare');
  for (const m of PEER_MODES) if (peers[m]?.ok) variants.push(m);
  const runs = {};
  for (const variant of variants) {
    const t0 = performance.now();
    let proxy = null;
    try {
      if (variant === 'mitm') proxy = await startMitm(backendPort, tmp);
      else if (variant !== 'direct') proxy = await startProxyChild(variant === 'proxied' ? 'toolscope' : variant, backendPort, tmp);
      const port = proxy ? proxy.port : backendPort;
      const s0 = proxy ? procStats(proxy.pid) : null;
      const inner0 = proxy && variant !== 'mitm' ? await proxy.stats({ reset: true }) : null;
      const w0 = performance.now();
      const load = await endpoints.call('realtimeLoad', { port, ...cfg }, (cfg.seconds + 60) * 1000);
      const wallMs = performance.now() - w0;
      let proxyFigures = null;
      if (proxy) {
        const s1 = procStats(proxy.pid);
        const inner = variant === 'mitm' ? null : await proxy.stats({ gc: true });
        proxyFigures = {
          cpuPct: s0 && s1 ? ((s1.cpuSec - s0.cpuSec) * 1000 * 100) / wallMs : null,
          cpuSec: s0 && s1 ? s1.cpuSec - s0.cpuSec : null,
          rssMB: s1 ? s1.rssBytes / MB : null,
          peakRssMB: s1 ? s1.peakRssBytes / MB : null,
          heapUsedMB: inner ? inner.mem.heapUsed / MB : null,
          heapAfterGc: inner?.gc ?? false,
          mainThreadBusyPct: inner ? (inner.eluActiveMs * 100) / wallMs : null,
          // Toolscope's process also runs the stand-in for the UI (the browser's share, in a real setup): its thread's CPU.
          uiCpuPct: uiCpuPct(inner0, inner, wallMs),
          capture: inner?.logEvents !== undefined ? { logEvents: inner.logEvents, retainedEvents: inner.retainedEvents, retainedMB: inner.retainedMB, sessionFileMB: inner.sessionFileBytes / MB, analysis: inner.analysis } : (inner?.seen ?? null),
        };
      }
      runs[variant] = { ...load, wallMs, proxy: proxyFigures };
    } catch (error) {
      runs[variant] = { error: String(error?.message ?? error) };
      process.stderr.write(`  realtime ${MODE_LABEL[variant]}: failed: ${runs[variant].error}\n`);
    } finally {
      await proxy?.close();
    }
    process.stderr.write(`  realtime load ${MODE_LABEL[variant]}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  for (const m of PEER_MODES) if (!peers[m]?.ok) runs[m] = { na: peers[m]?.why ?? 'not run' };
  return { ...cfg, audioFrameBytes: 4096, runs };
}

function runCaptureChild(tmp, mode) {
  const sessionFile = mode === 'memory' ? '-' : path.join(tmp, 'capture.ndjson');
  const withFile = sessionFile !== '-';
  const args = ['--expose-gc', path.join(HERE, 'lib/capture-child.mjs'), pathToFileURL(CORE_JS).href, String(CONFIG.captureEvents), sessionFile];
  if (mode === 'analysis') args.push(DIST);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proxyChildren.add(child);
  child.once('exit', () => proxyChildren.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('capture child did not finish within 180 s'));
    }, 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (withFile) fs.rmSync(sessionFile, { force: true });
      if (code !== 0) return reject(new Error(`capture child exited with ${code}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      } catch (error) {
        reject(new Error(`capture child printed no result: ${stdout} ${stderr}`));
      }
    });
  });
}

async function captureScenario(tmp) {
  const out = { events: CONFIG.captureEvents };
  for (const [key, mode] of [
    ['withSessionFile', 'file'],
    ['memoryOnly', 'memory'],
    ['withAnalysis', 'analysis'],
  ]) {
    const t0 = performance.now();
    out[key] = await runCaptureChild(tmp, mode);
    process.stderr.write(`  capture (${mode}): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return out;
}

// ------------------------------------------------------------------------------------------- report

const MB = 1024 * 1024;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

const pctx = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : '-');
const times = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-');

/** A proxied variant's cell: its value, or "n/a" when it did not run (the reason is printed under the table). */
function cell(c, mode, digits, f = fmt) {
  if (peerNA[mode]) return 'n/a';
  return f(c[mode], digits);
}
const ratioKey = (mode) => (mode === 'proxied' ? 'ratio' : `${mode}Ratio`);
const addedKey = (mode) => (mode === 'proxied' ? 'added' : `${mode}Added`);
const shown = () => ['bare', 'proxied', ...PEER_MODES].filter((m) => MODES.includes(m) || peerNA[m]);

/** Rows of a latency-like comparison: direct and every proxy in ms, then each proxy's added ms and ratio to direct. */
function latencyTable(entries, digits = 3) {
  const modes = shown();
  const short = { bare: 'bare', proxied: 'T', mitm: 'mitm', mockttp: 'mockttp' };
  const header = [
    'metric',
    'direct ms',
    ...modes.map((m) => `${MODE_LABEL[m]} ms`),
    ...modes.filter((m) => m !== 'bare').map((m) => `${short[m]} added`),
    ...modes.filter((m) => m !== 'bare').map((m) => `${short[m]}/D`),
    'target',
  ];
  const rows = entries.map(([label, c, target = '']) => [
    label,
    fmt(c.direct, digits),
    ...modes.map((m) => cell(c, m, digits)),
    ...modes.filter((m) => m !== 'bare').map((m) => (peerNA[m] ? 'n/a' : fmt(c[addedKey(m)], digits))),
    ...modes.filter((m) => m !== 'bare').map((m) => (peerNA[m] ? 'n/a' : times(c[ratioKey(m)]))),
    target,
  ]);
  return table(header, rows);
}

/** A rate comparison (req/s, msg/s): direct and every proxy, each proxy's share of direct, proxy CPU µs per unit. */
function rateTable(firstHeader, unit, cpuUnit, entries) {
  const modes = shown();
  const short = { bare: 'bare', proxied: 'T', mitm: 'mitm', mockttp: 'mockttp' };
  const header = [
    firstHeader,
    `direct ${unit}`,
    ...modes.map((m) => `${short[m] === 'T' ? 'toolscope' : short[m]} ${unit}`),
    ...modes.map((m) => `${short[m]}/D`),
    ...modes.map((m) => `${short[m]} µs/${cpuUnit}`),
    'target',
  ];
  const rows = entries.map(([label, c, cost, target]) => [
    label,
    fmt(c.direct, 0),
    ...modes.map((m) => cell(c, m, 0)),
    ...modes.map((m) => (peerNA[m] ? 'n/a' : pctx(c[ratioKey(m)]))),
    ...modes.map((m) => (peerNA[m] ? 'n/a' : fmt(cost[m === 'proxied' ? 'proxyBusyUsPerUnit' : `${m}BusyUsPerUnit`], 0))),
    target,
  ]);
  return table(header, rows);
}

function peerNotes() {
  return PEER_MODES.filter((m) => peerNA[m]).map((m) => `   ${MODE_LABEL[m]}: n/a (${peerNA[m]})`);
}

/** Where Toolscope is behind a peer on a comparison: lower-is-better for latency, higher-is-better for rates. */
function behind(c, higherIsBetter) {
  const out = [];
  for (const m of PEER_MODES) {
    if (peerNA[m] || !Number.isFinite(c[m])) continue;
    if (higherIsBetter ? c.proxied < c[m] : c.proxied > c[m]) out.push(MODE_LABEL[m]);
  }
  return out;
}

function report(results) {
  const { webhook, sse, websocket, realtime, capture } = results;
  const lines = [];
  lines.push(`Toolscope bench — ${results.meta.cpuModel} x${results.meta.cpus}, Node ${process.versions.node}, ${CONFIG.rounds} rotating rounds, medians`);
  lines.push(`toolscope = ToolscopeCore (capture + session file${ANALYSIS ? ' + analysis feed: bridge serialisation on this thread, traffic fold and analysis of every batch in a worker thread, as the UI does in its process' : ''}) on the main thread; backend and clients share a worker thread.`);
  lines.push('bare = reference proxy from the same parts without capture (http-proxy-3 / ws message relay), same thread.');
  lines.push(`mitmproxy = mitmdump ${results.meta.peers.mitm?.version ?? ''} --mode reverse (child process, SSE streamed by hook); mockttp = mockttp ${results.meta.peers.mockttp?.version ?? ''} thenForwardTo (same thread, capture events on).`);
  lines.push('Ratios are proxy/direct per round (T = toolscope), then the median; "added" = proxy − direct.');
  lines.push('');

  if (webhook) {
    const wl = webhook.latency;
    lines.push(`1. Webhook JSON round trip — sequential, keep-alive, ${wl.requestsPerRun} requests per run`);
    lines.push(
      latencyTable([
        ['p50', wl.p50Ms, `T added < ${TARGETS.webhookAddedP50Ms} ms ${verdict(results.targets.webhookAddedP50.pass)}`],
        ['p99', wl.p99Ms],
      ]),
    );
    lines.push(
      `   proxy CPU per request: toolscope ${fmt(wl.proxyBusyUsPerUnit, 0)} µs (GC ${fmt(wl.proxyGcShare * 100, 0)}% of it), bare ${fmt(wl.bareBusyUsPerUnit, 0)} µs, mitmproxy ${fmt(wl.mitmBusyUsPerUnit, 0)} µs, mockttp ${fmt(wl.mockttpBusyUsPerUnit, 0)} µs; backend+client: ${fmt(wl.endpointsBusyUsPerUnitDirect, 0)} µs`,
    );
    lines.push('');
    lines.push(`   Throughput, ${CONFIG.webhookThroughputRequests} requests per run`);
    lines.push(
      rateTable(
        'clients',
        'req/s',
        'req',
        Object.values(webhook.throughput).map((t) => [String(t.concurrency), t.rps, t, `T >= ${TARGETS.webhookThroughputRatio * 100}% ${verdict(t.rps.ratio >= TARGETS.webhookThroughputRatio)}`]),
      ),
    );
    lines.push('   (µs/req = CPU time of the proxy per request: its thread for the Node proxies, the mitmdump process for mitmproxy)');
    lines.push(...peerNotes());
    lines.push('');
  }

  if (sse) {
    lines.push(`2. SSE — ${sse.eventsPerRun} events ${sse.intervalMs} ms apart; delay = receive − write, per event`);
    lines.push(
      latencyTable([
        ['p50', sse.p50DelayMs],
        ['p99', sse.p99DelayMs, `no buffering (T p99 < ${TARGETS.sseMaxP99DelayMs} ms) ${verdict(results.targets.sseNoBuffering.pass)}`],
        ['max', sse.maxDelayMs],
      ]),
    );
    const ch = sse.chunksPerRun;
    lines.push(
      `   chunks received per stream: direct ${fmt(ch.direct, 0)}, bare ${fmt(ch.bare, 0)}, toolscope ${fmt(ch.proxied, 0)}, mitmproxy ${peerNA.mitm ? 'n/a' : fmt(ch.mitm, 0)}, mockttp ${peerNA.mockttp ? 'n/a' : fmt(ch.mockttp, 0)} (the backend makes ${sse.eventsPerRun + 1} writes)`,
    );
    lines.push(...peerNotes());
    lines.push('');
  }

  if (websocket) {
    const wsl = websocket.latency;
    lines.push(`3. WebSocket — echo of small JSON text frames, ${wsl.messagesPerRun} sequential round trips per run`);
    lines.push(latencyTable([['p50', wsl.p50Ms], ['p99', wsl.p99Ms]]));
    lines.push('   Burst: all frames sent at once, time until the last echo');
    lines.push(
      rateTable(
        'frames',
        'msg/s',
        'msg',
        Object.entries(websocket.burst).map(([kind, b]) => [
          `${b.messagesPerRun} × ${kind} (${b.bytesPerMessage} B)`,
          b.mps,
          b,
          `T >= ${TARGETS.wsThroughputRatio * 100}% ${verdict(b.mps.ratio >= TARGETS.wsThroughputRatio)}`,
        ]),
      ),
    );
    lines.push('   (µs/msg = CPU time of the proxy per echoed message, i.e. per 2 relayed frames)');
    lines.push(...peerNotes());
    lines.push('');
  }

  if (realtime) {
    const r = realtime;
    lines.push(
      `3b. Realtime-like load — ${r.sessions} sessions × ${r.fps} frames/s of ${r.audioFrameBytes} B base64 input_audio_buffer.append, plus a function call per session per second (server → client) and its conversation.item.create answer, ${r.seconds} s; one run per variant, each proxy in a process of its own`,
    );
    const order = ['direct', 'proxied', 'bare', ...PEER_MODES].filter((m) => r.runs[m]);
    lines.push(
      table(
        ['variant', 'frames', 'lost', `late >${r.lateMs}ms`, 'p50 ms', 'p99 ms', 'max ms', 'call→answer p50', 'proxy CPU %', 'of it UI %', 'RSS MB', 'peak RSS MB', 'heap MB (GC)'],
        order.map((m) => {
          const x = r.runs[m];
          if (x.na) return [MODE_LABEL[m], `n/a (${x.na})`];
          if (x.error) return [MODE_LABEL[m], `failed: ${x.error.slice(0, 80)}`];
          const p = x.proxy;
          return [
            MODE_LABEL[m],
            String(x.frames),
            String(x.lost),
            String(x.late),
            fmt(x.allP50, 2),
            fmt(x.allP99, 2),
            fmt(x.allMax, 1),
            fmt(x.answerRoundTripP50, 2),
            p ? fmt(p.cpuPct, 0) : '-',
            p?.uiCpuPct != null ? fmt(p.uiCpuPct, 0) : '-',
            p ? fmt(p.rssMB, 0) : '-',
            p ? fmt(p.peakRssMB, 0) : '-',
            p?.heapUsedMB !== null && p ? fmt(p.heapUsedMB, 0) : '-',
          ];
        }),
      ),
    );
    const tc = r.runs.proxied?.proxy?.capture;
    if (tc) lines.push(`   toolscope captured ${tc.logEvents.toLocaleString('en-US')} events (${fmt(tc.retainedMB, 0)} MB retained in memory, session file ${fmt(tc.sessionFileMB, 0)} MB), analysis: ${tc.analysis?.calls ?? '-'} calls`);
    lines.push('   (delay = receive − send stamp of every frame, both directions; CPU % of one core over the run; heap after a forced GC at the end;');
    lines.push("    'of it UI' = the thread that folds the bridge feed as the UI does, which in real use runs in the browser, not the proxy)");
    lines.push('');
  }

  if (capture) {
    const cf = capture.withSessionFile;
    const cm = capture.memoryOnly;
    const ca = capture.withAnalysis;
    lines.push(
      `4. Capture — ${capture.events.toLocaleString('en-US')} synthetic events into core.log.append (40% 4 KiB base64 audio JSON, 20% 4 KiB binary, 25% small JSON frames, 15% webhook events), fresh process${cf.gcExposed ? ', memory after forced GC' : ' (no --expose-gc: heap includes garbage)'}`,
    );
    lines.push(
      table(
        ['mode', 'events/s', 'file MB/s', 'file MB', 'heap MB per 100k events', 'RSS MB per 100k', 'peak RSS MB per 100k'],
        [
          ['session file (capture)', fmt(cf.eventsPerSec, 0), fmt(cf.fileMBps, 1), fmt(cf.fileBytes / MB, 1), fmt(cf.heapGrowthPer100k / MB, 1), fmt(cf.rssGrowthPer100k / MB, 1), fmt(cf.peakRssGrowthPer100k / MB, 1)],
          ['memory only', fmt(cm.eventsPerSec, 0), '-', '-', fmt(cm.heapGrowthPer100k / MB, 1), fmt(cm.rssGrowthPer100k / MB, 1), fmt(cm.peakRssGrowthPer100k / MB, 1)],
          ...(ca
            ? [['session file + analysis', fmt(ca.eventsPerSec, 0), fmt(ca.fileMBps, 1), fmt(ca.fileBytes / MB, 1), fmt(ca.heapGrowthPer100k / MB, 1), fmt(ca.rssGrowthPer100k / MB, 1), fmt(ca.peakRssGrowthPer100k / MB, 1)]]
            : []),
        ],
      ),
    );
    lines.push(`   with the session file the event rate is ${pctx(cf.eventsPerSec / cm.eventsPerSec)} of memory-only${ca ? `; with the live analysis feed ${pctx(ca.eventsPerSec / cf.eventsPerSec)} of capture alone` : ''}`);
    if (ca?.report) lines.push(`   one-shot analyseEvents of the whole log (what \`toolscope report\` does): ${fmt(ca.report.eventsPerSec, 0)} events/s (${ca.report.calls} calls)`);
    lines.push('');
  }

  const failed = Object.entries(results.targets).filter(([, t]) => !t.pass);
  lines.push(failed.length === 0 ? 'All product targets met.' : `Targets missed: ${failed.map(([k]) => k).join(', ')}`);
  if (results.behindPeers.length > 0) lines.push(`Behind a peer: ${results.behindPeers.join('; ')}`);
  else if (PEER_MODES.some((m) => !peerNA[m])) lines.push('Ahead of the peers that ran on every compared figure.');
  const proxied = [webhook, sse, websocket].filter(Boolean);
  const sum = (f) => proxied.map(f).reduce((a, b) => a + b, 0);
  if (proxied.length > 0) {
    lines.push(`Captured by the proxy during scenarios 1-3: ${sum((s) => s.capture.logEvents).toLocaleString('en-US')} events, ${fmt(sum((s) => s.capture.sessionFileBytes) / MB, 1)} MB of session files.`);
  }
  lines.push(`All figures: ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  return lines.join('\n');
}

/** "scenario metric: peer" for every compared figure where Toolscope is behind a peer that ran. */
function behindPeers(webhook, sse, websocket, realtime) {
  const out = [];
  const add = (what, c, higher) => {
    const b = behind(c, higher);
    if (b.length) out.push(`${what} (${b.join(', ')})`);
  };
  if (webhook) {
    add('webhook p50', webhook.latency.p50Ms, false);
    add('webhook p99', webhook.latency.p99Ms, false);
    for (const t of Object.values(webhook.throughput)) add(`webhook req/s c=${t.concurrency}`, t.rps, true);
  }
  if (sse) {
    add('SSE p50 delay', sse.p50DelayMs, false);
    add('SSE p99 delay', sse.p99DelayMs, false);
  }
  if (websocket) {
    add('WS p50', websocket.latency.p50Ms, false);
    add('WS p99', websocket.latency.p99Ms, false);
    for (const [kind, b] of Object.entries(websocket.burst)) add(`WS burst ${kind} msg/s`, b.mps, true);
  }
  if (realtime?.runs.proxied && !realtime.runs.proxied.error) {
    const t = realtime.runs.proxied;
    for (const m of PEER_MODES) {
      const p = realtime.runs[m];
      if (!p || p.na || p.error) continue;
      if (t.late > p.late) out.push(`realtime late frames (${MODE_LABEL[m]})`);
      if (t.allP99 > p.allP99) out.push(`realtime p99 delay (${MODE_LABEL[m]})`);
      if (t.proxy && p.proxy && t.proxy.cpuPct > p.proxy.cpuPct) {
        const proxyOnly = t.proxy.uiCpuPct !== null ? t.proxy.cpuPct - t.proxy.uiCpuPct : null;
        const without = proxyOnly === null ? '' : proxyOnly > p.proxy.cpuPct ? ', also without the UI thread' : ', but not without the UI thread';
        out.push(`realtime proxy CPU (${MODE_LABEL[m]}${without})`);
      }
      if (t.proxy && p.proxy && t.proxy.peakRssMB > p.proxy.peakRssMB) out.push(`realtime peak RSS (${MODE_LABEL[m]})`);
    }
  }
  return out;
}

function targets(webhook, sse, websocket, realtime) {
  const t = {};
  if (webhook) {
    t.webhookAddedP50 = { target: `< ${TARGETS.webhookAddedP50Ms} ms`, value: webhook.latency.p50Ms.added, pass: webhook.latency.p50Ms.added < TARGETS.webhookAddedP50Ms };
    for (const x of Object.values(webhook.throughput)) {
      t[`webhookThroughputC${x.concurrency}`] = { target: `>= ${TARGETS.webhookThroughputRatio}`, value: x.rps.ratio, pass: x.rps.ratio >= TARGETS.webhookThroughputRatio };
    }
  }
  if (sse) t.sseNoBuffering = { target: `proxied p99 delay < ${TARGETS.sseMaxP99DelayMs} ms`, value: sse.p99DelayMs.proxied, pass: sse.p99DelayMs.proxied < TARGETS.sseMaxP99DelayMs };
  for (const [kind, b] of Object.entries(websocket?.burst ?? {})) {
    t[`wsThroughput_${kind}`] = { target: `>= ${TARGETS.wsThroughputRatio}`, value: b.mps.ratio, pass: b.mps.ratio >= TARGETS.wsThroughputRatio };
  }
  const rt = realtime?.runs.proxied;
  if (rt) {
    t.realtimeNoLoss = { target: 'no frame lost', value: rt.lost ?? null, pass: rt.lost === 0 };
    t.realtimeNoLateFrames = { target: `no frame delayed > ${CONFIG.realtime.lateMs} ms`, value: rt.late ?? null, pass: rt.late === 0 };
  }
  return t;
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'electron', 'shared'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return null;
  }
}

/** Names the TypeScript sources under electron/ and shared/ that are newer than their compiled JavaScript. */
function staleWarning() {
  const stale = [];
  for (const dir of ['electron', 'shared']) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true })) {
      if (typeof entry !== 'string' || !entry.endsWith('.ts') || entry.endsWith('.test.ts') || entry.endsWith('.d.ts')) continue;
      const rel = path.join(dir, entry);
      if (rel === path.join('electron', 'main.ts') || rel === path.join('electron', 'preload.ts')) continue; // not in the Node build
      const js = path.join(ROOT, 'dist/node', rel.replace(/\.ts$/, '.js'));
      if (!fs.existsSync(js) || fs.statSync(path.join(ROOT, rel)).mtimeMs > fs.statSync(js).mtimeMs) stale.push(rel);
    }
  }
  return stale.length === 0
    ? null
    : `dist/node is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}; run \`npm run build:node\` (npm run bench does it)`;
}

// ------------------------------------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(CORE_JS)) {
    console.error(`${path.relative(process.cwd(), CORE_JS)} is missing: run \`npm run build:node\` first (npm run bench does it).`);
    process.exitCode = 1;
    return;
  }
  const stale = staleWarning();
  if (stale) console.error(`warning: ${stale}`);
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; open handles: ${process.getActiveResourcesInfo().join(', ')}`);
    killChildren();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const started = performance.now();
  const loadStart = os.loadavg();
  if (loadStart[0] > os.cpus().length * 0.5) {
    console.error(`note: load average is ${loadStart[0].toFixed(2)} on ${os.cpus().length} CPUs before the bench starts; other work will make the figures noisy`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-bench-'));
  const endpoints = new Endpoints();
  let peers = {};
  const closers = [];
  try {
    if (PEERS) {
      peers = peerAvailability();
      if (argv.has('--setup-peers') && PEER_MODES.some((m) => !peers[m].ok)) {
        process.stderr.write('bench: a peer is missing; running bench/setup-peers.sh\n');
        runPeerSetup();
        peers = peerAvailability();
      }
    } else {
      for (const m of PEER_MODES) peers[m] = { ok: false, why: '--no-peers' };
    }
    for (const m of PEER_MODES) if (!peers[m].ok) peerNA[m] = peers[m].why;
    const { port: backendPort } = await endpoints.call('startBackend');
    process.stderr.write(`bench: ${CONFIG.rounds} rounds${QUICK ? ' (quick)' : ''}, backend on 127.0.0.1:${backendPort}\n`);
    if (['webhook', 'sse', 'ws'].some((x) => ONLY.has(x))) {
      if (peers.mitm?.ok) {
        try {
          mitmProxy = await startMitm(backendPort, tmp);
          closers.push(() => mitmProxy.close());
          peerPorts.mitm = mitmProxy.port;
          peers.mitm.cmdline = mitmProxy.cmdline;
          MODES.push('mitm');
        } catch (error) {
          peerNA.mitm = `did not start: ${error.message}`;
        }
      }
      if (peers.mockttp?.ok) {
        try {
          const m = await startMockttp(backendPort);
          closers.push(() => m.close());
          peerPorts.mockttp = m.port;
          MODES.push('mockttp');
        } catch (error) {
          peerNA.mockttp = `did not start: ${error.message}`;
        }
      }
    }
    const webhook = ONLY.has('webhook') ? await webhookScenario(endpoints, tmp, backendPort) : null;
    const sse = ONLY.has('sse') ? await sseScenario(endpoints, tmp, backendPort) : null;
    const websocket = ONLY.has('ws') ? await wsScenario(endpoints, tmp, backendPort) : null;
    while (closers.length) await closers.pop()();
    mitmProxy = null;
    const realtime = ONLY.has('realtime') ? await realtimeScenario(endpoints, tmp, backendPort, peers) : null;
    await endpoints.close();
    const capture = ONLY.has('capture') ? await captureScenario(tmp) : null;
    const cpus = os.cpus();
    const results = {
      meta: {
        date: new Date().toISOString(),
        commit: gitCommit(),
        node: process.versions.node,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model?.trim() ?? 'unknown CPU',
        totalMemMB: Math.round(os.totalmem() / MB),
        quick: QUICK,
        config: CONFIG,
        analysis: ANALYSIS,
        peers: Object.fromEntries(PEER_MODES.map((m) => [m, { ...peers[m], ...(peerNA[m] ? { ok: false, why: peerNA[m] } : {}) }])),
        layout: 'proxy (ToolscopeCore, capture + session file + analysis feed), bare proxy and mockttp on the main thread; mitmdump a child process; backend and clients in one worker thread; realtime load: each proxy in its own process; capture scenario in a child process with --expose-gc',
        durationSec: null,
        loadavgStart: loadStart.map((v) => round(v, 2)),
        loadavgEnd: null,
        staleBuild: stale !== null,
      },
      targets: targets(webhook, sse, websocket, realtime),
      behindPeers: behindPeers(webhook, sse, websocket, realtime),
      webhook,
      sse,
      websocket,
      realtime,
      capture,
    };
    results.meta.durationSec = round((performance.now() - started) / 1000, 1);
    results.meta.loadavgEnd = os.loadavg().map((v) => round(v, 2));
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(report(results));
    console.log(`(${results.meta.durationSec} s; load average before ${results.meta.loadavgStart[0]}, after ${results.meta.loadavgEnd[0]} on ${results.meta.cpus} CPUs)`);
    if (CHECK && Object.values(results.targets).some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    killChildren();
    await endpoints.close();
    gcObserver.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function killChildren() {
  killAllPeerChildren();
  for (const child of proxyChildren) child.kill('SIGKILL');
  proxyChildren.clear();
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping`);
    killChildren();
    process.exit(130);
  });
}

main().catch((error) => {
  console.error(`bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
