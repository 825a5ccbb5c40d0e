#!/usr/bin/env node
/**
 * UI at scale: how the browser UI copes with a 100,000-event session.
 *
 * 1. Writes a realistic session (bench/lib/ui-session-generator.mjs) to a temp dir, reads it back with the
 *    compiled session reader (no warnings, the same event count) and runs `toolscope report --json` on it.
 * 2. Runs the real CLI (`toolscope serve --no-open --ui-port 0`) and Chromium (Playwright), and for each round,
 *    in a fresh page: opens the session through the "Open session" form, then in the Calls and the Traffic view
 *    types a filter one key at a time and scrolls the list, and reads the page's JS heap.
 * 3. Prints a table and writes every figure to bench/ui-results.json (git-ignored).
 *
 * Every time is taken inside the page with performance.now(), from the DOM event that starts the action to the
 * first frame painted after the UI settled (see PAGE_INSTRUMENTS), so Playwright's round trips are not in it.
 * A measurement whose element is missing is reported as `skipped: <element> not found`, never a crash.
 *
 * Usage: npm run bench:ui     (builds first)
 *        node bench/ui-scale.mjs [--events=100000] [--rounds=3] [--query=weather] [--keep] [--no-breakdown] [--check]
 *   --keep           keep the temp dir with the generated session (its path is printed)
 *   --no-breakdown   skip the Node-side timing of the open's steps (read, serialise, parse, zod, folds)
 *   --check          exit 1 when a target is missed
 * Env: CHROMIUM_PATH overrides the browser (default /usr/bin/chromium when present, else Playwright's own).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const option = (name, fallback) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
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
  let started = performance.now();
  const generated = await generateUiSession(file, { events: CONFIG.events });
  const generateMs = performance.now() - started;
  log(`generated ${generated.events.toLocaleString()} events, ${fmt(mb(generated.bytes), 1)} MB, ${generated.calls.total.toLocaleString()} calls in ${fmt(generateMs / 1000, 1)} s`);

  // The core's own reader: what `openSession` runs. A warning or a different count means the generator is wrong.
  const { readSessionFile } = await import(pathToFileURL(path.join(DIST, 'electron/session/session-reader.js')).href);
  started = performance.now();
  const loaded = await readSessionFile(file);
  const readMs = performance.now() - started;
  if (loaded.warnings.length > 0) {
    const first = loaded.warnings.slice(0, 5).map((w) => `  line ${w.line}: ${w.message}`).join('\n');
    throw new Error(`the session reader reports ${loaded.warnings.length} warning(s) on the generated file:\n${first}`);
  }
  if (loaded.events.length !== generated.events) {
    throw new Error(`the session reader read ${loaded.events.length} events, the generator wrote ${generated.events}`);
  }
  for (let i = 0; i < loaded.events.length; i++) {
    const event = loaded.events[i];
    if (event.seq !== i + 1) throw new Error(`event ${i + 1} has seq ${event.seq}: seq must count from 1 without gaps`);
    if (i > 0 && event.t < loaded.events[i - 1].t) throw new Error(`event seq ${event.seq} goes back in time`);
  }
  log(`read back with the core's session reader in ${fmt(readMs, 0)} ms: ${loaded.events.length.toLocaleString()} events, no warnings`);

  const report = await runReport(file);
  log(`toolscope report --json: ${report.calls.toLocaleString()} calls (exit ${report.exitCode}, ${fmt(report.ms, 0)} ms)`);
  if (report.calls === 0) throw new Error('toolscope report finds no function calls in the generated session');
  if (report.calls !== generated.calls.total) {
    log(`note  the generator made ${generated.calls.total} calls; the analysis counts ${report.calls}`);
  }
  const breakdown = BREAKDOWN ? await nodeBreakdown(file, loaded, readMs) : null;
  return { file, generated, generateMs, readMs, report, breakdown };
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
 * The steps of opening a session, timed one by one in Node with the same compiled code the UI runs (V8 in
 * both): where the browser's open time goes. Each step is optional, so a renamed internal only drops its line.
 */
