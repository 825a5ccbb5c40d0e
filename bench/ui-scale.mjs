#!/usr/bin/env node
/**
 * UI at scale: how the browser UI copes with a 100,000-event session.
 *
 * 1. Writes a realistic session (bench/lib/ui-session-generator.mjs) to a temp dir, reads it back with the
 *    compiled session reader (no warnings, the same event count) and runs `toolscope report --json` on it.
 *    Then, in Node, times the streamed open's pipeline step by step with the compiled code (dist/node): the
 *    core's streamed bytes gathered in 4 MiB pieces, their streaming UTF-8 decoding, the
 *    SessionLineReader (JSON.parse + zod per line), the traffic fold and the analysis fold per slice; and a
 *    "direct" reference, `fs.readFileSync` + `JSON.parse` of every line, the least any reader must do.
 * 2. Runs the real CLI (`toolscope serve --no-open --ui-port 0`, with a temp TOOLSCOPE_HOME so the Sessions list
 *    is empty) and times openSession + readSession slices until done from a Node `ws` client over the real
 *    bridge socket (the core's and the transport's share). Then Chromium (Playwright): for each round, in a
 *    fresh page, opens the session the way a user does (header button "Sessions…" → dialog "Sessions" → form
 *    "Open session by path": type the path, submit "Open path"). The page reads the file in 4 MiB slices with
 *    one request always in flight, folds each slice and publishes every 250 ms, so two times are taken:
 *      firstRowsMs  submit → the first option row of listbox "Function calls" or "Traffic" is painted;
 *      loadedMs     submit → the progressbar "Opening session" is gone and the "Session file" banner shows
 *                   the full event count, painted (the figure checked against the target);
 *    plus the slice messages' arrival times, the JSON.parse of their envelopes, long tasks and frozen frames.
 *    The open is measured twice per round: in a page Playwright does not drive (the reported figure; Playwright
 *    enables the DevTools Network domain, which copies every WebSocket frame) and in the Playwright page,
 *    which then types a filter one key at a time in the Calls and the Traffic view, scrolls the list, and
 *    reads the page's JS heap.
 * 3. Prints a table and writes every figure to bench/ui-results.json (git-ignored).
 *
 * Every time is taken inside the page with performance.now(), from the DOM event that starts the action to the
 * first frame painted after the UI settled (see PAGE_INSTRUMENTS), so Playwright's round trips are not in it.
 * A measurement whose element is missing is reported as `skipped: <element> not found`, never a crash.
 *
 * Usage: npm run bench:ui     (builds first)
 *        node bench/ui-scale.mjs [--events=100000] [--rounds=3] [--query=weather] [--keep] [--no-breakdown] [--check]
 *   (`--events 20000` works too; --help prints this and exits)
 *   --keep           keep the temp dir with the generated session (its path is printed)
 *   --no-breakdown   skip the Node-side timing of the open's pipeline, the direct reference and the ws client
 *   --check          exit 1 when a target is missed
 * Env: CHROMIUM_PATH overrides the browser (default /usr/bin/chromium when present, else Playwright's own).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateUiSession } from './lib/ui-session-generator.mjs';
import { fmt, median, percentile, round, table } from './lib/stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const DIST = path.join(ROOT, 'dist/node');
const CLI = path.join(ROOT, 'bin/toolscope.js');
const RESULTS = path.join(HERE, 'ui-results.json');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  console.log(/\/\*\*\n([\s\S]*?)\*\//.exec(source)[1].replace(/^ \* ?/gm, ''));
  process.exit(0);
}
/** `--name=value` or `--name value`. */
const option = (name, fallback) => {
  const hit = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === -1) return fallback;
  return argv[hit].includes('=') ? argv[hit].slice(name.length + 3) : (argv[hit + 1] ?? '');
};
const flag = (name) => argv.includes(`--${name}`);
const positiveInt = (name, fallback) => {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return value;
};

const CONFIG = {
  events: positiveInt('events', 100_000),
  rounds: positiveInt('rounds', 3),
  query: option('query', 'weather'),
  scrollMs: 3000,
  // 3 rows of 22 px per frame, ~4,000 px/s: a brisk wheel flick, fast enough that every frame needs new rows.
  scrollPxPerFrame: 66,
  viewport: { width: 1440, height: 900 },
};
const KEEP = flag('keep');
const BREAKDOWN = !flag('no-breakdown');
const CHECK = flag('check');

/** What the UI asks for per readSession call (renderer/src/state/session-source.ts). */
const SLICE_BYTES = 4 * 1024 * 1024;
const WATCHDOG_MS = 10 * 60_000;
const OPEN_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;
const FRAME_MS = 1000 / 60;
const TARGETS = {
  openMs: 2000,
  // "Well under a frame": the painted result of a keystroke, worst case, within one 60 Hz frame.
  filterMaxMs: FRAME_MS,
  scrollP95Ms: 20,
  scrollFramesOver50: 0,
};

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Without it performance.memory is rounded and updated only now and then.
  '--enable-precise-memory-info',
];

// ------------------------------------------------------------------------------------------- cleanup

/** Things to undo, newest first; run once, on success, failure, watchdog or Ctrl-C. */
const cleanups = [];
let cleaning = null;
let interrupted = false;
function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const undo = cleanups.pop();
      try {
        await undo();
      } catch (error) {
        console.error(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: closing the browser and toolscope serve`);
    cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`watchdog: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
  cleanup().finally(() => process.exit(1));
}, WATCHDOG_MS);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const log = (line) => process.stderr.write(`${line}\n`);
const mb = (bytes) => bytes / (1024 * 1024);

// ------------------------------------------------------------------------------------------- step 1: the file

async function prepareSession(dir) {
  const file = path.join(dir, 'ui-scale-session.ndjson');
  const started = performance.now();
  const generated = await generateUiSession(file, { events: CONFIG.events });
  const generateMs = performance.now() - started;
  log(`generated ${generated.events.toLocaleString()} events, ${fmt(mb(generated.bytes), 1)} MB, ${generated.calls.total.toLocaleString()} calls in ${fmt(generateMs / 1000, 1)} s`);

  const readMs = await readBack(file, generated.events);

  const report = await runReport(file);
  log(`toolscope report --json: ${report.calls.toLocaleString()} calls (exit ${report.exitCode}, ${fmt(report.ms, 0)} ms)`);
  if (report.calls === 0) throw new Error('toolscope report finds no function calls in the generated session');
  if (report.calls !== generated.calls.total) {
    log(`note  the generator made ${generated.calls.total} calls; the analysis counts ${report.calls}`);
  }
  const breakdown = BREAKDOWN ? await nodeBreakdown(file, generated.events) : null;
  return { file, generated, generateMs, readMs, report, breakdown };
}

/**
 * The core's whole-file reader (the one `toolscope report` and the Sessions list's counts use): a warning or a
 * different count means the generator is wrong. In a function of its own, so the events are garbage once it
 * returns and do not sit in memory while the Node-side timings run.
 */
async function readBack(file, expectedEvents) {
  const { readSessionFile } = await import(pathToFileURL(path.join(DIST, 'electron/session/session-reader.js')).href);
  const started = performance.now();
  const loaded = await readSessionFile(file);
  const readMs = performance.now() - started;
  if (loaded.warnings.length > 0) {
    const first = loaded.warnings.slice(0, 5).map((w) => `  line ${w.line}: ${w.message}`).join('\n');
    throw new Error(`the session reader reports ${loaded.warnings.length} warning(s) on the generated file:\n${first}`);
  }
  if (loaded.events.length !== expectedEvents) {
    throw new Error(`the session reader read ${loaded.events.length} events, the generator wrote ${expectedEvents}`);
  }
  for (let i = 0; i < loaded.events.length; i++) {
    const event = loaded.events[i];
    if (event.seq !== i + 1) throw new Error(`event ${i + 1} has seq ${event.seq}: seq must count from 1 without gaps`);
    if (i > 0 && event.t < loaded.events[i - 1].t) throw new Error(`event seq ${event.seq} goes back in time`);
  }
  log(`read back with the core's session reader in ${fmt(readMs, 0)} ms: ${loaded.events.length.toLocaleString()} events, no warnings`);
  return readMs;
}

