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
 * Scenario 4 (capture throughput) runs in a child process with --expose-gc.
 *
 * Usage: npm run bench            (builds dist/node first)
 *        node bench/run.mjs [--quick] [--check]
 *   --quick   fewer rounds and requests (a smoke run, figures are noisier)
 *   --check   exit 1 when a product target is missed (default: report only, exit 0)
 *   --only=webhook,sse,ws,capture   run some scenarios only (for profiling: node --cpu-prof bench/run.mjs --only=ws)
 *   --no-bare  skip the reference proxy (http-proxy-3 / ws relay without capture) runs
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
import { startBareProxy } from './lib/bare-proxy.mjs';
import { fmt, median, round, table } from './lib/stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CORE_JS = path.join(ROOT, 'dist/node/electron/core/toolscope-core.js');
const RESULTS = path.join(HERE, 'results.json');
const WATCHDOG_MS = 240_000;

const argv = new Set(process.argv.slice(2));
const ONLY = new Set(
  (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'webhook,sse,ws,capture').split(',').filter(Boolean),
);
const QUICK = argv.has('--quick');
const CHECK = argv.has('--check');
const BARE = !argv.has('--no-bare');
const MODES = BARE ? ['direct', 'bare', 'proxied'] : ['direct', 'proxied'];
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
};
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