async function nodeBreakdown(file, loaded, readMs) {
  const steps = { coreReadMs: round(readMs, 1) };
  const load = async (rel) => import(pathToFileURL(path.join(DIST, rel)).href);
  const time = (fn) => {
    const started = performance.now();
    const value = fn();
    return [value, performance.now() - started];
  };
  try {
    // What bridge-socket-host.ts sends: the whole result as one JSON text in one WebSocket message.
    const [text, stringifyMs] = time(() => JSON.stringify({ type: 'result', id: 1, ok: true, value: { path: file, ...loaded } }));
    steps.resultMessageMb = round(mb(Buffer.byteLength(text)), 1);
    steps.stringifyMs = round(stringifyMs, 1);
    const [json, parseMs] = time(() => JSON.parse(text));
    steps.jsonParseMs = round(parseMs, 1);
    const bridge = await load('shared/bridge.js');
    const [envelope, envelopeMs] = time(() => bridge.bridgeServerMessageSchema.safeParse(json));
    steps.zodEnvelopeMs = round(envelopeMs, 1);
    const [result, zodMs] = time(() => bridge.bridgeMethods.openSession.result.safeParse(envelope.data.value));
    if (!result.success) throw new Error(`openSession result does not parse: ${result.error.issues[0]?.message}`);
    steps.zodResultMs = round(zodMs, 1);
    const events = result.data.events;

    const { emptyTrafficState, foldEvents } = await load('shared/store/traffic-state.js');
    const { Analyzer } = await load('shared/analysis/analyzer.js');
    const [traffic, foldMs] = time(() => foldEvents(emptyTrafficState(), events));
    steps.trafficFoldMs = round(foldMs, 1);
    const analyzer = new Analyzer();
    const [analysis, analysisMs] = time(() => analyzer.fold(analyzer.initialState(), events, traffic));
    steps.analysisFoldMs = round(analysisMs, 1);

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
    const [fold, audioFoldMs] = time(() => foldAudioRuns(null, traffic, analysis.frameTypes));
    steps.audioFoldMs = round(audioFoldMs, 1);
    steps.trafficRows = fold.rows.length;
    const trafficInput = (text) => ({
      rows: fold.rows,
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

// ------------------------------------------------------------------------------------------- step 2: serve + browser

/** Runs `toolscope serve` and reads the `ui  URL` line it prints (as e2e/support/toolscope-serve.ts does). */
async function startServe(sessionFile) {
  const child = spawn(process.execPath, [CLI, 'serve', '--no-open', '--ui-port', '0', '--session', sessionFile], {
    cwd: ROOT,
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
 * The same openSession call from a Node WebSocket client (the `ws` package) against the same serve process:
 * the core's share of the open time (read, zod, JSON.stringify, send) without the browser's receive path.
 */
async function nodeClientOpen(uiUrl, sessionFile) {
  const { default: WebSocket } = await import('ws');
  const url = new URL(uiUrl);
  const socket = new WebSocket(`ws://${url.host}/api/bridge?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`, { maxPayload: 0 });
  const closeSocket = () => socket.terminate();
  cleanups.push(closeSocket);
  try {
    await withTimeout(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), STEP_TIMEOUT_MS, 'bridge socket');
    const started = performance.now();
    const answer = new Promise((resolve) => {
      socket.on('message', (data) => {
        // The snapshot batches come first; the answer is the one result message.
        if (data.length > 64 && data.subarray(0, 64).toString().includes('"type":"result"')) resolve(data.length);
      });
    });
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'openSession', params: { path: sessionFile } }));
    const bytes = await withTimeout(answer, OPEN_TIMEOUT_MS, 'openSession from a Node client');
    return { ms: performance.now() - started, mb: mb(bytes) };
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
 *   - the bridge WebSocket's messages and big JSON.parse calls are timed to split the open time into parts.
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
        const size = typeof event.data === 'string' ? event.data.length : (event.data.size ?? event.data.byteLength ?? 0);
        bench.messages.push({ t: now(), size });
        if (bench.messages.length > 100) bench.messages.shift();
      });
    }
  };

  const nativeParse = JSON.parse;
  JSON.parse = function parse(text, reviver) {
    if (typeof text !== 'string' || text.length < 1_000_000) return nativeParse.call(JSON, text, reviver);
    const t0 = now();
    const value = nativeParse.call(JSON, text, reviver);
    bench.parses.push({ t0, t1: now(), chars: text.length });
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
  const IMPLICIT = { region: ['section'], form: ['form'], status: ['output'], listbox: ['select'] };
  const nameOf = (el) => {
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const ids = el.getAttribute('aria-labelledby');
    return ids ? ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim() : '';
  };
  const findByRole = (role, name) => {
    const selector = [`[role="${role}"]`, ...(IMPLICIT[role] ?? []).map((tag) => `${tag}:not([role])`)].join(',');
    for (const el of document.querySelectorAll(selector)) if (nameOf(el) === name) return el;
    return null;
  };
  const visible = (el) => el.getClientRects().length > 0 && (el.checkVisibility ? el.checkVisibility() : true);
  const rowCount = (list) => list.querySelectorAll('[role="option"]').length || (list.firstElementChild?.childElementCount ?? 0);
  bench.findByRole = findByRole;

  /** Submit of the open form → the region and a list with rows are in the DOM → that frame painted. */
  bench.armOpen = ({ regionName, listNames }) => {
    bench.open = new Promise((resolve) => {
      let tSubmit = null;
      let done = false;
      const commits = [];
      const check = () => {
        if (tSubmit === null || done) return;
        const region = findByRole('region', regionName);
        if (!region || !visible(region)) return;
        const list = listNames.map((n) => findByRole('listbox', n)).find((l) => l && visible(l) && rowCount(l) > 0);
        if (!list) return;
        done = true;
        const tDom = now();
        observer.disconnect();
        bench.onCommit = null;
        afterPaint((tPaint) => {
          frameLoop = false;
          if (lastFrame !== null && tPaint - lastFrame > 100) stalls.push({ at: lastFrame - tSubmit, ms: tPaint - lastFrame });
          resolve({
            tSubmit,
            tDom,
            tPaint,
            // Stretches without a frame: the main thread was busy (or the page could not paint) that long.
            stalls,
            list: nameOf(list),
            rows: rowCount(list),
            commits,
            messages: bench.messages.filter((m) => m.t >= tSubmit),
            parses: bench.parses.filter((p) => p.t0 >= tSubmit),
            reactHooked: bench.reactHooked,
          });
        });
      };
      const stalls = [];
      let frameLoop = false;
      let lastFrame = null;
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
 * Opens the session in a page Playwright does not drive, and returns the same figures as the form in a
 * Playwright page. Why: Playwright enables the DevTools Network domain on its pages, which copies the payload
 * of every WebSocket frame to the driver; the openSession answer is one frame of the whole session (~145 MB),
 * and that copy alone costs seconds that no user pays. The page lives in a browser context made over CDP,
 * which Playwright does not know and therefore leaves alone, and is driven with Target.sendMessageToTarget.
 */
async function openUninstrumented(browser, uiUrl, sessionFile) {
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
          const form = window.__uiBench?.findByRole('form', names.form);
          if (document.readyState === 'complete' && form) return resolve(true);
          if (performance.now() - started > 15_000) return resolve(false);
          setTimeout(poll, 50);
        };
        poll();
      });
    if (!(await evaluate(ready, NAMES, 20_000))) return null;
    // Types the path as React expects it (the native setter, then an input event), then submits like a click.
    const submit = (o) =>
      new Promise((resolve) => {
        const bench = window.__uiBench;
        const form = bench.findByRole('form', o.names.form);
        const input = form.querySelector(`[aria-label="${o.names.pathBox}"]`);
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, o.file);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        setTimeout(() => {
          bench.armOpen({ regionName: o.names.region, listNames: Object.values(o.names.lists) });
          form.querySelector('[type="submit"]').click();
          bench.open.then(resolve);
        }, 100);
      });
    return await evaluate(submit, { names: NAMES, file: sessionFile }, OPEN_TIMEOUT_MS);
  } finally {
    cleanups.splice(cleanups.indexOf(dispose), 1);
    await dispose();
  }
}