/** `toolscope report FILE --json`; exit 1 only means "has error findings", which this session has on purpose. */
function runReport(file) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'report', file, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== 1) return reject(new Error(`toolscope report exited with ${code}: ${err.trim()}`));
      try {
        const json = JSON.parse(Buffer.concat(out).toString('utf8'));
        const byStatus = {};
        for (const call of json.calls) byStatus[`${call.protocol}/${call.status}`] = (byStatus[`${call.protocol}/${call.status}`] ?? 0) + 1;
        resolve({ exitCode: code, ms: performance.now() - started, calls: json.calls.length, findings: json.findings.length, byStatus });
      } catch (error) {
        reject(new Error(`toolscope report --json printed no JSON: ${error.message}`));
      }
    });
  });
}

/**
 * The steps of the streamed open, timed one by one in Node with the same compiled code the core and the UI run
 * (V8 in both), slice by slice as the page does them: where the browser's open time goes. Also the "direct"
 * reference: the whole file read at once and every line JSON.parse'd, nothing else. Each part is optional, so a
 * renamed internal only drops its lines.
 */
async function nodeBreakdown(file, expectedEvents) {
  const steps = {};
  const load = async (rel) => import(pathToFileURL(path.join(DIST, rel)).href);
  const time = (fn) => {
    const started = performance.now();
    const value = fn();
    return [value, performance.now() - started];
  };
  try {
    steps.direct = directReference(file);
    log(`direct reference: readFileSync ${fmt(steps.direct.readMs, 0)} ms + JSON.parse of ${steps.direct.lines.toLocaleString()} lines ${fmt(steps.direct.parseMs, 0)} ms = ${fmt(steps.direct.totalMs, 0)} ms`);
  } catch (error) {
    steps.directError = error.message;
  }
  try {
    const { openSessionForReading } = await load('electron/session/session-slices.js');
    const decoder = new TextDecoder('utf-8');
    const { SessionLineReader } = await load('shared/session-line-reader.js');
    const bridge = await load('shared/bridge.js');
    const { emptyTrafficState, foldEvents } = await load('shared/store/traffic-state.js');
    const { Analyzer } = await load('shared/analysis/analyzer.js');

    const fd = openSync(file, 'r');
    const totals = { openMs: 0, readMs: 0, stringifyMs: 0, envelopeParseMs: 0, zodEnvelopeMs: 0, lineReaderMs: 0, trafficFoldMs: 0, analysisFoldMs: 0 };
    const perSlice = [];
    const started = performance.now();
    const [opened, openMs] = time(() => openSessionForReading(file));
    totals.openMs = openMs;
    const reader = new SessionLineReader({ afterHeader: true });
    const analyzer = new Analyzer();
    let traffic = emptyTrafficState();
    let analysis = analyzer.initialState();
    let events = 0;
    let warnings = 0;
    let messageBytes = 0;
    const fold = (parsed, slice) => {
      events += parsed.events.length;
      warnings += parsed.warnings.length;
      if (parsed.events.length === 0) return;
      const [next, trafficMs] = time(() => foldEvents(traffic, parsed.events));
      const [nextAnalysis, analysisMs] = time(() => analyzer.fold(analysis, parsed.events, next));
      traffic = next;
      analysis = nextAnalysis;
      totals.trafficFoldMs += trafficMs;
      totals.analysisFoldMs += analysisMs;
      if (slice) Object.assign(slice, { trafficFoldMs: trafficMs, analysisFoldMs: analysisMs });
    };
    let offset = opened.eventsOffset;
    while (offset < opened.bytes) {
      // The core: the UI server streams the file's bytes (ui-server.ts, SESSION_STREAM_PATH); the page gathers
      // the stream's pieces into ~4 MiB and decodes them with a streaming TextDecoder (session-source.ts).
      const want = Math.min(SLICE_BYTES, opened.bytes - offset);
      const [bytes, readMs] = time(() => {
        const buffer = Buffer.allocUnsafe(want);
        const read = readSync(fd, buffer, 0, want, offset);
        return buffer.subarray(0, read);
      });
      const stringifyMs = 0;
      const [text, envelopeParseMs] = time(() => decoder.decode(bytes, { stream: offset + bytes.length < opened.bytes }));
      const zodEnvelopeMs = 0;
      const slice = { text, nextOffset: offset + bytes.length, done: offset + bytes.length >= opened.bytes };
      messageBytes += bytes.length;
      // The page: view-store.ts, per slice.
      const [parsed, lineReaderMs] = time(() => reader.push(slice.text));
      const entry = { bytes: slice.nextOffset - offset, events: parsed.events.length, readMs, stringifyMs, envelopeParseMs, zodEnvelopeMs, lineReaderMs };
      fold(parsed, entry);
      perSlice.push(entry);
      totals.readMs += readMs;
      totals.stringifyMs += stringifyMs;
      totals.envelopeParseMs += envelopeParseMs;
      totals.zodEnvelopeMs += zodEnvelopeMs;
      totals.lineReaderMs += lineReaderMs;
      offset = slice.nextOffset;
      if (slice.done) break;
    }
    closeSync(fd);
    const [tail, finishMs] = time(() => reader.finish());
    totals.lineReaderMs += finishMs;
    fold(tail, null);
    const totalMs = performance.now() - started;
    if (events !== expectedEvents) throw new Error(`the streamed pipeline read ${events} events, the generator wrote ${expectedEvents}`);
    if (warnings > 0) throw new Error(`the SessionLineReader reports ${warnings} warning(s) on the generated file`);
    steps.pipeline = {
      sliceBytes: SLICE_BYTES,
      slices: perSlice.length,
      events,
      messageMb: round(mb(messageBytes), 1),
      ...Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v, 1)])),
      totalMs: round(totalMs, 1),
      // The page's share of one slice (lines + folds): how long one slice blocks the page's main thread.
      pageSliceMaxMs: round(Math.max(...perSlice.map((x) => x.lineReaderMs + (x.trafficFoldMs ?? 0) + (x.analysisFoldMs ?? 0))), 1),
      perSlice: perSlice.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v, 2)]))),
    };
    if (steps.direct) steps.pipeline.ratioToDirect = round(totalMs / steps.direct.totalMs, 2);
    log(`streamed pipeline in Node: ${perSlice.length} slices, ${fmt(totalMs, 0)} ms`);

    // What the two views compute from those states on their first render, and per filter keystroke.
    const { buildCallRows } = await load('shared/timeline/call-rows.js');
    const { EMPTY_FILTER, summariseFindingsByCall } = await load('shared/timeline/timeline-filter.js');
    const { foldAudioRuns } = await load('shared/timeline/audio-runs.js');
    const { filterTrafficRows } = await load('shared/timeline/traffic-filter.js');
    const [findingsByCall, summaryMs] = time(() => summariseFindingsByCall(analysis.findings));
    const callInput = (text) => ({
      callOrder: analysis.callOrder,
      calls: analysis.calls,
      findingsByCall,
      filter: { ...EMPTY_FILTER, text },
      grouped: false,
      foldedGroups: new Set(),
      clearedAfterSeq: 0,
    });
    const [callRows, callRowsMs] = time(() => buildCallRows(callInput('')));
    steps.callRowsMs = round(summaryMs + callRowsMs, 1);
    steps.callRows = callRows.rows.length;
    const [audio, audioFoldMs] = time(() => foldAudioRuns(null, traffic, analysis.frameTypes));
    steps.audioFoldMs = round(audioFoldMs, 1);
    steps.trafficRows = audio.rows.length;
    const trafficInput = (text) => ({
      rows: audio.rows,
      traffic,
      analysis,
      filter: { ...EMPTY_FILTER, text },
      hideAudio: false,
      expandedRuns: new Set(),
      clearedAfterSeq: 0,
    });
    steps.filterCompute = [];
    for (let i = 1; i <= CONFIG.query.length; i++) {
      const text = CONFIG.query.slice(0, i);
      const [calls, callsMs] = time(() => buildCallRows(callInput(text)));
      const [rows, rowsMs] = time(() => filterTrafficRows(trafficInput(text)));
      steps.filterCompute.push({ text, callsMs: round(callsMs, 2), calls: calls.matched.length, trafficMs: round(rowsMs, 2), trafficRows: rows.rows.length });
    }
  } catch (error) {
    steps.error = error.message;
  }
  return steps;
}

/**
 * The least any reader of the file must do: read it whole and JSON.parse every line (header included).
 * No zod, no folds, no transport: the floor the streamed open is compared against.
 */
function directReference(file) {
  let started = performance.now();
  const text = readFileSync(file, 'utf8');
  const readMs = performance.now() - started;
  started = performance.now();
  let lines = 0;
  let objects = 0;
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end > start) {
      // Counted, so the parse cannot be optimised away.
      if (typeof JSON.parse(text.slice(start, end)) === 'object') objects++;
      lines++;
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  const parseMs = performance.now() - started;
  if (objects !== lines) throw new Error(`direct reference: ${lines - objects} line(s) are not JSON objects`);
  return { bytes: Buffer.byteLength(text), lines, readMs: round(readMs, 1), parseMs: round(parseMs, 1), totalMs: round(readMs + parseMs, 1) };
}

