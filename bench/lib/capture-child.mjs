/**
 * Scenario 4, in its own process (started with --expose-gc so heap figures are measured after a full GC):
 * append synthetic events of realistic shapes to a fresh core's log, with or without a session file, and
 * report events/s, session-file bytes, and heap/RSS growth.
 *
 * Usage: node --expose-gc bench/lib/capture-child.mjs <corePath> <events> <sessionFile|-> [distRoot]
 * prints one JSON line. With distRoot, the analysis feed (lib/analysis-feed.mjs: the bridge's serialisation and
 * the UI's fold + analysis of every batch) runs as well, and a one-shot `analyseEvents` of the whole log (what
 * `toolscope report` does) is timed after the run.
 *
 * Events are appended in batches of BATCH per event-loop turn, as a busy proxy would produce them, so the
 * session writer flushes (it writes once per turn) the way it does in real use. Each event gets freshly built
 * strings (as the proxy's base64/UTF-8 decoding does), so V8 cannot share one payload string between events
 * and the memory figures are honest.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

const [corePath, eventsArg, sessionArg, analysisDist] = process.argv.slice(2);
const EVENTS = Number.parseInt(eventsArg ?? '100000', 10);
const sessionFile = sessionArg && sessionArg !== '-' ? sessionArg : null;
const BATCH = 200;

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : null;
function settle() {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage();
}

const { ToolscopeCore } = await import(corePath);

// A pool of random PCM-ish bytes; each event slices a different window and encodes it anew.
const POOL = crypto.randomBytes(1 << 20);
let cursor = 0;
function audioBytes(n) {
  if (cursor + n > POOL.length) cursor = (cursor * 7 + 13) % 4096;
  const bytes = POOL.subarray(cursor, cursor + n);
  cursor += n + 1;
  return bytes;
}

let exchange = 0;
let frame = 0;
/** Builds the events of one "step" of the mix; the mix is by event count over many steps. */
function makeEvent(i) {
  const r = i % 20;
  frame++;
  if (r < 8) {
    // OpenAI Realtime style audio append: a text frame whose JSON carries 3 KiB of audio as 4 KiB of base64.
    return {
      kind: 'ws.frame',
      connectionId: 'w1',
      direction: 'client-to-upstream',
      opcode: 'text',
      encoding: 'utf8',
      data: `{"type":"input_audio_buffer.append","event_id":"evt_${frame}","audio":"${audioBytes(3072).toString('base64')}"}`,
      size: 4096 + 70,
      truncated: false,
    };
  }
  if (r < 12) {
    // A binary audio frame (Pipecat/Twilio style): 4 KiB of bytes, kept as base64 in the log.
    const bytes = audioBytes(4096);
    return {
      kind: 'ws.frame',
      connectionId: 'w2',
      direction: 'upstream-to-client',
      opcode: 'binary',
      encoding: 'base64',
      data: bytes.toString('base64'),
      size: bytes.length,
      truncated: false,
    };
  }
  if (r < 17) {
    // Small JSON frames: function-call argument deltas, transcripts, results.
    const shapes = [
      `{"type":"response.function_call_arguments.delta","event_id":"evt_${frame}","response_id":"resp_${frame >> 6}","item_id":"item_1","output_index":0,"call_id":"call_${frame >> 4}","delta":"{\\"loc"}`,
      `{"type":"response.audio_transcript.delta","event_id":"evt_${frame}","delta":"the weather in Paris is "}`,
      `{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_${frame >> 4}","output":"{\\"temperature_c\\":17}"}}`,
      `{"label":"rtvi-ai","type":"llm-function-call","id":"${frame}","data":{"function_name":"get_weather","tool_call_id":"t_${frame}","args":{"city":"Paris"}}}`,
      `{"type":"response.function_call_arguments.done","event_id":"evt_${frame}","call_id":"call_${frame >> 4}","name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}`,
    ];
    const data = shapes[frame % shapes.length];
    return {
      kind: 'ws.frame',
      connectionId: 'w1',
      direction: r % 2 ? 'upstream-to-client' : 'client-to-upstream',
      opcode: 'text',
      encoding: 'utf8',
      data,
      size: data.length,
      truncated: false,
    };
  }
  // One webhook exchange is four events: request head, request body, response head, response body.
  const x = `x${r === 17 ? ++exchange : exchange}`;
  const headers = [
    ['Host', '127.0.0.1:7801'],
    ['Content-Type', 'application/json'],
    ['Content-Length', '131'],
    ['User-Agent', `daily-bots/${frame % 10}`],
  ];
  if (r === 17) {
    return {
      kind: 'http.request',
      exchangeId: x,
      routeId: 'r1',
      method: 'POST',
      url: '/webhook',
      httpVersion: '1.1',
      headers,
      remoteAddress: '127.0.0.1',
      upstreamUrl: 'http://127.0.0.1:8000/webhook',
    };
  }
  if (r === 18) {
    const data = `{"function_name":"get_current_weather","tool_call_id":"call_${exchange}","arguments":{"location":"San Francisco, CA","format":"celsius"}}`;
    return { kind: 'http.request.body', exchangeId: x, body: { encoding: 'utf8', data, size: data.length, truncated: false, cap: 1048576 } };
  }
  if (frame % 2) return { kind: 'http.response', exchangeId: x, status: 200, statusMessage: 'OK', headers: headers.slice(1) };
  const data = `{"tool_call_id":"call_${exchange}","result":{"temperature_c":17,"conditions":"fog"}}`;
  return { kind: 'http.response.body', exchangeId: x, body: { encoding: 'utf8', data, size: data.length, truncated: false, cap: 1048576 } };
}