// ------------------------------------------------------------------------------------------- step 3: one round

const NAMES = {
  form: 'Open session',
  pathBox: 'Session file path',
  region: 'Session file',
  filter: 'Filter',
  shown: 'Shown',
  viewGroup: 'View',
  lists: { calls: 'Function calls', traffic: 'Traffic' },
  radios: { calls: 'Calls', traffic: 'Traffic' },
};

async function exists(locator) {
  return (await locator.count()) > 0;
}

async function runRound(browser, uiUrl, sessionFile) {
  const round = { skipped: [], pageErrors: [] };
  const skip = (what) => {
    round.skipped.push(what);
    log(`  skipped: ${what} not found`);
  };
  // Target.sendMessageToTarget is deprecated in CDP; if a future Chromium drops it, only this figure is lost.
  const bare = await openUninstrumented(browser, uiUrl, sessionFile).catch((error) => {
    if (interrupted) throw error;
    log(`  open in a page without Playwright failed: ${error.message}`);
    return null;
  });
  if (bare) {
    round.open = summariseOpen(bare);
    log(`  open: ${fmt(round.open.ms, 0)} ms (page without Playwright; ${bare.rows} rows in "${bare.list}")`);
  } else skip(`form "${NAMES.form}" (page without Playwright)`);

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

    // ---- open
    const form = page.getByRole('form', { name: NAMES.form, exact: true });
    try {
      await form.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      skip(`form "${NAMES.form}"`);
      return round;
    }
    const pathBox = form.getByRole('textbox', { name: NAMES.pathBox, exact: true });
    if (!(await exists(pathBox))) {
      skip(`textbox "${NAMES.pathBox}"`);
      return round;
    }
    await pathBox.fill(sessionFile);
    await page.evaluate((names) => window.__uiBench.armOpen(names), { regionName: NAMES.region, listNames: Object.values(NAMES.lists) });
    await form.locator('[type="submit"]').first().click();
    const open = await withTimeout(page.evaluate(() => window.__uiBench.open), OPEN_TIMEOUT_MS, 'opening the session');
    round.openPlaywright = summariseOpen(open);
    log(`  open: ${fmt(round.openPlaywright.ms, 0)} ms (Playwright page; ${open.rows} rows in "${open.list}")`);
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
  // The openSession answer is the biggest message after the submit; its JSON.parse is the big parse after it.
  const answer = open.messages.reduce((big, m) => (m.size > (big?.size ?? -1) ? m : big), null);
  const parse = answer ? open.parses.find((p) => p.t0 >= answer.t) : null;
  const firstCommit = parse ? open.commits.find((t) => t >= parse.t1) : null;
  return {
    ms: open.tPaint - open.tSubmit,
    domMs: open.tDom - open.tSubmit,
    rows: open.rows,
    list: open.list,
    answerChars: answer?.size ?? null,
    // submit → the whole answer received: the core reads the file, serialises, sends; the browser decodes.
    toAnswerMs: answer ? answer.t - open.tSubmit : null,
    browserJsonParseMs: parse ? parse.t1 - parse.t0 : null,
    // after JSON.parse → first React commit: zod parse of every event, traffic fold, analysis fold, first render.
    parseToCommitMs: parse && firstCommit !== undefined && firstCommit !== null ? firstCommit - parse.t1 : null,
    // first commit → painted with rows (effects, virtualizer measuring, more commits).
    commitToPaintMs: firstCommit !== undefined && firstCommit !== null ? open.tPaint - firstCommit : null,
    commits: open.commits.length,
    // The longest stretches without a frame, in ms after the submit: where the page froze.
    stalls: open.stalls
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((x) => ({ atMs: Math.round(x.at), ms: Math.round(x.ms) })),
    frozenMs: open.stalls.reduce((sum, x) => sum + x.ms, 0),
    reactHooked: open.reactHooked,
  };
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
    ms: med((r) => of(r).ms),
    domMs: med((r) => of(r).domMs),
    toAnswerMs: med((r) => of(r).toAnswerMs),
    browserJsonParseMs: med((r) => of(r).browserJsonParseMs),
    parseToCommitMs: med((r) => of(r).parseToCommitMs),
    commitToPaintMs: med((r) => of(r).commitToPaintMs),
    frozenMs: med((r) => of(r).frozenMs),
    longestStallMs: med((r) => of(r).stalls[0]?.ms),
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
  const targets = { openMs: check(summary.open.ms, TARGETS.openMs, (v, l) => v < l) };
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
  const both = (label, key) => [label, fmt(o[key], 0), fmt(p[key], 0)];
  console.log(
    table(
      ['open session (ms)', 'page', 'Playwright page'],
      [
        both('submit → rows painted', 'ms'),
        both('  submit → answer received (core + transfer + browser receive)', 'toAnswerMs'),
        ['    same call from a Node WebSocket client (core share)', fmt(b?.nodeClientAnswerMs, 0), ''],
        both('  JSON.parse in the page', 'browserJsonParseMs'),
        both('  parse end → first React commit (zod, folds, render)', 'parseToCommitMs'),
        both('  first commit → rows painted', 'commitToPaintMs'),
        both('page frozen (frames > 100 ms apart), total', 'frozenMs'),
        both('  longest single freeze', 'longestStallMs'),
      ],
    ),
  );
  console.log('("page": a page Playwright does not drive; "Playwright page": its DevTools Network capture copies the answer frame)');
  if (b && !b.error) {
    console.log(
      `\n${table(
        ['same steps in Node (one run)', 'ms'],
        [
          ['core: read + zod-parse the file', fmt(b.coreReadMs, 0)],
          [`core: JSON.stringify the answer (${fmt(b.resultMessageMb, 0)} MB)`, fmt(b.stringifyMs, 0)],
          ['JSON.parse', fmt(b.jsonParseMs, 0)],
          ['zod: message envelope', fmt(b.zodEnvelopeMs, 0)],
          ['zod: openSession result (every event)', fmt(b.zodResultMs, 0)],
          ['traffic fold', fmt(b.trafficFoldMs, 0)],
          ['analysis fold', fmt(b.analysisFoldMs, 0)],
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
  } else if (b?.error) console.log(`\nbreakdown in Node: skipped (${b.error})`);
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
      Object.entries(targets).map(([name, t]) => [name, fmt(t.value, 1), `${name.endsWith('Over50') ? '≤' : '<'} ${t.target}`, t.pass === null ? 'n/a' : t.pass ? 'pass' : 'MISS']),
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
  const serve = await startServe(path.join(dir, 'live-session.ndjson'));
  log(`toolscope serve: ${serve.url.replace(/token=[^&]+/, 'token=…')}`);
  if (prepared.breakdown) {
    try {
      const client = await nodeClientOpen(serve.url, prepared.file);
      prepared.breakdown.nodeClientAnswerMs = round(client.ms, 0);
      log(`openSession from a Node WebSocket client: ${fmt(client.mb, 0)} MB answer in ${fmt(client.ms, 0)} ms`);
    } catch (error) {
      prepared.breakdown.nodeClientError = error.message;
    }
  }
  const browser = await launchBrowser();
  log(`browser: Chromium ${browser.version()}`);

  const rounds = [];
  for (let i = 0; i < CONFIG.rounds; i++) {
    log(`round ${i + 1}/${CONFIG.rounds}`);
    rounds.push(await runRound(browser, serve.url, prepared.file));
  }
  const loadAfter = os.loadavg()[0];
  const summary = summarise(rounds);
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
