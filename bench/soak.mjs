/**
 * Soak: does the core's retained memory stop growing once the capture caps are reached?
 *
 * A compressed 30-minute OpenAI-Realtime-like load through the real core (dist/node): 20 WebSocket sessions
 * through one route to a fake Realtime upstream, each sending 4 KiB audio frames (`input_audio_buffer.append`,
 * base64, 50 per simulated second) and, once per simulated second, getting a function call from the upstream and
 * answering it (`function_call_output` + `response.create`). It runs as fast as the machine allows; the number
 * of audio frames is 30 minutes' worth (20 × 50 × 1800 = 1.8 M) times `--fraction`.
 *
 * Every few percent it forces a GC (needs --expose-gc; `npm run soak` passes it) and samples heap used, RSS,
 * and the log's retained events and estimated bytes. At the end it prints the curve, checks the session file
 * has every event (its line count), and says whether the retained heap stopped growing after the cap. The log
 * drops in chunks of a quarter of its cap, so the heap saws up and down and a slope fitted to the raw heap
 * depends on where the samples fall on the teeth; two measures that do not: the peak heap of the last half may
 * exceed the peak between the cap and the half by at most a tenth of the cap, and the heap that is not the
 * log's retained events (heap used minus their estimated bytes) may grow by at most that much over the last
 * half (least-squares slope, projected over it).
 *
 * Usage: npm run soak [-- --fraction 0.1] [--memory-mb 256] [--sessions 20] [--keep-file]
 * Exit code 1 when the heap kept growing or the session file misses events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORE_JS = path.join(ROOT, 'dist/node/electron/core/toolscope-core.js');

const args = parseArgs(process.argv.slice(2));
const SESSIONS = Number(args.sessions ?? 20);
const FRAMES_PER_SECOND = 50;
const AUDIO_BYTES = 4096;
const FULL_SECONDS = 30 * 60;
const fraction = Number(args.fraction ?? 1);
const memoryMb = Number(args['memory-mb'] ?? 256);
const seconds = Math.max(1, Math.round(FULL_SECONDS * fraction));
const totalFrames = SESSIONS * FRAMES_PER_SECOND * seconds;
const SAMPLES = Number(args.samples ?? 90);

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc (npm run soak does)');
  process.exit(2);
}
if (!fs.existsSync(CORE_JS)) {
  console.error(`soak: ${path.relative(ROOT, CORE_JS)} is missing: run \`npm run build:node\` first`);
  process.exit(2);
}
const { ToolscopeCore } = await import(pathToFileURL(CORE_JS).href);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-soak-'));
const sessionFile = path.join(dir, 'soak.ndjson');

// ---- The fake Realtime upstream: counts each socket's audio frames, sends a call after every 50 ----
const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((resolve) => upstream.once('listening', resolve));
let callsAnswered = 0;
upstream.on('connection', (socket) => {
  let frames = 0;
  let second = 0;
  socket.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('{"type":"input_audio_buffer.append"')) {
      frames++;
      if (frames % FRAMES_PER_SECOND === 0) {
        second++;
        const callId = `call_${second}`;
        socket.send(
          JSON.stringify({
            type: 'response.function_call_arguments.done',
            event_id: `ev_${second}`,
            response_id: `resp_${second}`,
            item_id: `item_${second}`,
            output_index: 0,
            call_id: callId,
            name: 'get_weather',
            arguments: JSON.stringify({ city: 'Paris', second }),
          }),
        );
      }
    } else if (text.includes('"function_call_output"')) {
      callsAnswered++;
    }
  });
});
const upstreamPort = upstream.address().port;

const core = new ToolscopeCore({ appVersion: 'soak', sessionFile, sessionsDirectory: null, retention: { maxBytes: memoryMb * 1024 * 1024 } });
let sunk = 0;
core.log.addSink(() => sunk++);
const route = await core.addRoute({ listenPort: 0, upstream: `ws://127.0.0.1:${upstreamPort}` });
const proxyUrl = `ws://127.0.0.1:${route.listen.port}/v1/realtime?model=gpt-realtime`;

// ---- Sampling ----
const samples = [];
let framesSent = 0;
const started = performance.now();
function sample() {
  globalThis.gc();
  globalThis.gc();
  const memory = process.memoryUsage();
  samples.push({
    frames: framesSent,
    seconds: (performance.now() - started) / 1000,
    heapMb: memory.heapUsed / 2 ** 20,
    rssMb: memory.rss / 2 ** 20,
    externalMb: (memory.external + memory.arrayBuffers) / 2 ** 20,
    retained: core.log.size,
    retainedMb: core.log.retainedBytes / 2 ** 20,
    dropped: core.log.dropped,
    // Dropped events whose calls the core has not counted yet (they are still in memory until then).
    backlog: core.droppedChunks.reduce((n, chunk) => n + chunk.events.length, 0) + (core.counting ? core.counting.chunk.events.length - core.counting.done : 0),
  });
}
const sampleEvery = Math.max(1, Math.floor(totalFrames / SAMPLES));
let nextSample = sampleEvery;
sample();

// ---- 20 clients: 50 frames, wait for the call, answer it, repeat ----
async function runSession(index) {
  const socket = new WebSocket(proxyUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const calls = [];
  let waiting = null;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type !== 'response.function_call_arguments.done') return;
    calls.push(message);
    waiting?.();
  });
  const audio = Buffer.alloc(AUDIO_BYTES, index).toString('base64');
  for (let second = 1; second <= seconds; second++) {
    for (let i = 0; i < FRAMES_PER_SECOND; i++) {
      socket.send(`{"type":"input_audio_buffer.append","event_id":"ev_${index}_${second}_${i}","audio":"${audio}"}`);
      framesSent++;
      if (socket.bufferedAmount > 1 << 20) await new Promise((resolve) => setImmediate(resolve));
    }
    while (calls.length === 0) await new Promise((resolve) => (waiting = resolve));
    waiting = null;
    const call = calls.shift();
    socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ forecast: 'sunny', second }) } }));
    socket.send('{"type":"response.create"}');
    if (framesSent >= nextSample) {
      nextSample += sampleEvery;
      sample();
      progress();
    }
  }
  socket.close(1000);
  await new Promise((resolve) => socket.once('close', resolve));
}

function progress() {
  const last = samples[samples.length - 1];
  process.stderr.write(`\r${((100 * last.frames) / totalFrames).toFixed(0).padStart(3)}%  ${last.frames.toLocaleString()} frames  heap ${last.heapMb.toFixed(0)} MB  ${last.seconds.toFixed(0)} s   `);
}

console.log(
  `soak: ${SESSIONS} sessions × ${FRAMES_PER_SECOND} frames/s × ${seconds} s (${(fraction * 100).toFixed(1)}% of 30 min) = ${totalFrames.toLocaleString()} audio frames of ${AUDIO_BYTES} B, memory cap ${memoryMb} MB`,
);
await Promise.all(Array.from({ length: SESSIONS }, (_, i) => runSession(i)));
// Let the last frames and closes be recorded.
for (let i = 0; i < 50 && callsAnswered < SESSIONS * seconds; i++) await new Promise((resolve) => setTimeout(resolve, 20));
await new Promise((resolve) => setTimeout(resolve, 200));
sample();
process.stderr.write('\n');
const elapsed = (performance.now() - started) / 1000;
const live = await core.liveSession();
await core.close();
upstream.close();

// ---- The session file has every event ----
const appended = core.log.appended;
const fileLines = countLines(sessionFile) - 1; // the header
const fileBytes = fs.statSync(sessionFile).size;
if (!args['keep-file']) fs.rmSync(dir, { recursive: true, force: true });

// ---- Report ----
console.log('\n   frames    time s   heap MB    rss MB  ext MB   retained ev  retained MB   dropped ev  uncounted');
for (const s of samples) {
  console.log(
    `${String(s.frames).padStart(9)} ${s.seconds.toFixed(1).padStart(9)} ${s.heapMb.toFixed(1).padStart(9)} ${s.rssMb.toFixed(1).padStart(9)} ${s.externalMb.toFixed(1).padStart(7)} ${String(s.retained).padStart(13)} ${s.retainedMb.toFixed(1).padStart(12)} ${String(s.dropped).padStart(12)} ${String(s.backlog).padStart(10)}`,
  );
}
const capReachedAt = samples.findIndex((s) => s.dropped > 0);
const half = Math.floor(samples.length / 2);
const lastHalf = samples.slice(half);
const slope = leastSquaresSlope(lastHalf.map((s) => [s.frames, s.heapMb - s.retainedMb]));
const span = lastHalf[lastHalf.length - 1].frames - lastHalf[0].frames;
const growthMb = slope * span;
const thresholdMb = memoryMb / 10;
const capReachedBeforeHalf = capReachedAt >= 0 && capReachedAt < half;
const peakBefore = capReachedBeforeHalf ? Math.max(...samples.slice(capReachedAt, half).map((s) => s.heapMb)) : NaN;
const peakAfter = Math.max(...lastHalf.map((s) => s.heapMb));
const heapOk = capReachedBeforeHalf && growthMb < thresholdMb && peakAfter - peakBefore < thresholdMb;
const fileOk = fileLines === appended && sunk === appended;
console.log(`
time            ${elapsed.toFixed(1)} s (${Math.round(framesSent / elapsed).toLocaleString()} audio frames/s through the proxy)
events          ${appended.toLocaleString()} appended, ${sunk.toLocaleString()} to the session sink, ${fileLines.toLocaleString()} lines in the session file (${(fileBytes / 2 ** 30).toFixed(2)} GiB)
calls           ${callsAnswered.toLocaleString()} answered; Sessions list counts ${live.calls.toLocaleString()} calls, ${live.events.toLocaleString()} events
cap reached     ${capReachedAt >= 0 ? `at sample ${capReachedAt} (${samples[capReachedAt].frames.toLocaleString()} frames)` : 'never (raise --fraction or lower --memory-mb)'}
peak heap       ${peakBefore.toFixed(1)} MB from the cap to half-way, ${peakAfter.toFixed(1)} MB in the last half (may grow by ${thresholdMb.toFixed(1)} MB)
other heap      heap minus retained events: ${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB over the last half (${slope >= 0 ? '+' : ''}${(slope * 100_000).toFixed(2)} MB per 100,000 frames; threshold ${thresholdMb.toFixed(1)} MB)
peak            heap ${Math.max(...samples.map((s) => s.heapMb)).toFixed(0)} MB, rss ${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MB
verdict         ${heapOk ? 'retained heap stopped growing after the cap' : 'retained heap KEPT GROWING (or the cap was not reached in the first half)'}; session file ${fileOk ? 'has every event' : 'MISSES EVENTS'}`);
process.exit(heapOk && fileOk ? 0 : 1);

function leastSquaresSlope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function countLines(file) {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  let lines = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      let at = buffer.indexOf(10, 0);
      while (at !== -1 && at < n) {
        lines++;
        at = buffer.indexOf(10, at + 1);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) out[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}