/** Runs `fn` and adds what the main thread (the proxy) spent meanwhile: busy ms and GC ms. */
async function measured(fn) {
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
  for (const mode of MODES) await runOne(ports[mode], warmup);
  for (let r = 0; r < CONFIG.rounds; r++) {
    const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
    if (r % 2 === 1) order.reverse();
    for (const mode of order) out[mode].push(await measured(() => runOne(ports[mode])));
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
  if (runs.bare) {
    const b = runs.bare.map((x) => x[field]);
    Object.assign(out, {
      bare: round(median(b), 4),
      bareAdded: round(median(b.map((v, i) => v - d[i])), 4),
      bareRatio: round(median(b.map((v, i) => v / d[i])), 4),
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
    proxyGcShare: round(median(runs.proxied.map((x) => (x.proxyBusyMs > 0 ? x.proxyGcMs / x.proxyBusyMs : 0))), 3),
    endpointsBusyUsPerUnitDirect: round(median(runs.direct.map((x) => (x.endpointsBusyMs * 1000) / units(x))), 2),
  };
}

async function withCore(tmp, name, backendPort, fn) {
  const { ToolscopeCore } = await import(pathToFileURL(CORE_JS).href);
  const sessionFile = path.join(tmp, `${name}.ndjson`);
  const core = new ToolscopeCore({ appVersion: 'bench', sessionFile });
  const bare = BARE ? await startBareProxy(backendPort) : null;
  try {
    const route = await core.addRoute({ listenPort: 0, upstream: `http://127.0.0.1:${backendPort}` });
    const result = await fn({ direct: backendPort, bare: bare?.port, proxied: route.listen.port });
    core.flush();
    return { ...result, capture: { logEvents: core.log.size, sessionFileBytes: fs.statSync(sessionFile).size } };
  } finally {
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

function runCaptureChild(tmp, withFile) {
  const sessionFile = withFile ? path.join(tmp, 'capture.ndjson') : '-';
  const child = spawn(
    process.execPath,
    ['--expose-gc', path.join(HERE, 'lib/capture-child.mjs'), pathToFileURL(CORE_JS).href, String(CONFIG.captureEvents), sessionFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('capture child did not finish within 90 s'));
    }, 90_000);
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
  let t0 = performance.now();
  const withFile = await runCaptureChild(tmp, true);
  process.stderr.write(`  capture (session file): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  t0 = performance.now();
  const memoryOnly = await runCaptureChild(tmp, false);
  process.stderr.write(`  capture (memory only): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { events: CONFIG.captureEvents, withSessionFile: withFile, memoryOnly };
}

// ------------------------------------------------------------------------------------------- report

const MB = 1024 * 1024;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

const pctx = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : '-');
const times = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-');

/** Rows of a latency-like comparison: direct, bare reference, Toolscope, added (Toolscope − direct), ratios. */
function latencyRows(entries, digits = 3) {
  return entries.map(([label, c, target = '']) => [
    label,
    fmt(c.direct, digits),
    fmt(c.bare, digits),
    fmt(c.proxied, digits),
    fmt(c.added, digits),
    times(c.ratio),
    fmt(c.bareAdded, digits),
    target,
  ]);
}
const LATENCY_HEADER = ['metric', 'direct ms', 'bare ms', 'toolscope ms', 'added ms', 'ratio T/D', 'bare added', 'target'];

function report(results) {
  const { webhook, sse, websocket, capture } = results;
  const lines = [];
  lines.push(`Toolscope bench — ${results.meta.cpuModel} x${results.meta.cpus}, Node ${process.versions.node}, ${CONFIG.rounds} rotating rounds, medians`);
  lines.push('toolscope = ToolscopeCore (capture + session file) on the main thread; backend and clients share a worker thread.');
  lines.push('bare = reference proxy from the same parts without capture (http-proxy-3 / ws message relay), same thread.');
  lines.push('Ratios are toolscope/direct (T/D) and bare/direct per round, then the median.');
  lines.push('');

  if (webhook) {
    const wl = webhook.latency;
    lines.push(`1. Webhook JSON round trip — sequential, keep-alive, ${wl.requestsPerRun} requests per run`);
    lines.push(
      table(LATENCY_HEADER, latencyRows([
        ['p50', wl.p50Ms, `added < ${TARGETS.webhookAddedP50Ms} ms ${verdict(results.targets.webhookAddedP50.pass)}`],
        ['p99', wl.p99Ms],
      ])),
    );
    lines.push(
      `   proxy thread CPU per request: toolscope ${fmt(wl.proxyBusyUsPerUnit, 0)} µs (GC ${fmt(wl.proxyGcShare * 100, 0)}% of it), bare ${fmt(wl.bareBusyUsPerUnit, 0)} µs; backend+client: ${fmt(wl.endpointsBusyUsPerUnitDirect, 0)} µs`,
    );
    lines.push('');
    lines.push(`   Throughput, ${CONFIG.webhookThroughputRequests} requests per run`);
    lines.push(
      table(
        ['clients', 'direct req/s', 'bare req/s', 'toolscope req/s', 'T/D', 'bare/D', 'T µs/req', 'bare µs/req', 'target'],
        Object.values(webhook.throughput).map((t) => [
          String(t.concurrency),
          fmt(t.rps.direct, 0),
          fmt(t.rps.bare, 0),
          fmt(t.rps.proxied, 0),
          pctx(t.rps.ratio),
          pctx(t.rps.bareRatio),
          fmt(t.proxyBusyUsPerUnit, 0),
          fmt(t.bareBusyUsPerUnit, 0),
          `>= ${TARGETS.webhookThroughputRatio * 100}% ${verdict(t.rps.ratio >= TARGETS.webhookThroughputRatio)}`,
        ]),
      ),
    );
    lines.push('   (µs/req = CPU time of the proxy thread per request)');
    lines.push('');
  }

  if (sse) {
    lines.push(`2. SSE — ${sse.eventsPerRun} events ${sse.intervalMs} ms apart; delay = receive − write`);
    lines.push(
      table(LATENCY_HEADER, latencyRows([
        ['p50', sse.p50DelayMs],
        ['p99', sse.p99DelayMs, `no buffering (p99 < ${TARGETS.sseMaxP99DelayMs} ms) ${verdict(results.targets.sseNoBuffering.pass)}`],
        ['max', sse.maxDelayMs],
      ])),
    );
    lines.push(
      `   chunks received per stream: direct ${fmt(sse.chunksPerRun.direct, 0)}, bare ${fmt(sse.chunksPerRun.bare, 0)}, toolscope ${fmt(sse.chunksPerRun.proxied, 0)} (the backend makes ${sse.eventsPerRun + 1} writes)`,
    );
    lines.push('');
  }

  if (websocket) {
    const wsl = websocket.latency;
    lines.push(`3. WebSocket — echo of small JSON text frames, ${wsl.messagesPerRun} sequential round trips per run`);
    lines.push(table(LATENCY_HEADER, latencyRows([['p50', wsl.p50Ms], ['p99', wsl.p99Ms]])));
    lines.push('   Burst: all frames sent at once, time until the last echo');
    lines.push(
      table(
        ['frames', 'direct msg/s', 'bare msg/s', 'toolscope msg/s', 'T/D', 'bare/D', 'T µs/msg', 'bare µs/msg', 'target'],
        Object.entries(websocket.burst).map(([kind, b]) => [
          `${b.messagesPerRun} × ${kind} (${b.bytesPerMessage} B)`,
          fmt(b.mps.direct, 0),
          fmt(b.mps.bare, 0),
          fmt(b.mps.proxied, 0),
          pctx(b.mps.ratio),
          pctx(b.mps.bareRatio),
          fmt(b.proxyBusyUsPerUnit, 0),
          fmt(b.bareBusyUsPerUnit, 0),
          `>= ${TARGETS.wsThroughputRatio * 100}% ${verdict(b.mps.ratio >= TARGETS.wsThroughputRatio)}`,
        ]),
      ),
    );
    lines.push('   (µs/msg = CPU time of the proxy thread per echoed message, i.e. per 2 relayed frames)');
    lines.push('');
  }

  if (capture) {
    const cf = capture.withSessionFile;
    const cm = capture.memoryOnly;
    lines.push(
      `4. Capture — ${capture.events.toLocaleString('en-US')} synthetic events into core.log.append (40% 4 KiB base64 audio JSON, 20% 4 KiB binary, 25% small JSON frames, 15% webhook events), fresh process${cf.gcExposed ? ', heap after forced GC' : ' (no --expose-gc: heap includes garbage)'}`,
    );
    lines.push(
      table(
        ['mode', 'events/s', 'file MB/s', 'file MB', 'heap MB/100k', 'RSS MB/100k', 'peak RSS MB/100k'],
        [
          ['session file', fmt(cf.eventsPerSec, 0), fmt(cf.fileMBps, 1), fmt(cf.fileBytes / MB, 1), fmt(cf.heapGrowthPer100k / MB, 1), fmt(cf.rssGrowthPer100k / MB, 1), fmt(cf.peakRssGrowthPer100k / MB, 1)],
          ['memory only', fmt(cm.eventsPerSec, 0), '-', '-', fmt(cm.heapGrowthPer100k / MB, 1), fmt(cm.rssGrowthPer100k / MB, 1), fmt(cm.peakRssGrowthPer100k / MB, 1)],
        ],
      ),
    );
    lines.push(`   with the session file the event rate is ${pctx(cf.eventsPerSec / cm.eventsPerSec)} of memory-only`);
    lines.push('');
  }

  const failed = Object.entries(results.targets).filter(([, t]) => !t.pass);
  lines.push(failed.length === 0 ? 'All product targets met.' : `Targets missed: ${failed.map(([k]) => k).join(', ')}`);
  const proxied = [webhook, sse, websocket].filter(Boolean);
  const sum = (f) => proxied.map(f).reduce((a, b) => a + b, 0);
  if (proxied.length > 0) {
    lines.push(`Captured by the proxy during scenarios 1-3: ${sum((s) => s.capture.logEvents).toLocaleString('en-US')} events, ${fmt(sum((s) => s.capture.sessionFileBytes) / MB, 1)} MB of session files.`);
  }
  lines.push(`All figures: ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  return lines.join('\n');
}

function targets(webhook, sse, websocket) {
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
  try {
    const { port: backendPort } = await endpoints.call('startBackend');
    process.stderr.write(`bench: ${CONFIG.rounds} rounds${QUICK ? ' (quick)' : ''}, backend on 127.0.0.1:${backendPort}\n`);
    const webhook = ONLY.has('webhook') ? await webhookScenario(endpoints, tmp, backendPort) : null;
    const sse = ONLY.has('sse') ? await sseScenario(endpoints, tmp, backendPort) : null;
    const websocket = ONLY.has('ws') ? await wsScenario(endpoints, tmp, backendPort) : null;
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
        layout: 'proxy (ToolscopeCore, capture + session file) on the main thread; backend and clients in one worker thread; capture scenario in a child process with --expose-gc',
        durationSec: null,
        loadavgStart: loadStart.map((v) => round(v, 2)),
        loadavgEnd: null,
        staleBuild: stale !== null,
      },
      targets: targets(webhook, sse, websocket),
      webhook,
      sse,
      websocket,
      capture,
    };
    results.meta.durationSec = round((performance.now() - started) / 1000, 1);
    results.meta.loadavgEnd = os.loadavg().map((v) => round(v, 2));
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(report(results));
    console.log(`(${results.meta.durationSec} s; load average before ${results.meta.loadavgStart[0]}, after ${results.meta.loadavgEnd[0]} on ${results.meta.cpus} CPUs)`);
    if (CHECK && Object.values(results.targets).some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    await endpoints.close();
    gcObserver.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