// ------------------------------------------------------------------------------------------- step 2: serve + browser

/** Runs `toolscope serve` and reads the `ui  URL` line it prints (as e2e/support/toolscope-serve.ts does). */
async function startServe(sessionFile, home) {
  const child = spawn(process.execPath, [CLI, 'serve', '--no-open', '--ui-port', '0', '--session', sessionFile], {
    cwd: ROOT,
    // Its own TOOLSCOPE_HOME: the Sessions dialog lists (and counts in the background) the files of the sessions
    // folder, and the user's real folder must neither slow the open down nor get a catalog cache from a bench.
    env: { ...process.env, TOOLSCOPE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk) => (text += chunk));
  child.stderr.on('data', (chunk) => (text += chunk));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  cleanups.push(stop);
  // Last resort if this process dies without running the cleanups.
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  const deadline = Date.now() + 15_000;
  while (!/^ui\s+\S+/m.test(text)) {
    if (child.exitCode !== null) throw new Error(`toolscope serve exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) throw new Error(`toolscope serve printed no UI address within 15 s:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: /^ui\s+(\S+)/m.exec(text)[1], output: () => text };
}

/**
 * The same open from a Node WebSocket client (the `ws` package) against the same serve process: openSession,
 * then readSession slices until done, the next asked for as soon as the previous arrived (as the page does,
 * which has one request in flight while it parses). The core's share (header check, slice reads,
 * JSON.stringify, send) and the transport's, without the browser's receive path and without parsing events.
 */
async function nodeClientRead(uiUrl, sessionFile) {
  const { default: WebSocket } = await import('ws');
  const url = new URL(uiUrl);
  const token = url.searchParams.get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}/api/bridge?token=${encodeURIComponent(token)}`, { maxPayload: 0 });
  const closeSocket = () => socket.terminate();
  cleanups.push(closeSocket);
  try {
    await withTimeout(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), STEP_TIMEOUT_MS, 'bridge socket');
    const answer = new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const json = JSON.parse(data.toString());
        if (json.type !== 'result' || json.id !== 1) return; // the live snapshot's batches
        if (json.ok) resolve(json.value);
        else reject(new Error(json.error));
      });
    });
    const started = performance.now();
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'openSession', params: { path: sessionFile } }));
    const opened = await withTimeout(answer, STEP_TIMEOUT_MS, 'openSession from a Node client');
    const openMs = performance.now() - started;
    // The page's way to the events: one streamed HTTP body (shared/bridge.ts, SESSION_STREAM_PATH).
    const stream = new URL('/api/session-stream', `http://${url.host}`);
    stream.searchParams.set('path', opened.path);
    stream.searchParams.set('offset', String(opened.eventsOffset));
    stream.searchParams.set('end', String(opened.bytes));
    const response = await fetch(stream, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`session stream: HTTP ${response.status}`);
    let bytes = 0;
    let pieces = 0;
    let firstSliceMs = null;
    for await (const piece of response.body) {
      firstSliceMs ??= performance.now() - started;
      bytes += piece.byteLength;
      pieces++;
    }
    return { openMs, firstSliceMs, ms: performance.now() - started, slices: pieces, mb: mb(bytes), clientParseMs: 0 };
  } finally {
    cleanups.splice(cleanups.indexOf(closeSocket), 1);
    closeSocket();
  }
}

async function launchBrowser() {
  let chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch {
    throw new Error('@playwright/test is not installed: run `npm install`');
  }
  const executablePath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  return browser;
}

/**
 * Installed in every page before its own scripts. Everything the figures are made of is taken here, with
 * performance.now(), so no Node round trip is in them:
 *   - afterPaint(): a message posted from requestAnimationFrame arrives once that frame has been produced,
 *     i.e. when what the DOM holds now is on screen (rAF alone runs *before* the paint).
 *   - "activity" is a React commit (through the DevTools hook, which React calls also in production builds,
 *     so a render that changes no DOM still counts) or a DOM mutation (any UI, React or not).
 *   - an action has settled when nothing happened for a quiet period *and* the main thread went idle: React
 *     renders deferred values in slices, and a quiet timer alone could fire between two slices.
 *   - the bridge WebSocket's messages (which are slices of the session) and the JSON.parse of their envelopes
 *     are timed to split the open time into parts; long tasks and frames > 100 ms apart show where it froze.
 *   - timers of 30 ms or more set during an action are recorded, so a debounce shows up in the results.
 */