const core = new ToolscopeCore({ appVersion: 'bench', sessionFile });
// The connections the frames belong to, so the traffic fold and the analysis see them as they would live.
for (const [connectionId, routeId] of [['w1', 'r2'], ['w2', 'r3']]) {
  core.log.append({
    kind: 'ws.open',
    connectionId,
    routeId,
    url: '/v1/realtime?model=gpt-realtime',
    upstreamUrl: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    headers: [['Host', '127.0.0.1:7802']],
    requestedProtocols: [],
    protocol: '',
    remoteAddress: '127.0.0.1',
  });
}
let feed = null;
let analyseEvents = null;
if (analysisDist) {
  const { attachAnalysisFeed } = await import('./analysis-feed.mjs');
  // In the proxy's thread: this scenario asks how many events per second capture + analysis take together.
  feed = await attachAnalysisFeed(core, analysisDist, { inThread: true });
  ({ analyseEvents } = await import(pathToFileURL(path.join(analysisDist, 'shared/analysis/session-report.js')).href));
}
await nextTurn();
const before = settle();

let appendMs = 0;
let genMs = 0;
const tStart = performance.now();
for (let i = 0; i < EVENTS; ) {
  const end = Math.min(EVENTS, i + BATCH);
  const g0 = performance.now();
  const batch = [];
  for (let j = i; j < end; j++) batch.push(makeEvent(j));
  const a0 = performance.now();
  genMs += a0 - g0;
  for (const e of batch) core.log.append(e);
  appendMs += performance.now() - a0;
  i = end;
  await nextTurn(); // the session writer flushes this turn's lines here
}
core.flush();
await nextTurn(); // the analysis feed's last batch
await feed?.drain(); // and its last fold
const wallMs = performance.now() - tStart;
const peakRss = process.memoryUsage().rss;
const after = settle();
const logSize = core.log.size;
const fileBytes = sessionFile ? fs.statSync(sessionFile).size : 0;
const feedStats = feed?.stats() ?? null;
let report = null;
if (analyseEvents) {
  const events = core.log.all();
  const r0 = performance.now();
  const { report: rep } = analyseEvents(events);
  const reportMs = performance.now() - r0;
  report = { events: events.length, ms: reportMs, eventsPerSec: (events.length / reportMs) * 1000, calls: rep.calls.length, findings: rep.findings.length };
}
feed?.stop();
await core.close();

// Wall time minus the time spent building the synthetic events = append + the writer's flushes + GC.
const captureMs = wallMs - genMs;
process.stdout.write(
  `${JSON.stringify({
    events: EVENTS,
    logSize,
    analysis: feedStats,
    report,
    sessionFile: sessionFile !== null,
    gcExposed: gc !== null,
    wallMs,
    genMs,
    appendMs,
    captureMs,
    eventsPerSec: (EVENTS / captureMs) * 1000,
    fileBytes,
    fileMBps: fileBytes / 1e6 / (captureMs / 1000),
    heapGrowthPer100k: ((after.heapUsed - before.heapUsed) * 100_000) / EVENTS,
    rssGrowthPer100k: ((after.rss - before.rss) * 100_000) / EVENTS,
    peakRssGrowthPer100k: ((peakRss - before.rss) * 100_000) / EVENTS,
    externalGrowthPer100k: ((after.external + after.arrayBuffers - before.external - before.arrayBuffers) * 100_000) / EVENTS,
  })}\n`,
);
