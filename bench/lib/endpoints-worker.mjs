/**
 * The bench's endpoints, in one worker thread of the bench process: the tool backend (HTTP webhook, SSE stream,
 * WebSocket echo) and the clients that load it, either directly or through the proxy (the proxy runs on the
 * main thread). Backend and clients share this thread's clock, so SSE delays (receive − write) need no clock
 * synchronisation between threads.
 *
 * Protocol: the main thread posts `{ id, cmd, args }`, this worker answers `{ id, ok, result | error }`.
 * Every client operation has a deadline, so nothing here can wait forever.
 */
import http from 'node:http';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { percentile } from './stats.mjs';

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------- backend

const RESULT = JSON.stringify({ temperature_c: 17, conditions: 'fog, clearing in the afternoon', source: 'bench' });

let server = null;
let wss = null;

function startBackend() {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname === '/webhook') return webhook(req, res);
    if (url.pathname === '/sse') return sse(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.keepAliveTimeout = 10_000;
  wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 0 });
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    if (req.url?.startsWith('/rt')) return realtimeBackend(ws, req);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve({ port: server.address().port }));
  });
}

/** A Daily Bots style webhook: `{function_name, tool_call_id, arguments}` in, a small JSON result out. */
function webhook(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let call;
    try {
      call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end('{"error":"bad json"}');
    }
    const body = `{"tool_call_id":${JSON.stringify(call.tool_call_id ?? null)},"result":${RESULT}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/** Streams `events` SSE events `interval` ms apart, each carrying the time (this thread's clock) it was written. */
function sse(req, res, url) {
  const events = clampInt(url.searchParams.get('events'), 1, 10_000, 50);
  const interval = clampInt(url.searchParams.get('interval'), 0, 1000, 10);
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  let i = 0;
  let timer = null;
  res.on('close', () => clearTimeout(timer));
  const next = () => {
    if (res.destroyed) return;
    if (i === events) {
      res.end('event: close\ndata: {}\n\n');
      return;
    }
    const t = performance.now();
    res.write(`event: action\ndata: {"i":${i},"t":${t},"action":{"type":"speak","text":"step ${i} of the tool is done"}}\n\n`);
    i++;
    timer = setTimeout(next, interval);
  };
  timer = setTimeout(next, interval);
}

function clampInt(text, min, max, fallback) {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

// ---------------------------------------------------------------------------------------------- clients

function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let callSeq = 0;
function webhookBody() {
  callSeq++;
  return JSON.stringify({
    function_name: 'get_current_weather',
    tool_call_id: `call_${callSeq.toString(36).padStart(8, '0')}`,
    arguments: { location: 'San Francisco, CA', format: 'celsius' },
  });
}

function postWebhook(agent, port) {
  return new Promise((resolve, reject) => {
    const body = webhookBody();
    const req = http.request(
      {
        host: HOST,
        port,
        method: 'POST',
        path: '/webhook',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let size = 0;
        res.on('data', (c) => (size += c.length));
        res.on('end', () => (res.statusCode === 200 && size > 0 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sequential webhook round trips over one keep-alive connection; latency samples in ms. */
async function webhookLatency({ port, requests }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const samples = new Float64Array(requests);
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await withDeadline(
      (async () => {
        for (let i = 0; i < requests; i++) {
          const start = performance.now();
          await postWebhook(agent, port);
          samples[i] = performance.now() - start;
        }
      })(),
      60_000,
      'webhook latency run',
    );
    const elapsedMs = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    return {
      requests,
      elapsedMs,
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      mean: samples.reduce((a, b) => a + b, 0) / requests,
      endpointsBusyMs: elu.active,
    };
  } finally {
    agent.destroy();
  }
}

/** `requests` webhook calls spread over `concurrency` clients, each a keep-alive connection. */
async function webhookThroughput({ port, requests, concurrency }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    let issued = 0;
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const client = async () => {
      while (issued < requests) {
        issued++;
        await postWebhook(agent, port);
      }
    };
    await withDeadline(Promise.all(Array.from({ length: concurrency }, client)), 60_000, `webhook throughput run (c=${concurrency})`);
    const elapsedMs = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    return { requests, concurrency, elapsedMs, rps: (requests / elapsedMs) * 1000, endpointsBusyMs: elu.active };
  } finally {
    agent.destroy();
  }
}

/** One SSE stream; the delay of each event is its receive time minus the write time it carries. */
async function sseRun({ port, events, interval }) {
  const agent = new http.Agent({ keepAlive: false });
  try {
    return await withDeadline(
      new Promise((resolve, reject) => {
        const delays = [];
        let chunks = 0;
        let text = '';
        let closeSeen = false;
        const req = http.request(
          { host: HOST, port, method: 'POST', path: `/sse?events=${events}&interval=${interval}`, agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`SSE status ${res.statusCode}`));
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              const received = performance.now();
              chunks++;
              text += chunk;
              let end;
              while ((end = text.indexOf('\n\n')) !== -1) {
                const block = text.slice(0, end);
                text = text.slice(end + 2);
                const data = block.split('\n').find((l) => l.startsWith('data:'))?.slice(5);
                if (block.startsWith('event: close')) closeSeen = true;
                else if (data) delays.push(received - JSON.parse(data).t);
              }
            });
            res.on('end', () => {
              if (delays.length !== events || !closeSeen) return reject(new Error(`SSE: got ${delays.length}/${events} events, close ${closeSeen}`));
              resolve({
                events: delays.length,
                chunks,
                p50: percentile(delays, 50),
                p99: percentile(delays, 99),
                max: Math.max(...delays),
              });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(webhookBody());
      }),
      30_000,
      'SSE run',
    );
  } finally {
    agent.destroy();
  }
}

function openWs(port) {
  return withDeadline(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${HOST}:${port}/realtime`, { perMessageDeflate: false, maxPayload: 0 });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
    10_000,
    'WebSocket open',
  );
}