const PAGE_INSTRUMENTS = () => {
  const now = () => performance.now();
  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  const bench = {
    reactHooked: false,
    onCommit: null,
    messages: [],
    parses: [],
    timerWatch: null,
  };
  window.__uiBench = bench;

  if (!('__REACT_DEVTOOLS_GLOBAL_HOOK__' in window)) {
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true,
      isDisabled: false,
      renderers: new Map(),
      inject() {
        bench.reactHooked = true;
        return 1;
      },
      onCommitFiberRoot() {
        bench.onCommit?.(now());
      },
      onCommitFiberUnmount() {},
      onPostCommitFiberRoot() {},
      checkDCE() {},
    };
  }

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      // Added in the constructor, so it runs before the app's own listener: the arrival, not the handling.
      this.addEventListener('message', (event) => {
        const t = now();
        const data = event.data;
        const size = typeof data === 'string' ? data.length : (data.size ?? data.byteLength ?? 0);
        // What the message is, from its first characters (JSON.stringify keeps the key order of the host's object).
        const head = typeof data === 'string' ? data.slice(0, 80) : '';
        let kind = 'other';
        if (head.startsWith('{"type":"batch"')) kind = 'batch';
        else if (head.startsWith('{"type":"result"')) {
          kind = head.includes('"value":{"text":') ? 'slice' : head.includes('"value":{"path":') ? 'opened' : 'result';
        }
        bench.messages.push({ t, size, kind });
        if (bench.messages.length > 5000) bench.messages.shift();
      });
    }
  };

  const nativeParse = JSON.parse;
  JSON.parse = function parse(text, reviver) {
    if (typeof text !== 'string' || text.length < 100_000) return nativeParse.call(JSON, text, reviver);
    const t0 = now();
    const value = nativeParse.call(JSON, text, reviver);
    // A bridge message (a slice's envelope), or a single large event line.
    bench.parses.push({ t0, t1: now(), chars: text.length, envelope: text.startsWith('{"type":') });
    if (bench.parses.length > 5000) bench.parses.shift();
    return value;
  };

  window.setTimeout = function setTimeout(fn, delay, ...rest) {
    const ms = Number(delay) || 0;
    if (bench.timerWatch && typeof fn === 'function' && ms >= 30 && ms <= 5000) {
      const record = { setAt: now(), delay: ms, firedAt: null };
      bench.timerWatch.push(record);
      return realSetTimeout(
        function fire(...args) {
          record.firedAt = now();
          return fn.apply(this, args);
        },
        delay,
        ...rest,
      );
    }
    return realSetTimeout(fn, delay, ...rest);
  };

  const afterPaint = (callback) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => callback(now());
      channel.port2.postMessage(null);
    });
  bench.afterPaint = () => new Promise((resolve) => afterPaint(resolve));

  // Accessible name and role, for the few roles this benchmark looks for (a small subset of ARIA).
  const IMPLICIT = { region: ['section'], form: ['form'], status: ['output'], listbox: ['select'], dialog: ['dialog'], button: ['button'], progressbar: ['progress'] };
  const nameOf = (el) => {
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const ids = el.getAttribute('aria-labelledby');
    if (ids) return ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    // Roles named by their content.
    return el.matches('button, [role="button"], [role="option"], [role="radio"]') ? (el.textContent ?? '').trim() : '';
  };
  const findByRole = (role, name, within = document) => {
    const selector = [`[role="${role}"]`, ...(IMPLICIT[role] ?? []).map((tag) => `${tag}:not([role])`)].join(',');
    for (const el of within.querySelectorAll(selector)) if (nameOf(el) === name) return el;
    return null;
  };
  const visible = (el) => el.getClientRects().length > 0 && (el.checkVisibility ? el.checkVisibility() : true);
  const rowCount = (list) => list.querySelectorAll('[role="option"]').length || (list.firstElementChild?.childElementCount ?? 0);
  bench.findByRole = findByRole;

  /**
   * Submit of the "Open session by path" form → two moments, each taken when the DOM first shows it and again
   * when that frame was painted (double requestAnimationFrame: the second callback runs once the frame of the
   * first was produced):
   *   firstRows  the "Session file" region is there and listbox `listNames` (either) has an option row;
   *   loaded     the region has no progressbar "Opening session" and says " N events" with N the full count.
   * Meanwhile: a rAF loop records stretches without a frame (> 100 ms), a PerformanceObserver the long tasks,
   * and the React commit hook the commits; messages and envelope parses come from the hooks above. A banner
   * that ends with an error (refused file, reading stopped) ends the wait with `error` set.
   */
  bench.armOpen = ({ regionName, listNames, progressName, expectedEvents }) => {
    bench.open = new Promise((resolve) => {
      const expectedText = ` ${expectedEvents.toLocaleString()} events`;
      let tSubmit = null;
      let finished = false;
      let firstRows = null;
      let loaded = null;
      const commits = [];
      const stalls = [];
      const longTasks = [];
      let longTaskObserver = null;
      let frameLoop = false;
      let lastFrame = null;
      const painted = (callback) => requestAnimationFrame(() => requestAnimationFrame(() => callback(now())));
      const finish = (error, regionText) => {
        if (finished) return;
        finished = true;
        frameLoop = false;
        const tEnd = now();
        if (lastFrame !== null && tEnd - lastFrame > 100) stalls.push({ at: lastFrame - tSubmit, ms: tEnd - lastFrame });
        observer.disconnect();
        longTaskObserver?.disconnect();
        bench.onCommit = null;
        resolve({
          tSubmit,
          error,
          firstRows,
          loaded,
          regionText,
          // Stretches without a frame: the main thread was busy (or the page could not paint) that long.
          stalls,
          longTasks: longTasks.filter((x) => x.start >= tSubmit),
          commits,
          messages: bench.messages.filter((m) => m.t >= tSubmit),
          parses: bench.parses.filter((p) => p.t0 >= tSubmit),
          reactHooked: bench.reactHooked,
        });
      };
      const done = () => {
        // Loaded with no row ever seen (an empty list, or a list not on screen): firstRows stays null.
        if (loaded?.tPaint != null && (firstRows === null || firstRows.tPaint != null)) finish(null, loaded.text);
      };
      const check = () => {
        if (tSubmit === null || finished) return;
        const region = findByRole('region', regionName);
        if (!region) return;
        if (firstRows === null) {
          const list = listNames.map((n) => findByRole('listbox', n)).find((l) => l && visible(l) && l.querySelector('[role="option"]'));
          if (list) {
            firstRows = { tDom: now(), tPaint: null, list: nameOf(list), rows: list.querySelectorAll('[role="option"]').length };
            painted((t) => {
              firstRows.tPaint = t;
              done();
            });
          }
        }
        if (loaded === null) {
          const progress = findByRole('progressbar', progressName, region);
          const text = region.textContent ?? '';
          if (!progress && text.includes(expectedText)) {
            loaded = { tDom: now(), tPaint: null, text: text.trim() };
            painted((t) => {
              loaded.tPaint = t;
              done();
            });
          } else if (!progress && (region.querySelector('[role="alert"]') || /reading stopped|stopped after/.test(text))) {
            finish(`the session did not load: ${text.trim()}`, text.trim());
          }
        }
      };
      // When the callback runs, not its timestamp: a frame begun before a long task keeps its early timestamp
      // and runs only after the task, so timestamps alone would hide the longest freeze.
      const frame = () => {
        if (!frameLoop) return;
        const t = now();
        if (lastFrame !== null && t - lastFrame > 100) stalls.push({ at: lastFrame - tSubmit, ms: t - lastFrame });
        lastFrame = t;
        requestAnimationFrame(frame);
      };
      const observer = new MutationObserver(check);
      document.addEventListener(
        'submit',
        () => {
          tSubmit = now();
          frameLoop = true;
          requestAnimationFrame(frame);
          try {
            longTaskObserver = new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, ms: entry.duration });
            });
            longTaskObserver.observe({ type: 'longtask' });
          } catch {
            longTaskObserver = null;
          }
          observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true });
          bench.onCommit = (t) => {
            commits.push(t);
            check();
          };
        },
        { capture: true, once: true },
      );
    });
  };

  /**
   * The next `eventType` event (input, click) → the last change of the result (a DOM change inside one of
   * `resultTargets`, e.g. the list and the "Shown" status; anywhere when none are given) → that frame painted.
   * Also: the first painted frame after the event (for a keystroke, the character echoed in the box), and the
   * frame after the last activity of any kind (commits that change nothing visible, e.g. the virtualizer
   * resetting its "is scrolling" state 150 ms after the list moved), which is when the UI is idle again.
   */
  bench.armInteraction = ({ eventType, quietMs, noChangeMs, statusName, resultTargets }) => {
    bench.interaction = new Promise((resolve) => {
      const activity = [];
      let tEvent = null;
      let finished = false;
      let timer = null;
      const watch = [];
      let targets = [];
      const inResult = (node) => targets.length === 0 || targets.some((el) => el.contains(node));
      const observer = new MutationObserver((records) => note(records.some((r) => inResult(r.target)) ? 'result' : 'dom'));
      const statusText = () => findByRole('status', statusName)?.textContent?.trim() ?? null;
      const before = statusText();
      const finish = async (reason) => {
        if (finished) return;
        finished = true;
        realClearTimeout(timer);
        observer.disconnect();
        bench.onCommit = null;
        bench.timerWatch = null;
        document.removeEventListener(eventType, onEvent, true);
        const first = activity[0];
        const last = activity[activity.length - 1];
        const result = activity.filter((a) => a.source === 'result').pop();
        for (const entry of [first, last, result]) if (entry && entry.paint === null) entry.paint = await bench.afterPaint();
        resolve({
          reason,
          tEvent,
          activities: activity.length,
          commits: activity.filter((a) => a.source === 'commit').map((a) => a.t - tEvent),
          firstPaint: first?.paint ?? null,
          resultT: result?.t ?? null,
          resultPaint: result?.paint ?? null,
          lastPaint: last?.paint ?? null,
          statusBefore: before,
          statusAfter: statusText(),
          // A debounce is a timer the result had to wait for: set after the event, fired before the result.
          timers: result ? watch.filter((w) => w.firedAt !== null && w.firedAt <= result.t) : [],
        });
      };
      const waitIdle = () => {
        const seen = activity.length;
        requestIdleCallback(() => activity.length === seen && finish('settled'), { timeout: 5000 });
      };
      const note = (source) => {
        if (tEvent === null || finished) return;
        const entry = { t: now(), source, paint: null };
        activity.push(entry);
        afterPaint((t) => (entry.paint = t));
        realClearTimeout(timer);
        timer = realSetTimeout(waitIdle, quietMs);
      };
      const onEvent = (event) => {
        const t = now();
        // The event's own timestamp is when the browser received the input, which includes any queueing.
        tEvent = event.timeStamp > 0 && event.timeStamp <= t ? event.timeStamp : t;
        targets = (resultTargets ?? []).map(({ role, name }) => findByRole(role, name)).filter(Boolean);
        observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true });
        bench.onCommit = () => note('commit');
        bench.timerWatch = watch;
        realClearTimeout(timer);
        timer = realSetTimeout(() => finish('no change'), noChangeMs);
      };
      document.addEventListener(eventType, onEvent, { capture: true, once: true });
      timer = realSetTimeout(() => tEvent === null && finish('no event'), 10_000);
    });
  };

  /** Resolves once the UI was quiet for `quietMs` and the main thread idle (after an action not measured). */
  bench.settle = (quietMs) =>
    new Promise((resolve) => {
      let timer = null;
      let changes = 0;
      const observer = new MutationObserver(() => bump());
      const bump = () => {
        changes++;
        realClearTimeout(timer);
        timer = realSetTimeout(() => {
          const seen = changes;
          requestIdleCallback(() => {
            if (changes !== seen) return;
            observer.disconnect();
            bench.onCommit = null;
            resolve();
          }, { timeout: 5000 });
        }, quietMs);
      };
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true });
      bench.onCommit = bump;
      bump();
    });

  /** Scrolls the list from the top by `px` per frame for `durationMs`, recording rAF frame-to-frame times. */
  bench.scroll = ({ listName, durationMs, px }) =>
    new Promise((resolve) => {
      const list = findByRole('listbox', listName);
      if (!list) return resolve(null);
      list.scrollTop = 0;
      const deltas = [];
      let longTasks = 0;
      let longTaskMs = 0;
      let observer = null;
      try {
        observer = new PerformanceObserver((entries) => {
          for (const entry of entries.getEntries()) {
            longTasks++;
            longTaskMs += entry.duration;
          }
        });
        observer.observe({ type: 'longtask' });
      } catch {
        observer = null;
      }
      let start = null;
      let previous = null;
      let direction = 1;
      let travelled = 0;
      const frame = (ts) => {
        if (previous !== null) deltas.push(ts - previous);
        previous = ts;
        start ??= ts;
        if (ts - start >= durationMs) {
          observer?.disconnect();
          resolve({ deltas, longTasks, longTaskMs, travelled, scrollHeight: list.scrollHeight, rows: rowCount(list) });
          return;
        }
        // Turn around at either end, so a short list still gets scrolled for the whole time.
        const max = list.scrollHeight - list.clientHeight;
        if ((direction > 0 && list.scrollTop >= max) || (direction < 0 && list.scrollTop <= 0)) direction = -direction;
        list.scrollTop += direction * px;
        travelled += px;
        requestAnimationFrame(frame);
      };
      // Two frames after the jump to the top, so the jump itself is not measured.
      requestAnimationFrame(() => requestAnimationFrame(frame));
    });
};

