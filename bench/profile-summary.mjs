#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by source (package or
 * project directory), plus inclusive time of the project's own functions.
 *
 * Usage: node --cpu-prof --cpu-prof-dir=/tmp/prof bench/run.mjs --only=webhook
 *        node bench/profile-summary.mjs /tmp/prof/CPU.*.cpuprofile [--top=25]
 * With worker threads, node writes one profile per thread; the main thread (the proxy) is the one whose
 * name has the lowest thread number (…​.0.001.cpuprofile).
 */
import fs from 'node:fs';

const args = process.argv.slice(2);
const top = Number.parseInt(args.find((a) => a.startsWith('--top='))?.slice(6) ?? '25', 10);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top=N]');
  process.exit(2);
}

function source(url) {
  if (!url) return '(native/V8)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return `npm:${nm[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0].replace(/node:internal.*/, 'node:internal');
  const dist = url.match(/dist\/node\/(.+?)\/[^/]+\.js$/);
  if (dist) return `toolscope:${dist[1]}`;
  const bench = url.match(/bench\/.+$/);
  if (bench) return bench[0];
  return url;
}

for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0) / 1000);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => nodes.get(id).callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const byFn = new Map();
  const bySource = new Map();
  const inclusive = new Map();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === '(idle)') continue;
    const key = `${functionName || '(anonymous)'}  ${source(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    const src = source(url);
    bySource.set(src, (bySource.get(src) ?? 0) + ms);
    // Inclusive time of project functions: walk up once per distinct project frame.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at).callFrame;
      if (!/dist\/node\//.test(f.url)) continue;
      const k = `${f.functionName || '(anonymous)'}  ${source(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const pct = (ms) => `${((ms / busy) * 100).toFixed(1).padStart(5)}%`;
  const list = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => `  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  console.log(`${file}\n  busy ${busy.toFixed(0)} ms of ${total.toFixed(0)} ms sampled`);
  console.log(`\nself time by source:\n${list(bySource, 20)}`);
  console.log(`\nself time by function (top ${top}):\n${list(byFn, top)}`);
  console.log(`\ninclusive time of Toolscope functions (top ${top}):\n${list(inclusive, top)}\n`);
}