function closeWs(ws) {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 2000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1000, 'bench done');
  });
}

const AUDIO_B64 = crypto.randomBytes(3072).toString('base64'); // 4096 base64 characters
function wsMessage(kind, i) {
  if (kind === 'audio') return `{"type":"input_audio_buffer.append","event_id":"evt_${i}","audio":"${AUDIO_B64}"}`;
  return `{"type":"response.function_call_arguments.delta","event_id":"evt_${i}","response_id":"resp_1","item_id":"item_1","output_index":0,"call_id":"call_abc123","delta":"{\\"location\\":\\"Par"}`;
}

/** Sequential echo round trips of small JSON text frames on one connection. */
async function wsLatency({ port, messages }) {
  const ws = await openWs(port);
  try {
    const samples = new Float64Array(messages);
    let pending = null;
    ws.on('message', () => pending?.());
    const elu0 = performance.eventLoopUtilization();
    await withDeadline(
      (async () => {
        for (let i = 0; i < messages; i++) {
          const start = performance.now();
          await new Promise((resolve) => {
            pending = resolve;
            ws.send(wsMessage('json', i));
          });
          samples[i] = performance.now() - start;
        }
      })(),
      60_000,
      'WebSocket latency run',
    );
    const elu = performance.eventLoopUtilization(elu0);
    return { messages, p50: percentile(samples, 50), p99: percentile(samples, 99), endpointsBusyMs: elu.active };
  } finally {
    await closeWs(ws);
  }
}

/** `messages` frames sent back to back without waiting; time until the last echo arrives. */
async function wsBurst({ port, messages, kind }) {
  const ws = await openWs(port);
  try {
    const payloads = Array.from({ length: messages }, (_, i) => wsMessage(kind, i));
    let received = 0;
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await withDeadline(
      new Promise((resolve) => {
        ws.on('message', () => {
          if (++received === messages) resolve();
        });
        for (const p of payloads) ws.send(p);
      }),
      60_000,
      `WebSocket burst (${kind})`,
    );
    const elapsedMs = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    return { messages, kind, bytesPerMessage: Buffer.byteLength(payloads[0]), elapsedMs, mps: (messages / elapsedMs) * 1000, endpointsBusyMs: elu.active };
  } finally {
    await closeWs(ws);
  }
}

async function stop() {
  if (wss) {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(() => resolve()));
  }
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  }
  return { stopped: true };
}

// ------------------------------------------------------------------------------------- realtime-like load

/**
 * The Realtime-like load: each session streams `input_audio_buffer.append` frames (4096 base64 characters of
 * audio) at a fixed rate to the backend, which sends `response.function_call_arguments.done` once a second;
 * the client answers each with `conversation.item.create` (a `function_call_output`). Every frame carries the
 * time it was sent (this thread's clock, which the backend shares), so its delay is measured where it arrives.
 */
let rt = null;
const RT_PREFIX = /"t":([0-9.]+)/;

function rtNew() {
  return {
    audioDelays: [],
    callDelays: [],
    answerDelays: [],
    answerRoundTrips: [],
    audioReceived: 0,
    answersReceived: 0,
    callsSent: 0,
    backendConnections: new Set(),
  };
}

function realtimeBackend(ws, req) {
  const stats = rt;
  if (!stats) return ws.close(1011, 'no realtime run');
  stats.backendConnections.add(ws);
  const session = new URL(req.url, `http://${HOST}`).searchParams.get('s') ?? '0';
  let n = 0;
  const callTimer = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    n++;
    stats.callsSent++;
    const t = performance.now();
    ws.send(
      `{"type":"response.function_call_arguments.done","event_id":"evt_${session}_${n}","t":${t},"response_id":"resp_${session}_${n}","item_id":"item_${session}_${n}","output_index":0,"call_id":"call_${session}_${n}","name":"get_weather","arguments":"{\\"location\\":\\"Paris\\",\\"unit\\":\\"celsius\\"}"}`,
    );
  }, 1000);
  ws.on('close', () => {
    clearInterval(callTimer);
    stats.backendConnections.delete(ws);
  });
  ws.on('message', (data) => {
    const received = performance.now();
    const head = data.subarray(0, 120).toString('latin1');
    const t = Number(RT_PREFIX.exec(head)?.[1]);
    if (head.startsWith('{"type":"input_audio_buffer.append"')) {
      stats.audioReceived++;
      stats.audioDelays.push(received - t);
    } else if (head.startsWith('{"type":"conversation.item.create"')) {
      stats.answersReceived++;
      stats.answerDelays.push(received - t);
      const callT = Number(/"call_t":([0-9.]+)/.exec(data.toString('utf8'))?.[1]);
      stats.answerRoundTrips.push(received - callT);
    }
  });
}