/**
 * Opens the session in a page Playwright does not drive, the same way as in the Playwright page ("Sessions…",
 * the path typed into the dialog's form, "Open path"), and returns the same figures. Why: Playwright enables the
 * DevTools Network domain on its pages, which copies the payload of every WebSocket frame to the driver: here
 * every 4 MiB slice of the session (~150 MB in all), a cost no user pays. The page lives in a browser context
 * made over CDP, which Playwright does not know and therefore leaves alone, and is driven with
 * Target.sendMessageToTarget; the whole open runs inside one evaluate, so no round trip is in the figures.
 * Returns `{ skipped: what }` when an element is not found.
 */
async function openUninstrumented(browser, uiUrl, sessionFile, expectedEvents) {
  const cdp = await browser.newBrowserCDPSession();
  const { browserContextId } = await cdp.send('Target.createBrowserContext', { disposeOnDetach: true });
  const dispose = async () => {
    await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
    await cdp.detach().catch(() => {});
  };
  cleanups.push(dispose);
  try {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
    let nextId = 0;
    const pending = new Map();
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message);
      const resolve = pending.get(message.id);
      if (!resolve) return;
      pending.delete(message.id);
      resolve(message);
    });
    const send = (method, params = {}, ms = STEP_TIMEOUT_MS) => {
      const id = ++nextId;
      const answer = new Promise((resolve) => pending.set(id, resolve));
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
      return withTimeout(answer, ms, method).then((m) => {
        if (m.error) throw new Error(`${method}: ${m.error.message}`);
        return m.result;
      });
    };
    const evaluate = async (fn, arg, ms) => {
      const { result, exceptionDetails } = await send(
        'Runtime.evaluate',
        { expression: `(${fn})(${JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true },
        ms,
      );
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
      return result.value;
    };
    await send('Emulation.setDeviceMetricsOverride', { ...CONFIG.viewport, deviceScaleFactor: 1, mobile: false });
    await send('Page.enable');
    await send('Page.addScriptToEvaluateOnNewDocument', { source: `(${PAGE_INSTRUMENTS})()` });
    await send('Page.navigate', { url: uiUrl });
    const ready = (names) =>
      new Promise((resolve) => {
        const started = performance.now();
        const poll = () => {
          const button = window.__uiBench?.findByRole('button', names.sessionsButton);
          if (document.readyState === 'complete' && button) return resolve(true);
          if (performance.now() - started > 15_000) return resolve(false);
          setTimeout(poll, 50);
        };
        poll();
      });
    if (!(await evaluate(ready, NAMES, 20_000))) return { skipped: `button "${NAMES.sessionsButton}"` };
    // Opens the dialog, types the path as React expects it (the native setter, then an input event), waits for
    // the Sessions list to be read (so its render is not in the figure), arms the instruments and submits.
    const submit = (o) =>
      new Promise((resolve) => {
        const bench = window.__uiBench;
        const started = performance.now();
        const waitFor = (find, what, then) => {
          const found = find();
          if (found) return then(found);
          if (performance.now() - started > 15_000) return resolve({ skipped: what });
          setTimeout(() => waitFor(find, what, then), 20);
        };
        bench.findByRole('button', o.names.sessionsButton).click();
        waitFor(
          () => {
            const dialog = bench.findByRole('dialog', o.names.dialog);
            return dialog && bench.findByRole('form', o.names.form, dialog);
          },
          `form "${o.names.form}" in dialog "${o.names.dialog}"`,
          (form) => {
            const input = form.querySelector(`input[aria-label="${o.names.pathBox}"]`);
            if (!input) return resolve({ skipped: `textbox "${o.names.pathBox}"` });
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, o.file);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            waitFor(
              () => {
                const dialog = bench.findByRole('dialog', o.names.dialog);
                const listed = dialog && ![...dialog.querySelectorAll('[role="status"]')].some((el) => /Reading the sessions folder/.test(el.textContent));
                const button = bench.findByRole('button', o.names.submit, form);
                return listed && button && !button.disabled && button;
              },
              `button "${o.names.submit}" (enabled)`,
              (button) =>
                setTimeout(() => {
                  bench.armOpen({ regionName: o.names.region, listNames: Object.values(o.names.lists), progressName: o.names.progress, expectedEvents: o.expectedEvents });
                  button.click();
                  bench.open.then(resolve);
                }, 100),
            );
          },
        );
      });
    return await evaluate(submit, { names: NAMES, file: sessionFile, expectedEvents }, OPEN_TIMEOUT_MS);
  } finally {
    cleanups.splice(cleanups.indexOf(dispose), 1);
    await dispose();
  }
}

// ------------------------------------------------------------------------------------------- step 3: one round

const NAMES = {
  sessionsButton: 'Sessions…',
  dialog: 'Sessions',
  form: 'Open session by path',
  pathBox: 'Session file path',
  submit: 'Open path',
  region: 'Session file',
  progress: 'Opening session',
  filter: 'Filter',
  shown: 'Shown',
  viewGroup: 'View',
  lists: { calls: 'Function calls', traffic: 'Traffic' },
  radios: { calls: 'Calls', traffic: 'Traffic' },
};

async function exists(locator) {
  return (await locator.count()) > 0;
}

async function runRound(browser, uiUrl, sessionFile, expectedEvents) {
  const round = { skipped: [], pageErrors: [] };
  const skip = (what) => {
    round.skipped.push(what);
    log(`  skipped: ${what} not found`);
  };
  // Target.sendMessageToTarget is deprecated in CDP; if a future Chromium drops it, only this figure is lost.
  const bare = await openUninstrumented(browser, uiUrl, sessionFile, expectedEvents).catch((error) => {
    if (interrupted) throw error;
    log(`  open in a page without Playwright failed: ${error.message}`);
    return null;
  });
  if (bare?.skipped) skip(`${bare.skipped} (page without Playwright)`);
  else if (bare) {
    round.open = summariseOpen(bare);
    logOpen(round.open, 'page without Playwright');
  }

  const context = await browser.newContext({ viewport: CONFIG.viewport });
  const closeContext = () => context.close();
  cleanups.push(closeContext);
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => round.pageErrors.push(error.message));
    await page.addInitScript(PAGE_INSTRUMENTS);
    await page.goto(uiUrl, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // ---- open: "Sessions…" → dialog "Sessions" → form "Open session by path" → type the path → "Open path"
    const sessionsButton = page.getByRole('button', { name: NAMES.sessionsButton, exact: true });
    try {
      await sessionsButton.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      skip(`button "${NAMES.sessionsButton}"`);
      return round;
    }
    await sessionsButton.click();
    const dialog = page.getByRole('dialog', { name: NAMES.dialog, exact: true });
    const form = dialog.getByRole('form', { name: NAMES.form, exact: true });
    try {
      await form.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      skip(`form "${NAMES.form}" in dialog "${NAMES.dialog}"`);
      return round;
    }
    const pathBox = form.getByRole('textbox', { name: NAMES.pathBox, exact: true });
    const submit = form.getByRole('button', { name: NAMES.submit, exact: true });
    if (!(await exists(pathBox))) {
      skip(`textbox "${NAMES.pathBox}"`);
      return round;
    }
    if (!(await exists(submit))) {
      skip(`button "${NAMES.submit}"`);
      return round;
    }
    await pathBox.fill(sessionFile);
    // The Sessions list renders once it is read; wait for it, so its render is not in the open's figure.
    await dialog.getByText('Reading the sessions folder…').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS }).catch(() => {});
    await page.evaluate((o) => window.__uiBench.armOpen(o), {
      regionName: NAMES.region,
      listNames: Object.values(NAMES.lists),
      progressName: NAMES.progress,
      expectedEvents,
    });
    await submit.click();
    const open = await withTimeout(page.evaluate(() => window.__uiBench.open), OPEN_TIMEOUT_MS, 'opening the session');
    round.openPlaywright = summariseOpen(open);
    logOpen(round.openPlaywright, 'Playwright page');
    if (open.error) return round;
    // The dialog closes once the whole session is read.
    await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS }).catch(() => log(`  note  dialog "${NAMES.dialog}" is still open after the load`));
    await settle(page);

    // ---- memory after load: as the page holds it, and what stays after a full GC
    round.memory = {};
    round.memory.usedJSHeapMb = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null));
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await metrics();
    round.memory.cdpHeapUsedMb = mb(before.JSHeapUsedSize);
    round.memory.cdpHeapAfterGcMb = mb(after.JSHeapUsedSize);
    round.memory.cdpHeapTotalMb = mb(after.JSHeapTotalSize);
    round.memory.domNodes = after.Nodes;
    log(`  heap: ${fmt(round.memory.usedJSHeapMb, 0)} MB used, ${fmt(round.memory.cdpHeapAfterGcMb, 0)} MB after GC`);

    // ---- each view: switch, filter, scroll
    round.views = {};
    const viewGroup = page.getByRole('radiogroup', { name: NAMES.viewGroup, exact: true });
    const hasToggle = await exists(viewGroup);
    if (!hasToggle) skip(`radiogroup "${NAMES.viewGroup}"`);
    for (const view of ['calls', 'traffic']) {
      const result = (round.views[view] = {});
      const list = page.getByRole('listbox', { name: NAMES.lists[view], exact: true });
      if (hasToggle) {
        const radio = viewGroup.getByRole('radio', { name: NAMES.radios[view], exact: true });
        if (!(await exists(radio))) {
          skip(`radio "${NAMES.radios[view]}"`);
          continue;
        }
        if ((await radio.getAttribute('aria-checked')) !== 'true') {
          const sw = await measureInteraction(page, 'click', () => radio.click());
          result.switchMs = sw.ms;
          log(`  ${view}: switch ${fmt(sw.ms, 0)} ms`);
        }
        await settle(page);
      }
      if (!(await exists(list)) || !(await list.isVisible())) {
        skip(`listbox "${NAMES.lists[view]}"`);
        continue;
      }
      result.filter = await measureFilter(page, view, skip);
      result.scroll = await measureScroll(page, list, view);
    }
    return round;
  } finally {
    cleanups.splice(cleanups.indexOf(closeContext), 1);
    await closeContext().catch(() => {});
    if (round.pageErrors.length > 0) log(`  page errors: ${round.pageErrors.slice(0, 3).join(' | ')}`);
  }
}

function summariseOpen(open) {
  const since = (t) => (t === null || t === undefined ? null : t - open.tSubmit);
  const slices = open.messages.filter((m) => m.kind === 'slice');
  const opened = open.messages.find((m) => m.kind === 'opened');
  const envelopes = open.parses.filter((p) => p.envelope);
  const lastSlice = slices[slices.length - 1];
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return {
    error: open.error,
    // submit → the first option row of a list painted (the first publish with rows, ~250 ms in at the earliest).
    firstRowsMs: since(open.firstRows?.tPaint),
    firstRowsDomMs: since(open.firstRows?.tDom),
    firstRows: open.firstRows?.rows ?? null,
    list: open.firstRows?.list ?? null,
    // submit → no progressbar and the full event count in the banner, painted: the figure for the target.
    loadedMs: since(open.loaded?.tPaint),
    loadedDomMs: since(open.loaded?.tDom),
    banner: open.loaded?.text ?? open.regionText ?? null,
    // submit → the openSession answer (the header checked) received.
    openAnswerMs: since(opened?.t),
    firstSliceMs: since(slices[0]?.t),
    lastSliceMs: since(lastSlice?.t),
    slices: slices.length,
    sliceMb: sum(slices.map((m) => m.size)) / (1024 * 1024),
    // JSON.parse of the slice envelopes in the page's bridge client (each ~4 MiB of text).
    envelopeParseMs: sum(envelopes.map((p) => p.t1 - p.t0)),
    envelopeParses: envelopes.length,
    // The last slice received → loaded and painted: its lines, folds, the final publish and render.
    afterLastSliceMs: lastSlice && open.loaded?.tPaint ? open.loaded.tPaint - lastSlice.t : null,
    commits: open.commits.length,
    // The longest stretches without a frame, in ms after the submit: where the page froze.
    stalls: open.stalls
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((x) => ({ atMs: Math.round(x.at), ms: Math.round(x.ms) })),
    frozenMs: sum(open.stalls.map((x) => x.ms)),
    longTasks: open.longTasks.length,
    longTaskMs: sum(open.longTasks.map((x) => x.ms)),
    longestTaskMs: open.longTasks.length ? Math.max(...open.longTasks.map((x) => x.ms)) : 0,
    reactHooked: open.reactHooked,
  };
}

function logOpen(o, where) {
  if (o.error) {
    log(`  open (${where}): ${o.error}`);
    return;
  }
  log(
    `  open (${where}): first rows ${fmt(o.firstRowsMs, 0)} ms (${o.firstRows ?? 0} in "${o.list ?? '-'}"), loaded ${fmt(o.loadedMs, 0)} ms; ` +
      `${o.slices} slices, last at ${fmt(o.lastSliceMs, 0)} ms; ${o.longTasks} long tasks (${fmt(o.longTaskMs, 0)} ms), frozen ${fmt(o.frozenMs, 0)} ms`,
  );
}

async function settle(page) {
  await withTimeout(page.evaluate(() => window.__uiBench.settle(150)), STEP_TIMEOUT_MS, 'waiting for the UI to settle');
}

async function measureInteraction(page, eventType, act, resultTargets = []) {
  await page.evaluate((o) => window.__uiBench.armInteraction(o), { eventType, quietMs: 120, noChangeMs: 3000, statusName: NAMES.shown, resultTargets });
  await act();
  const r = await withTimeout(page.evaluate(() => window.__uiBench.interaction), STEP_TIMEOUT_MS, `waiting for the ${eventType} to show`);
  const debounce = r.timers.length > 0 ? r.timers.reduce((a, b) => (b.delay > a.delay ? b : a)) : null;
  const since = (t) => (t === null ? null : t - r.tEvent);
  return {
    reason: r.reason,
    // Nothing visible changed (same rows, same count): the time until the UI was idle again instead.
    visible: r.resultPaint !== null,
    ms: since(r.resultPaint ?? r.lastPaint),
    echoMs: since(r.firstPaint),
    idleMs: since(r.lastPaint),
    commitsAtMs: r.commits,
    statusBefore: r.statusBefore,
    statusAfter: r.statusAfter,
    debounceMs: debounce?.delay ?? null,
    fromDebounceMs: debounce && r.resultPaint !== null ? r.resultPaint - debounce.firedAt : null,
  };
}

async function measureFilter(page, view, skip) {
  const box = page.getByRole('searchbox', { name: NAMES.filter, exact: true });
  if (!(await exists(box))) {
    skip(`searchbox "${NAMES.filter}"`);
    return null;
  }
  const status = page.getByRole('status', { name: NAMES.shown, exact: true });
  // Without the status the keys are still timed, by the list alone.
  if (!(await exists(status))) skip(`status "${NAMES.shown}"`);
  await box.fill('');
  await box.focus();
  await settle(page);
  const keys = [];
  for (const ch of CONFIG.query) {
    const k = await measureInteraction(page, 'input', () => page.keyboard.type(ch), [
      { role: 'listbox', name: NAMES.lists[view] },
      { role: 'status', name: NAMES.shown },
    ]);
    keys.push({ key: ch, ...k });
  }
  const timed = keys.filter((k) => k.ms !== null && k.reason === 'settled');
  const ms = timed.map((k) => k.ms);
  const result = {
    keys,
    medianMs: median(ms),
    maxMs: ms.length ? Math.max(...ms) : NaN,
    echoMedianMs: median(timed.map((k) => k.echoMs)),
    idleMedianMs: median(timed.map((k) => k.idleMs)),
    idleMaxMs: timed.length ? Math.max(...timed.map((k) => k.idleMs)) : NaN,
    invisible: timed.filter((k) => !k.visible).length,
    unsettled: keys.length - timed.length,
    debounceMs: median(keys.map((k) => k.debounceMs).filter((v) => v !== null)),
    fromDebounceMedianMs: median(keys.map((k) => k.fromDebounceMs).filter((v) => v !== null)),
    finalStatus: keys[keys.length - 1]?.statusAfter ?? null,
  };
  log(`  ${view}: filter "${CONFIG.query}" median ${fmt(result.medianMs, 1)} ms, max ${fmt(result.maxMs, 1)} ms per key → ${result.finalStatus ?? '(no status)'}`);
  // Leave the list unfiltered for the scroll and the next view.
  await box.fill('');
  await settle(page);
  return result;
}

async function measureScroll(page, list, view) {
  await list.focus();
  await settle(page);
  const listName = NAMES.lists[view];
  const r = await withTimeout(
    page.evaluate((o) => window.__uiBench.scroll(o), { listName, durationMs: CONFIG.scrollMs, px: CONFIG.scrollPxPerFrame }),
    STEP_TIMEOUT_MS,
    `scrolling ${listName}`,
  );
  if (!r) return null;
  const result = {
    frames: r.deltas.length,
    p50Ms: percentile(r.deltas, 50),
    p95Ms: percentile(r.deltas, 95),
    maxMs: r.deltas.length ? Math.max(...r.deltas) : NaN,
    over50: r.deltas.filter((d) => d > 50).length,
    longTasks: r.longTasks,
    longTaskMs: r.longTaskMs,
    travelledPx: r.travelled,
    scrollHeightPx: r.scrollHeight,
  };
  log(`  ${view}: scroll p50 ${fmt(result.p50Ms, 1)} / p95 ${fmt(result.p95Ms, 1)} / max ${fmt(result.maxMs, 1)} ms, ${result.over50} frames > 50 ms`);
  return result;
}

// ------------------------------------------------------------------------------------------- summary

function summarise(rounds) {
  const pick = (fn) => rounds.map((r) => {
    try {
      return fn(r);
    } catch {
      return undefined;
    }
  }).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const med = (fn) => {
    const values = pick(fn);
    return values.length ? median(values) : null;
  };
  const max = (fn) => {
    const values = pick(fn);
    return values.length ? Math.max(...values) : null;
  };
  const openSummary = (of) => ({
    firstRowsMs: med((r) => of(r).firstRowsMs),
    loadedMs: med((r) => of(r).loadedMs),
    loadedMaxMs: max((r) => of(r).loadedMs),
    openAnswerMs: med((r) => of(r).openAnswerMs),
    firstSliceMs: med((r) => of(r).firstSliceMs),
    lastSliceMs: med((r) => of(r).lastSliceMs),
    slices: med((r) => of(r).slices),
    sliceMb: med((r) => of(r).sliceMb),
    envelopeParseMs: med((r) => of(r).envelopeParseMs),
    afterLastSliceMs: med((r) => of(r).afterLastSliceMs),
    commits: med((r) => of(r).commits),
    frozenMs: med((r) => of(r).frozenMs),
    longestStallMs: med((r) => of(r).stalls[0]?.ms ?? 0),
    longTasks: med((r) => of(r).longTasks),
    longTaskMs: med((r) => of(r).longTaskMs),
    longestTaskMs: med((r) => of(r).longestTaskMs),
  });
  const summary = {
    open: openSummary((r) => r.open),
    openPlaywright: openSummary((r) => r.openPlaywright),
    memory: {
      usedJSHeapMb: med((r) => r.memory.usedJSHeapMb),
      cdpHeapAfterGcMb: med((r) => r.memory.cdpHeapAfterGcMb),
      domNodes: med((r) => r.memory.domNodes),
    },
    views: {},
  };
  for (const view of ['calls', 'traffic']) {
    summary.views[view] = {
      switchMs: med((r) => r.views[view].switchMs),
      filterMedianMs: med((r) => r.views[view].filter.medianMs),
      filterMaxMs: max((r) => r.views[view].filter.maxMs),
      filterEchoMs: med((r) => r.views[view].filter.echoMedianMs),
      filterIdleMs: med((r) => r.views[view].filter.idleMedianMs),
      filterIdleMaxMs: max((r) => r.views[view].filter.idleMaxMs),
      debounceMs: med((r) => r.views[view].filter.debounceMs),
      fromDebounceMs: med((r) => r.views[view].filter.fromDebounceMedianMs),
      scrollP50Ms: med((r) => r.views[view].scroll.p50Ms),
      scrollP95Ms: med((r) => r.views[view].scroll.p95Ms),
      scrollMaxMs: max((r) => r.views[view].scroll.maxMs),
      scrollOver50: med((r) => r.views[view].scroll.over50),
    };
  }
  return summary;
}

function targetsOf(summary) {
  const check = (value, limit, ok) => ({ value: round(value, 1), target: round(limit, 1), pass: value === null ? null : ok(value, limit) });
  // The page without Playwright is the reported figure; the Playwright page's only when that one is missing.
  const loadedMs = summary.open.loadedMs ?? summary.openPlaywright.loadedMs;
  const targets = { 'open.loadedMs': check(loadedMs, TARGETS.openMs, (v, l) => v < l) };
  for (const view of ['calls', 'traffic']) {
    const v = summary.views[view];
    targets[`${view}.filterMaxMs`] = check(v.filterMaxMs, TARGETS.filterMaxMs, (x, l) => x < l);
    targets[`${view}.scrollP95Ms`] = check(v.scrollP95Ms, TARGETS.scrollP95Ms, (x, l) => x <= l);
    targets[`${view}.scrollFramesOver50`] = check(v.scrollOver50, TARGETS.scrollFramesOver50, (x, l) => x <= l);
  }
  return targets;
}

function printTables(prepared, summary, targets, rounds) {
  const g = prepared.generated;
  const b = prepared.breakdown;
  console.log(`\nSession: ${g.events.toLocaleString()} events, ${fmt(mb(g.bytes), 1)} MB, ${g.connections} realtime connections, ${g.exchanges.toLocaleString()} HTTP exchanges`);
  console.log(
    `Calls: ${g.calls.total.toLocaleString()} generated (${g.calls.realtime} realtime of which ${g.calls.realtimeUnanswered} unanswered, ${g.calls.webhook} webhook JSON, ${g.calls.sse} SSE of which ${g.calls.sseBroken} broken); ` +
      `toolscope report: ${prepared.report.calls.toLocaleString()} calls, ${prepared.report.findings} findings`,
  );
  console.log(`Medians over ${rounds.length} round(s); times in ms, from the DOM event to the first painted frame after the UI settled.\n`);
  const o = summary.open;
  const p = summary.openPlaywright;
  const both = (label, key, digits = 0) => [label, fmt(o[key], digits), fmt(p[key], digits)];
  const client = b?.nodeClient;
  console.log(
    table(
      ['open session, streamed (ms)', 'page', 'Playwright page'],
      [
        both('submit → first rows painted (firstRowsMs)', 'firstRowsMs'),
        both('submit → loaded: no progressbar, full count, painted (loadedMs)', 'loadedMs'),
        both('  submit → openSession answer (header checked)', 'openAnswerMs'),
        both('  submit → first slice received', 'firstSliceMs'),
        both('  submit → last slice received', 'lastSliceMs'),
        both('    slices received', 'slices'),
        both('    MiB of text received (string length)', 'sliceMb'),
        both('    JSON.parse of the slice envelopes, total', 'envelopeParseMs'),
        both('  last slice received → loaded painted', 'afterLastSliceMs'),
        ['  Node client: openSession + the streamed events (core + transport)', fmt(client?.ms, 0), ''],
        ['    of which the Node client decoding + JSON.parse', fmt(client?.clientParseMs, 0), ''],
        both('React commits during the open', 'commits'),
        both('long tasks (> 50 ms), count', 'longTasks'),
        both('  their total', 'longTaskMs'),
        both('  longest', 'longestTaskMs'),
        both('page frozen (frames > 100 ms apart), total', 'frozenMs'),
        both('  longest single freeze', 'longestStallMs'),
      ],
    ),
  );
  console.log('("page": a page Playwright does not drive; "Playwright page": its DevTools Network capture copies every slice frame)');
  const pl = b?.pipeline;
  if (pl) {
    console.log(
      `\n${table(
        [`streamed open in Node, one run: ${pl.slices} slices of ${fmt(pl.sliceBytes / 2 ** 20, 0)} MiB`, 'ms'],
        [
          ['core: openSession (header check)', fmt(pl.openMs, 0)],
          [`core: read of the streamed bytes (${fmt(pl.messageMb, 0)} MB)`, fmt(pl.readMs, 0)],
          ['page: TextDecoder (streaming)', fmt(pl.envelopeParseMs, 0)],
          ['page: SessionLineReader.push (JSON.parse + zod per line)', fmt(pl.lineReaderMs, 0)],
          ['page: foldEvents (traffic)', fmt(pl.trafficFoldMs, 0)],
          ['page: Analyzer.fold', fmt(pl.analysisFoldMs, 0)],
          ['total (wall, all of the above)', fmt(pl.totalMs, 0)],
          ['  longest page share of one slice (lines + folds)', fmt(pl.pageSliceMaxMs, 0)],
        ],
      )}`,
    );
  } else if (b?.error) console.log(`\nstreamed open in Node: skipped (${b.error})`);
  const d = b?.direct;
  if (d) {
    const ratio = (x) => (Number.isFinite(x) && d.totalMs > 0 ? `${fmt(x / d.totalMs, 1)}×` : '-');
    console.log(
      `\n${table(
        ['direct reference (Node): the least any reader must do', 'ms'],
        [
          [`fs.readFileSync (${fmt(mb(d.bytes), 0)} MB)`, fmt(d.readMs, 0)],
          [`JSON.parse of every line (${d.lines.toLocaleString()})`, fmt(d.parseMs, 0)],
          ['total', fmt(d.totalMs, 0)],
          ['loadedMs (page) / direct', ratio(o.loadedMs)],
          ['loadedMs (Playwright page) / direct', ratio(p.loadedMs)],
          ['streamed open in Node / direct', ratio(pl?.totalMs)],
        ],
      )}`,
    );
  }
  if (b && (b.callRows !== undefined || b.filterCompute)) {
    console.log(
      `\n${table(
        ['first rows of the views (Node)', 'ms'],
        [
          [`calls view rows (${b.callRows})`, fmt(b.callRowsMs, 0)],
          [`traffic view audio fold (${b.trafficRows} rows)`, fmt(b.audioFoldMs, 0)],
        ],
      )}`,
    );
    console.log(
      `\n${table(
        ['filter compute per prefix (Node)', 'calls ms', 'calls', 'traffic ms', 'rows'],
        b.filterCompute.map((f) => [f.text, fmt(f.callsMs, 1), f.calls, fmt(f.trafficMs, 1), f.trafficRows]),
      )}`,
    );
  }
  const views = ['calls', 'traffic'];
  const row = (label, fn, digits = 1) => [label, ...views.map((v) => fmt(fn(summary.views[v]), digits))];
  console.log(
    `\n${table(
      ['per view', ...views],
      [
        row('view switch (click → painted)', (v) => v.switchMs, 0),
        row(`filter "${CONFIG.query}": median per key`, (v) => v.filterMedianMs),
        row('filter: max per key', (v) => v.filterMaxMs),
        row('filter: key echoed (first paint)', (v) => v.filterEchoMs),
        row('filter: idle again, median', (v) => v.filterIdleMs),
        row('filter: idle again, max', (v) => v.filterIdleMaxMs),
        row('filter: debounce timer detected', (v) => v.debounceMs, 0),
        row('filter: debounce fired → painted', (v) => v.fromDebounceMs),
        row('scroll frame p50', (v) => v.scrollP50Ms),
        row('scroll frame p95', (v) => v.scrollP95Ms),
        row('scroll frame max', (v) => v.scrollMaxMs),
        row('scroll frames > 50 ms', (v) => v.scrollOver50, 0),
      ],
    )}`,
  );
  const m = summary.memory;
  console.log(`\nJS heap after load: ${fmt(m.usedJSHeapMb, 0)} MB (performance.memory), ${fmt(m.cdpHeapAfterGcMb, 0)} MB after a full GC; ${fmt(m.domNodes, 0)} DOM nodes`);
  const skipped = [...new Set(rounds.flatMap((r) => r.skipped))];
  if (skipped.length) console.log(`skipped: ${skipped.map((s) => `${s} not found`).join('; ')}`);
  console.log(
    `\n${table(
      ['target', 'value', 'target', 'result'],
      Object.entries(targets).map(([name, t]) => [name, fmt(t.value, 1), `${name.endsWith('Over50') ? '≤' : '<'} ${t.target}`, t.pass === null ? 'n/a' : t.pass ? 'MET' : 'MISSED']),
    )}`,
  );
}

// ------------------------------------------------------------------------------------------- main

async function main() {
  for (const file of [CLI, path.join(DIST, 'electron/cli/toolscope.js'), path.join(ROOT, 'dist/renderer/index.html')]) {
    if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first`);
  }
  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length * 0.5) log(`note  the machine is busy (load ${loadBefore.toFixed(2)} on ${os.cpus().length} CPUs): figures will be noisy`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'toolscope-ui-bench-'));
  cleanups.push(() => (KEEP ? log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  log(`temp dir ${dir}`);

  const prepared = await prepareSession(dir);
  const serve = await startServe(path.join(dir, 'live-session.ndjson'), path.join(dir, 'home'));
  log(`toolscope serve: ${serve.url.replace(/token=[^&]+/, 'token=…')}`);
  if (prepared.breakdown) {
    try {
      const client = await nodeClientRead(serve.url, prepared.file);
      prepared.breakdown.nodeClient = Object.fromEntries(Object.entries(client).map(([k, v]) => [k, round(v, 1)]));
      log(`openSession + ${client.slices} readSession slices from a Node WebSocket client: ${fmt(client.mb, 0)} MB in ${fmt(client.ms, 0)} ms`);
    } catch (error) {
      prepared.breakdown.nodeClientError = error.message;
      log(`Node WebSocket client failed: ${error.message}`);
    }
  }
  const browser = await launchBrowser();
  log(`browser: Chromium ${browser.version()}`);

  const rounds = [];
  for (let i = 0; i < CONFIG.rounds; i++) {
    log(`round ${i + 1}/${CONFIG.rounds}`);
    rounds.push(await runRound(browser, serve.url, prepared.file, prepared.generated.events));
  }
  const loadAfter = os.loadavg()[0];
  const summary = summarise(rounds);
  const direct = prepared.breakdown?.direct?.totalMs;
  summary.openVsDirect = {
    directMs: direct ?? null,
    pageLoadedRatio: direct && summary.open.loadedMs !== null ? round(summary.open.loadedMs / direct, 2) : null,
    playwrightLoadedRatio: direct && summary.openPlaywright.loadedMs !== null ? round(summary.openPlaywright.loadedMs / direct, 2) : null,
    nodePipelineRatio: prepared.breakdown?.pipeline?.ratioToDirect ?? null,
  };
  const targets = targetsOf(summary);
  printTables(prepared, summary, targets, rounds);
  console.log(`\nload average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${os.cpus().length} CPUs`);

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', memoryGb: round(os.totalmem() / 1024 ** 3, 1), loadBefore: round(loadBefore, 2), loadAfter: round(loadAfter, 2), node: process.version, chromium: browser.version() },
    config: CONFIG,
    session: {
      bytes: prepared.generated.bytes,
      mb: round(mb(prepared.generated.bytes), 1),
      events: prepared.generated.events,
      kinds: prepared.generated.kinds,
      connections: prepared.generated.connections,
      exchanges: prepared.generated.exchanges,
      calls: prepared.generated.calls,
      generateMs: round(prepared.generateMs, 0),
      readBackMs: round(prepared.readMs, 0),
      report: prepared.report,
    },
    breakdown: prepared.breakdown,
    summary,
    targets,
    rounds,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 2) : v), 2)}\n`);
  log(`\nwrote ${path.relative(ROOT, RESULTS)} (${fmt(statSync(RESULTS).size / 1024, 0)} KiB)`);
  const missed = Object.entries(targets).filter(([, t]) => t.pass === false);
  return CHECK && missed.length > 0 ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    clearTimeout(watchdog);
    process.exitCode = code;
  })
  .catch(async (error) => {
    // After Ctrl-C the closed browser fails whatever step was running; that is not worth a stack trace.
    if (!interrupted) console.error(`ui-scale: ${error.stack ?? error.message}`);
    await cleanup();
    clearTimeout(watchdog);
    process.exitCode = 1;
  });
