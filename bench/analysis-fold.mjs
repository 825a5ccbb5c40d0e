/**
 * How fast the traffic fold + analysis (`foldEvents` then `Analyzer.fold`, what the UI runs on every batch and
 * `toolscope report` / session open run on a file) takes a realistic session: 100,000 events from
 * bench/lib/ui-session-generator.mjs (OpenAI Realtime sockets, ~90% audio frames, webhooks, SSE).
 *
 * Two ways of feeding it:
 *   - whole:   the session as one batch (a file opened at once);
 *   - live:    batches of 1–20 events (seeded sizes), as a UI gets them while capturing.
 *
 * Usage (after `npm run build:node`):
 *   node bench/analysis-fold.mjs [--events 100000] [--runs 5] [--dist dist/node[,other/dist/node…]]
 *
 * `--dist` takes several compiled trees (each with shared/store and shared/analysis), so a copy of the tree made
 * before a change and the current one are measured in the same run, interleaved, on the same data. Each run
 * also checks that every tree gives the same report (shared/analysis/session-report.ts) and the same traffic
 * counts, so a speed-up that changes a result shows up here. Reports the median (and min/max) of the runs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateUiSession, makeRandom } from './lib/ui-session-generator.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const EVENTS = Number(arg('events', '100000'));
const RUNS = Number(arg('runs', '5'));
const DISTS = arg('dist', 'dist/node')
  .split(',')
  .map((d) => path.resolve(ROOT, d));
const MODES = arg('modes', 'whole,live').split(',');

async function loadTree(dist) {
  const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
  const [{ emptyTrafficState, foldEvents }, { Analyzer }, { buildReport }] = await Promise.all([
    load('shared/store/traffic-state.js'),
    load('shared/analysis/analyzer.js'),
    load('shared/analysis/session-report.js'),
  ]);
  return { dist, emptyTrafficState, foldEvents, Analyzer, buildReport };
}

async function sessionEvents() {
  const file = path.join(os.tmpdir(), `toolscope-bench-analysis-fold-${EVENTS}.ndjson`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    await generateUiSession(partial, { events: EVENTS });
    fs.renameSync(partial, file);
  }
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const events = [];
  for (let i = 1; i < lines.length; i++) if (lines[i]) events.push(JSON.parse(lines[i]));
  return { file, events };
}

/** Live batch sizes 1–20 from a fixed xorshift seed: every tree and run gets the same cut. */
function liveBatches(events) {
  const random = makeRandom(0x2545f491);
  const batches = [];
  for (let i = 0; i < events.length; ) {
    const size = random.int(1, 20);
    batches.push(events.slice(i, i + size));
    i += size;
  }
  return batches;
}

function foldAll(tree, batches) {
  const analyzer = new tree.Analyzer();
  let traffic = tree.emptyTrafficState();
  let analysis = analyzer.initialState();
  const started = process.hrtime.bigint();
  for (const batch of batches) {
    traffic = tree.foldEvents(traffic, batch);
    analysis = analyzer.fold(analysis, batch, traffic);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, traffic, analysis };
}

function digest(tree, { traffic, analysis }) {
  const report = JSON.stringify(tree.buildReport(analysis));
  const counts = {
    events: traffic.eventCount,
    rows: traffic.rows.length,
    exchanges: traffic.exchanges.size,
    connections: traffic.connections.size,
    calls: analysis.calls.size,
    findings: analysis.findings.length,
    frameTypes: analysis.frameTypes.size,
    audioFrames: [...analysis.connections.values()].reduce((sum, c) => sum + c.audioFrames, 0),
  };
  return { counts, hash: crypto.createHash('sha256').update(report).update(JSON.stringify(counts)).digest('hex').slice(0, 16) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const trees = await Promise.all(DISTS.map(loadTree));
const { file, events } = await sessionEvents();
const inputs = { whole: [events], live: liveBatches(events) };
console.log(`session: ${path.basename(file)}, ${events.length} events; live: ${inputs.live.length} batches of 1–20; ${RUNS} runs; node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const times = new Map();
const digests = new Map();
for (let run = 0; run < RUNS; run++) {
  for (const mode of MODES) {
    for (const tree of trees) {
      const result = foldAll(tree, inputs[mode]);
      const key = `${mode}\t${tree.dist}`;
      if (!times.has(key)) times.set(key, []);
      times.get(key).push(result.ms);
      if (run === 0) digests.set(key, digest(tree, result));
      process.stdout.write(`  run ${run + 1} ${mode.padEnd(5)} ${path.relative(ROOT, tree.dist) || tree.dist}: ${result.ms.toFixed(0)} ms\n`);
    }
  }
}

console.log('\nmode   tree                                   median ms   events/s (median)   min–max ms   result');
for (const [key, ms] of times) {
  const [mode, dist] = key.split('\t');
  const m = median(ms);
  const d = digests.get(key);
  console.log(
    `${mode.padEnd(6)} ${(path.relative(ROOT, dist) || dist).padEnd(38)} ${m.toFixed(0).padStart(9)}   ${Math.round((events.length / m) * 1000).toLocaleString('en').padStart(17)}   ${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}   ${d.hash}`,
  );
}
const hashes = new Set([...digests.values()].map((d) => d.hash));
if (hashes.size === 1) console.log(`\nall trees and modes give the same report and counts: ${JSON.stringify([...digests.values()][0].counts)}`);
else {
  console.log('\nRESULTS DIFFER:');
  for (const [key, d] of digests) console.log(`  ${key.replace('\t', ' ')}: ${d.hash} ${JSON.stringify(d.counts)}`);
  process.exitCode = 1;
}