/** `sessions` clients, `fps` audio frames a second each, for `seconds`; then drains and reports. */
async function realtimeLoad({ port, sessions, fps, seconds, lateMs }) {
  rt = rtNew();
  const stats = rt;
  const clients = [];
  let audioSent = 0;
  let answersSent = 0;
  let callsReceived = 0;
  try {
    for (let s = 0; s < sessions; s++) {
      const ws = await withDeadline(
        new Promise((resolve, reject) => {
          const w = new WebSocket(`ws://${HOST}:${port}/rt/v1/realtime?model=bench&s=${s}`, { perMessageDeflate: false, maxPayload: 0 });
          w.once('open', () => resolve(w));
          w.once('error', reject);
        }),
        10_000,
        'realtime session open',
      );
      ws.on('error', () => {});
      ws.on('message', (data) => {
        const received = performance.now();
        const text = data.toString('utf8');
        if (!text.startsWith('{"type":"response.function_call_arguments.done"')) return;
        callsReceived++;
        const t = Number(RT_PREFIX.exec(text)?.[1]);
        stats.callDelays.push(received - t);
        const callId = /"call_id":"([^"]+)"/.exec(text)?.[1];
        answersSent++;
        ws.send(
          `{"type":"conversation.item.create","t":${performance.now()},"call_t":${t},"item":{"type":"function_call_output","call_id":"${callId}","output":"{\\"temperature_c\\":17,\\"conditions\\":\\"fog\\"}"}}`,
        );
      });
      clients.push(ws);
    }
    const interval = 1000 / fps;
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    // One schedule per session, offset so the sessions do not all send in the same millisecond; a late timer
    // sends the frames it owes at once (as an audio capture callback would), each stamped when it is sent.
    await Promise.all(
      clients.map(
        (ws, s) =>
          new Promise((resolve) => {
            let k = 0;
            const start = t0 + (s * interval) / sessions;
            const tick = () => {
              const now = performance.now();
              while (start + k * interval <= now && start + k * interval < end) {
                if (ws.readyState === WebSocket.OPEN) {
                  ws.send(`{"type":"input_audio_buffer.append","event_id":"evt_${s}_${k}","t":${performance.now()},"audio":"${AUDIO_B64}"}`);
                  audioSent++;
                }
                k++;
              }
              const next = start + k * interval;
              if (next >= end) return resolve();
              setTimeout(tick, Math.max(0, next - performance.now()));
            };
            setTimeout(tick, Math.max(0, start - performance.now()));
          }),
      ),
    );
    const loadMs = performance.now() - t0;
    // Drain: wait until everything sent has arrived, at most 5 s.
    const drainUntil = performance.now() + 5000;
    while ((stats.audioReceived < audioSent || stats.answersReceived < answersSent) && performance.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const elu = performance.eventLoopUtilization(elu0);
    const all = [...stats.audioDelays, ...stats.callDelays, ...stats.answerDelays];
    const late = all.filter((d) => d > lateMs).length;
    return {
      sessions,
      fps,
      seconds,
      loadMs,
      audioSent,
      audioReceived: stats.audioReceived,
      callsSent: stats.callsSent,
      callsReceived,
      answersSent,
      answersReceived: stats.answersReceived,
      lost: audioSent - stats.audioReceived + (answersSent - stats.answersReceived),
      frames: all.length,
      late,
      lateMs,
      audioP50: percentile(stats.audioDelays, 50),
      audioP99: percentile(stats.audioDelays, 99),
      audioMax: stats.audioDelays.reduce((a, b) => Math.max(a, b), -Infinity),
      callP50: percentile(stats.callDelays, 50),
      callP99: percentile(stats.callDelays, 99),
      answerRoundTripP50: percentile(stats.answerRoundTrips, 50),
      answerRoundTripP99: percentile(stats.answerRoundTrips, 99),
      allP50: percentile(all, 50),
      allP99: percentile(all, 99),
      allMax: all.length ? all.reduce((a, b) => Math.max(a, b), -Infinity) : NaN,
      endpointsBusyMs: elu.active,
    };
  } finally {
    await Promise.all(clients.map((ws) => closeWs(ws)));
    for (const ws of stats.backendConnections) ws.terminate();
    rt = null;
  }
}

const commands = { startBackend, webhookLatency, webhookThroughput, sseRun, wsLatency, wsBurst, realtimeLoad, stop };

parentPort.on('message', async ({ id, cmd, args }) => {
  try {
    const fn = commands[cmd];
    if (!fn) throw new Error(`unknown command ${cmd}`);
    parentPort.postMessage({ id, ok: true, result: await fn(args ?? {}) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error?.stack ?? String(error) });
  }
  if (cmd === 'stop') parentPort.close();
});
