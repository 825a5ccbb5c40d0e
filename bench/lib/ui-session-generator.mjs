/**
 * Writes a large, realistic Toolscope session file for the UI benchmark (bench/ui-scale.mjs): what a day of
 * testing a voice bot leaves behind, so the UI is measured on the shapes it really gets, not on 100,000 copies
 * of one row.
 *
 * The mix, for N events (default 100,000):
 *   - OpenAI Realtime (GA) WebSocket connections: `session.created` / `session.update` with tools /
 *     `session.updated`, then turns of microphone audio (`input_audio_buffer.append`, ~1.5 KiB of base64 each),
 *     server VAD events, responses with `response.output_audio.delta` audio, and function calls
 *     (`response.output_item.added`, argument deltas, `response.function_call_arguments.done`,
 *     `response.output_item.done`, `response.done`) answered by the client with a `conversation.item.create`
 *     `function_call_output` of the same call_id, or left unanswered. Audio is ~90% of the events, as in use.
 *   - Daily Bots `webhook_tools` exchanges answered with one JSON result (some 500s, a few non-JSON answers,
 *     a few slower than the latency budget).
 *   - Daily Bots streaming (SSE) answers: `event: action` (tts:say, llm:function_result), `event: update-config`,
 *     `data:close` / `event: close`, and some broken streams (close without data, JSON over several lines,
 *     missing close, close without the final blank line).
 *
 * Events follow shared/events.ts exactly: `seq` from 1 without gaps, `t` in epoch ms with sub-ms precision and
 * never going back, ids as the core makes them (r1, x1, w1). SSE blocks are cut and judged by the project's own
 * compiled SseStreamReader (dist/), so `byteOffset`, `dispatched`, `type` and `data` are what the core would
 * have recorded for the same bytes. Everything is drawn from a seeded generator: the same options give the
 * same file, so runs on different days compare.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SSE_READER_JS = path.join(ROOT, 'dist/node/shared/sse/sse-stream-reader.js');

/** What the core records as each body's `cap` (DEFAULT_BODY_CAP in electron/proxy/body-capture.ts). */
const BODY_CAP = 1024 * 1024;
/** A fixed start, so two runs write the same file (and the UI's relative times read the same). */
const DEFAULT_START = Date.UTC(2025, 5, 2, 9, 0, 0);
/** Base64 characters per audio frame: ~1.1 KiB of PCM, ~24 ms at 24 kHz. Keeps 100,000 events near 150 MB. */
const AUDIO_B64_CHARS = 1536;
/** Realtime connections open at the same time, as a bot handling a few callers. */
const LANES = 3;

// Share of N spent on each webhook kind; the realtime connections take the rest.
const WEBHOOK_SHARE = 0.015;
const SSE_SHARE = 0.005;

export const MIN_EVENTS = 500;

// ---------------------------------------------------------------------------------------------------------
// a small seeded random source (xorshift32): deterministic, fast, good enough to vary test data

export function makeRandom(seed) {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return {
    next,
    int,
    range: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Picks from [[weight, value], …]. */
    weighted(entries) {
      const total = entries.reduce((sum, [w]) => sum + w, 0);
      let roll = next() * total;
      for (const [w, value] of entries) if ((roll -= w) < 0) return value;
      return entries[entries.length - 1][1];
    },
    token(length) {
      let out = '';
      for (let i = 0; i < length; i++) out += ALNUM[Math.floor(next() * ALNUM.length)];
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// tools: the same functions over every protocol, with arguments and results of realistic size and wording

const CITIES = ['Berlin', 'Lisbon', 'Austin', 'Toronto', 'Osaka', 'Nairobi', 'Melbourne', 'Oslo', 'Denver', 'Seville'];
const CONDITIONS = ['sunny', 'light rain', 'overcast', 'thunderstorms', 'snow showers', 'fog', 'windy and clear'];
// Several words share prefixes of "weather" (wear, sweat…), so typing it one key at a time changes the matches.
const PRODUCTS = ['wool sweater', 'sweatpants', 'wearable fan', 'weather radio', 'rain jacket', 'snow boots', 'travel mug'];
const DEPARTMENTS = ['billing', 'sales', 'technical support', 'returns'];
const NAMES = ['Ana Souza', 'Ben Carter', 'Chen Wei', 'Dara Okafor', 'Elif Yilmaz', 'Farid Haddad', 'Grace Lee'];

const TOOLS = [
  {
    weight: 22,
    name: 'get_weather',
    description: 'Current weather and a short forecast for a city.',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location'],
    },
    args: (r) => ({ location: r.pick(CITIES), unit: r.pick(['celsius', 'fahrenheit']) }),
    result: (r, args) => ({
      location: args.location,
      temperature: r.int(-5, 36),
      unit: args.unit,
      conditions: r.pick(CONDITIONS),
      forecast: `${r.pick(CONDITIONS)} later today, ${r.pick(CONDITIONS)} tomorrow`,
    }),
  },
  {
    weight: 20,
    name: 'lookup_order',
    description: 'Status of a customer order by its order number.',
    parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
    args: (r) => ({ order_number: `A${r.int(10000, 99999)}` }),
    result: (r, args) => ({
      order_number: args.order_number,
      status: r.pick(['processing', 'shipped', 'delivered', 'cancelled']),
      items: [{ product: r.pick(PRODUCTS), quantity: r.int(1, 3) }],
      eta: `2025-06-${String(r.int(3, 28)).padStart(2, '0')}`,
    }),
  },
  {
    weight: 14,
    name: 'book_appointment',
    description: 'Books a service appointment.',
    parameters: {
      type: 'object',
      properties: { date: { type: 'string' }, time: { type: 'string' }, name: { type: 'string' }, note: { type: 'string' } },
      required: ['date', 'time', 'name'],
    },
    args: (r) => ({
      date: `2025-06-${String(r.int(3, 28)).padStart(2, '0')}`,
      time: `${r.int(8, 17)}:${r.pick(['00', '15', '30', '45'])}`,
      name: r.pick(NAMES),
      note: r.pick(['first visit', 'follow-up', 'prefers mornings', 'bring the warranty card']),
    }),
    result: (r) => ({ confirmed: r.chance(0.85), confirmation: `BK-${r.token(6).toUpperCase()}` }),
  },
  {
    weight: 14,
    name: 'check_inventory',
    description: 'Stock level of a product in the nearest store.',
    parameters: {
      type: 'object',
      properties: { product: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
      required: ['product'],
    },
    args: (r) => ({ product: r.pick(PRODUCTS), quantity: r.int(1, 4) }),
    result: (r, args) => ({ product: args.product, in_stock: r.int(0, 40), store: `${r.pick(CITIES)} Central` }),
  },
  {
    weight: 8,
    name: 'transfer_call',
    description: 'Transfers the caller to a human in a department.',
    parameters: { type: 'object', properties: { department: { type: 'string', enum: DEPARTMENTS } }, required: ['department'] },
    args: (r) => ({ department: r.pick(DEPARTMENTS) }),
    result: (r) => ({ transferred: true, queue_position: r.int(1, 9) }),
  },
  {
    weight: 8,
    name: 'get_account_balance',
    description: 'Balance of the caller\'s account.',
    parameters: { type: 'object', properties: { account_id: { type: 'string' } }, required: ['account_id'] },
    args: (r) => ({ account_id: `acct_${r.token(8)}` }),
    result: (r) => ({ balance: Math.round(r.range(-200, 5000) * 100) / 100, currency: 'EUR' }),
  },
];
const TOOL_WEIGHTS = TOOLS.map((tool) => [tool.weight, tool]);
const TOOL_DEFINITIONS = TOOLS.map(({ name, description, parameters }) => ({ type: 'function', name, description, parameters }));

function drawCall(r, idPrefix = 'call_') {
  const tool = r.weighted(TOOL_WEIGHTS);
  const args = tool.args(r);
  return { tool, name: tool.name, callId: `${idPrefix}${r.token(16)}`, args, argsJson: JSON.stringify(args), result: tool.result(r, args) };
}

// ---------------------------------------------------------------------------------------------------------
// building blocks. Every episode is a list of drafts {at, make}: `at` in ms from the episode's start, `make`
// builds the event without seq/t when it is written, so 150 MB of frames never sit in memory at once.

const utf8Bytes = (text) => Buffer.byteLength(text, 'utf8');
const ms = (value) => Math.round(value * 1000) / 1000;

function textBody(text) {
  return { encoding: 'utf8', data: text, size: utf8Bytes(text), truncated: false, cap: BODY_CAP };
}

function audioPool(r) {
  // Distinct random payloads, reused: base64 of random bytes compresses and parses like real audio.
  const pool = [];
  for (let i = 0; i < 64; i++) {
    const bytes = Buffer.alloc((AUDIO_B64_CHARS / 4) * 3);
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r.next() * 256);
    pool.push(bytes.toString('base64'));
  }
  return pool;
}

function wsFrame(connectionId, direction, message) {
  const data = JSON.stringify(message);
  return { kind: 'ws.frame', connectionId, direction, opcode: 'text', encoding: 'utf8', data, size: utf8Bytes(data), truncated: false };
}

// ---------------------------------------------------------------------------------------------------------
// Daily Bots webhooks (JSON answers)

/** The request head and body a Daily Bots bot sends for a webhook call; streaming calls add `Accept`. */
function requestDrafts(exchangeId, routeId, url, requestText, extraHeaders) {
  return [
    {
      at: 0,
      make: () => ({
        kind: 'http.request',
        exchangeId,
        routeId,
        method: 'POST',
        url,
        httpVersion: '1.1',
        headers: [
          ['Host', '127.0.0.1:7801'],
          ['User-Agent', 'aiohttp/3.9.5'],
          ...extraHeaders,
          ['Content-Type', 'application/json'],
          ['Content-Length', String(utf8Bytes(requestText))],
        ],
        remoteAddress: '127.0.0.1',
        upstreamUrl: `http://127.0.0.1:8000${url}`,
      }),
    },
    { at: 0.4, make: () => ({ kind: 'http.request.body', exchangeId, body: textBody(requestText) }) },
  ];
}

function webhookEpisode(r, routeId, stats) {
  const call = drawCall(r);
  const requestText = JSON.stringify({ function_name: call.name, tool_call_id: call.callId, arguments: call.args });
  const outcome = r.weighted([
    [93, 'ok'],
    [3, 'server-error'],
    [2, 'not-json'],
    [2, 'slow'],
  ]);
  const latency = outcome === 'slow' ? r.range(1600, 3200) : r.range(35, 650);
  let status = 200;
  let statusMessage = 'OK';
  let contentType = 'application/json';
  let responseText = JSON.stringify(call.result);
  if (outcome === 'server-error') {
    status = 500;
    statusMessage = 'Internal Server Error';
    responseText = JSON.stringify({ error: 'upstream timeout talking to the order system' });
  } else if (outcome === 'not-json') {
    contentType = 'text/plain; charset=utf-8';
    responseText = 'Internal Server Error';
  }
  stats.webhookCalls++;
  const url = `/tools/${call.name}`;
  return {
    kind: 'exchange',
    drafts: (exchangeId) => [
      ...requestDrafts(exchangeId, routeId, url, requestText, []),
      {
        at: latency,
        make: () => ({
          kind: 'http.response',
          exchangeId,
          status,
          statusMessage,
          headers: [
            ['content-type', contentType],
            ['content-length', String(utf8Bytes(responseText))],
            ['date', 'Mon, 02 Jun 2025 09:00:00 GMT'],
          ],
        }),
      },
      { at: latency + 0.3, make: () => ({ kind: 'http.response.body', exchangeId, body: textBody(responseText) }) },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Daily Bots streaming answers (SSE)

function actionBlock(payload) {
  return `event: action\ndata: ${JSON.stringify(payload)}\n\n`;
}

function functionResult(call) {
  return {
    service: 'llm',
    action: 'function_result',
    arguments: [
      { name: 'function_name', value: call.name },
      { name: 'tool_call_id', value: call.callId },
      { name: 'arguments', value: call.args },
      { name: 'result', value: call.result },
    ],
  };
}

function sseBody(r, call, variant) {
  const say = actionBlock({ service: 'tts', action: 'say', arguments: [{ name: 'text', value: 'One moment while I check that for you.' }] });
  const config = `event: update-config\ndata: ${JSON.stringify({
    config: [{ service: 'tts', options: [{ name: 'voice', value: r.pick(['alloy', 'verse', 'sage']) }] }],
  })}\n\n`;
  const result = actionBlock(functionResult(call));
  const extras = r.chance(0.4) ? [config] : [];
  switch (variant) {
    case 'close-event':
      return [say, ...extras, result, 'event: close\ndata: close\n\n'];
    case 'close-without-data':
      return [say, result, 'event: close\n\n'];
    case 'multiline-json': {
      // Pretty-printed JSON: only the first line carries "data:", so the client drops the rest.
      const pretty = JSON.stringify(functionResult(call), null, 2).split('\n');
      return [say, `event: action\ndata: ${pretty[0]}\n${pretty.slice(1).join('\n')}\n\n`, 'data:close\n\n'];
    }
    case 'missing-close':
      return [say, ...extras, result];
    case 'close-no-blank-line':
      return [say, result, 'data:close'];
    default:
      return [say, ...extras, result, 'data:close\n\n'];
  }
}

function sseEpisode(r, routeId, SseStreamReader, stats) {
  const call = drawCall(r);
  const variant = r.weighted([
    [72, 'ok'],
    [12, 'close-event'],
    [4, 'close-without-data'],
    [4, 'multiline-json'],
    [4, 'missing-close'],
    [4, 'close-no-blank-line'],
  ]);
  const chunks = sseBody(r, call, variant);
  const bodyText = chunks.join('');
  // Judge the bytes the way the core does while they stream.
  const reader = new SseStreamReader();
  const blocks = [];
  for (const chunk of chunks) blocks.push(...reader.push(chunk));
  const end = reader.end();
  blocks.push(...end.blocks);

  const requestText = JSON.stringify({ function_name: call.name, tool_call_id: call.callId, arguments: call.args });
  const headAt = r.range(30, 250);
  const blockTimes = [];
  let at = headAt;
  for (let i = 0; i < blocks.length; i++) {
    at += r.range(15, 220);
    blockTimes.push(at);
  }
  const endAt = at + r.range(1, 20);
  stats.sseCalls++;
  if (variant !== 'ok' && variant !== 'close-event') stats.sseBroken++;
  const url = `/stream/${call.name}`;
  return {
    kind: 'exchange',
    drafts: (exchangeId) => [
      ...requestDrafts(exchangeId, routeId, url, requestText, [['Accept', 'text/event-stream']]),
      {
        at: headAt,
        make: () => ({
          kind: 'http.response',
          exchangeId,
          status: 200,
          statusMessage: 'OK',
          headers: [
            ['content-type', 'text/event-stream; charset=utf-8'],
            ['cache-control', 'no-cache'],
            ['transfer-encoding', 'chunked'],
          ],
        }),
      },
      ...blocks.map((block, i) => ({ at: blockTimes[i], make: () => ({ kind: 'sse.event', exchangeId, ...block }) })),
      {
        at: endAt,
        make: () => ({
          kind: 'sse.end',
          exchangeId,
          events: blocks.length,
          leftover: end.leftover,
          leftoverOffset: end.leftoverOffset,
          complete: true,
        }),
      },
      // The core records the whole body after the stream's end (http-forwarder: endSse, then the body).
      { at: endAt + 0.2, make: () => ({ kind: 'http.response.body', exchangeId, body: textBody(bodyText) }) },
    ],
    count: 3 + blocks.length + 2,
  };
}

// ---------------------------------------------------------------------------------------------------------
// OpenAI Realtime connections

/**
 * Plans one connection worth `budget` events exactly: opening handshake, turns until the budget is nearly
 * spent, then the caller keeps talking (audio frames) until it is, then hangs up.
 */
function realtimeEpisode(r, routeId, budget, audio, stats) {
  const drafts = [];
  let t = 0;
  let audioIndex = r.int(0, audio.length - 1);
  const nextAudio = () => audio[audioIndex++ % audio.length];
  let connectionId = '';
  const id = (prefix) => `${prefix}_${r.token(12)}`;
  const push = (at, make) => drafts.push({ at, make });
  const client = (message) => () => wsFrame(connectionId, 'client-to-upstream', message);
  const server = (message) => () => wsFrame(connectionId, 'upstream-to-client', message);
  const model = 'gpt-realtime';

  push(t, () => ({
    kind: 'ws.open',
    connectionId,
    routeId,
    url: `/v1/realtime?model=${model}`,
    upstreamUrl: `wss://api.openai.com/v1/realtime?model=${model}`,
    headers: [
      ['Host', '127.0.0.1:7802'],
      ['Authorization', 'Bearer sk-bench-not-a-real-key'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Key', `${r.token(22)}==`],
    ],
    requestedProtocols: [],
    protocol: '',
    remoteAddress: '127.0.0.1',
  }));
  const sessionId = id('sess');
  const session = { type: 'realtime', id: sessionId, object: 'realtime.session', model, output_modalities: ['audio'], tools: [] };
  push((t += r.range(80, 200)), server({ type: 'session.created', event_id: id('event'), session }));
  const tools = TOOL_DEFINITIONS.filter(() => r.chance(0.8));
  if (!tools.some((tool) => tool.name === 'get_weather')) tools.unshift(TOOL_DEFINITIONS[0]);
  const update = {
    type: 'realtime',
    instructions: 'You are a friendly phone agent for an outdoor clothing shop. Use the tools; never guess order status.',
    audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } }, output: { voice: 'alloy' } },
    tools,
    tool_choice: 'auto',
  };
  push((t += r.range(5, 40)), client({ type: 'session.update', event_id: id('event'), session: update }));
  push((t += r.range(40, 120)), server({ type: 'session.updated', event_id: id('event'), session: { ...session, ...update } }));
  const FIXED_TAIL = 1; // ws.close

  // Audio frames and server VAD around a spoken user turn.
  const userSpeaks = (frames) => {
    const itemId = id('item');
    for (let i = 0; i < frames; i++) {
      push((t += r.range(20, 28)), client({ type: 'input_audio_buffer.append', event_id: id('event'), audio: nextAudio() }));
      if (i === 2) push(t + 0.5, server({ type: 'input_audio_buffer.speech_started', event_id: id('event'), audio_start_ms: Math.round(t), item_id: itemId }));
    }
    push((t += r.range(300, 600)), server({ type: 'input_audio_buffer.speech_stopped', event_id: id('event'), audio_end_ms: Math.round(t), item_id: itemId }));
    push((t += r.range(5, 30)), server({ type: 'input_audio_buffer.committed', event_id: id('event'), previous_item_id: null, item_id: itemId }));
  };
  const assistantSpeaks = (frames) => {
    const responseId = id('resp');
    const itemId = id('item');
    push((t += r.range(150, 500)), server({ type: 'response.created', event_id: id('event'), response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } }));
    for (let i = 0; i < frames; i++) {
      push(
        (t += r.range(8, 30)),
        server({ type: 'response.output_audio.delta', event_id: id('event'), response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: nextAudio() }),
      );
    }
    const message = { id: itemId, object: 'realtime.item', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'Sure, here is what I found.' }] };
    push((t += r.range(20, 80)), server({ type: 'response.done', event_id: id('event'), response: { id: responseId, object: 'realtime.response', status: 'completed', output: [message] } }));
  };
  const callTurn = (answered) => {
    const call = drawCall(r);
    const responseId = id('resp');
    const itemId = id('item');
    const item = { id: itemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: call.name, call_id: call.callId, arguments: '' };
    push((t += r.range(200, 600)), server({ type: 'response.created', event_id: id('event'), response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } }));
    push((t += r.range(20, 80)), server({ type: 'response.output_item.added', event_id: id('event'), response_id: responseId, output_index: 0, item }));
    const pieces = Math.min(call.argsJson.length, r.int(2, 4));
    const step = Math.ceil(call.argsJson.length / pieces);
    for (let i = 0; i < call.argsJson.length; i += step) {
      const delta = call.argsJson.slice(i, i + step);
      push(
        (t += r.range(10, 40)),
        server({ type: 'response.function_call_arguments.delta', event_id: id('event'), response_id: responseId, item_id: itemId, output_index: 0, call_id: call.callId, delta }),
      );
    }
    push(
      (t += r.range(5, 20)),
      server({
        type: 'response.function_call_arguments.done',
        event_id: id('event'),
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        call_id: call.callId,
        name: call.name,
        arguments: call.argsJson,
      }),
    );
    const done = { ...item, status: 'completed', arguments: call.argsJson };
    push((t += r.range(1, 5)), server({ type: 'response.output_item.done', event_id: id('event'), response_id: responseId, output_index: 0, item: done }));
    push((t += r.range(1, 10)), server({ type: 'response.done', event_id: id('event'), response: { id: responseId, object: 'realtime.response', status: 'completed', output: [done] } }));
    stats.realtimeCalls++;
    if (!answered) {
      stats.realtimeUnanswered++;
      return;
    }
    // The tool's latency as the client sees it, then the answer and a new response that speaks it.
    const output = JSON.stringify(call.result);
    push((t += r.range(40, 900)), client({ type: 'conversation.item.create', event_id: id('event'), item: { type: 'function_call_output', call_id: call.callId, output } }));
    push((t += r.range(1, 5)), client({ type: 'response.create', event_id: id('event') }));
  };

  // The largest turn: user audio + VAD (3) + a call (≤ 9: created, added, ≤ 4 deltas, done, item done, response done)
  // + its answer (2) + a spoken reply (created, audio, done).
  const MAX_USER = 60;
  const MAX_REPLY = 45;
  const MAX_TURN = MAX_USER + 3 + 9 + 2 + (1 + MAX_REPLY + 1);
  while (budget - FIXED_TAIL - drafts.length >= MAX_TURN) {
    userSpeaks(r.int(12, MAX_USER));
    if (r.chance(0.55)) {
      const answered = r.chance(0.9);
      callTurn(answered);
      if (answered) assistantSpeaks(r.int(8, MAX_REPLY));
    } else {
      assistantSpeaks(r.int(8, MAX_REPLY));
    }
    t += r.range(400, 2500);
  }
  // Fill to the exact budget: the caller keeps talking, then hangs up.
  while (drafts.length < budget - FIXED_TAIL) {
    push((t += r.range(20, 28)), client({ type: 'input_audio_buffer.append', event_id: id('event'), audio: nextAudio() }));
  }
  push((t += r.range(50, 300)), () => ({ kind: 'ws.close', connectionId, code: 1000, reason: '', by: 'client' }));
  return {
    kind: 'connection',
    durationMs: t,
    count: drafts.length,
    drafts: (assignedId) => {
      connectionId = assignedId;
      return drafts;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Writes the session to `filePath` and returns what it holds. Options: events (N), seed, startTime.
 * Needs `npm run build` (it uses the compiled SSE reader).
 */
export async function generateUiSession(filePath, options = {}) {
  const total = options.events ?? 100_000;
  if (!Number.isInteger(total) || total < MIN_EVENTS) throw new Error(`events must be an integer ≥ ${MIN_EVENTS} (got ${total})`);
  if (!fs.existsSync(SSE_READER_JS)) throw new Error(`${path.relative(ROOT, SSE_READER_JS)} is missing: run \`npm run build\` first`);
  const { SseStreamReader } = await import(pathToFileURL(SSE_READER_JS).href);
  const r = makeRandom(options.seed ?? 20250602);
  const startTime = options.startTime ?? DEFAULT_START;
  const audio = audioPool(r);
  const stats = { webhookCalls: 0, sseCalls: 0, sseBroken: 0, realtimeCalls: 0, realtimeUnanswered: 0 };

  const routes = [
    { routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:8000', timeoutMs: 30000 },
    { routeId: 'r2', listen: { host: '127.0.0.1', port: 7802 }, upstream: 'wss://api.openai.com', timeoutMs: 30000 },
  ];

  // Webhooks first: their sizes are fixed by their content; realtime audio absorbs the rest exactly.
  const exchanges = [];
  const webhookCount = Math.max(1, Math.floor(total * WEBHOOK_SHARE));
  const sseCount = Math.max(1, Math.floor(total * SSE_SHARE));
  for (let i = 0; i < webhookCount; i++) exchanges.push({ ...webhookEpisode(r, 'r1', stats), count: 4 });
  for (let i = 0; i < sseCount; i++) exchanges.push(sseEpisode(r, 'r1', SseStreamReader, stats));
  const exchangeEvents = exchanges.reduce((sum, ex) => sum + ex.count, 0);
  const realtimeBudget = total - routes.length - exchangeEvents;
  const connectionCount = Math.max(1, Math.round(realtimeBudget / 11_000));
  const connections = [];
  for (let i = 0; i < connectionCount; i++) {
    const share = i < connectionCount - 1 ? Math.floor(realtimeBudget / connectionCount) : realtimeBudget - Math.floor(realtimeBudget / connectionCount) * (connectionCount - 1);
    connections.push(realtimeEpisode(r, 'r2', share, audio, stats));
  }

  // Lay connections out in lanes (a few callers at once), webhooks spread over the same span.
  const laneEnds = new Array(LANES).fill(1000);
  for (const connection of connections) {
    const lane = laneEnds.indexOf(Math.min(...laneEnds));
    connection.start = laneEnds[lane] + r.range(500, 5000);
    laneEnds[lane] = connection.start + connection.durationMs;
  }
  const span = Math.max(...laneEnds);
  for (const exchange of exchanges) exchange.start = r.range(1000, span);

  // Ids in order of start, as the core hands them out.
  const timeline = [];
  routes.forEach((route, i) => timeline.push({ t: i * 2.5, make: () => ({ kind: 'route.up', ...route }) }));
  exchanges.sort((a, b) => a.start - b.start);
  exchanges.forEach((exchange, i) => {
    for (const d of exchange.drafts(`x${i + 1}`)) timeline.push({ t: exchange.start + d.at, make: d.make });
  });
  connections.sort((a, b) => a.start - b.start);
  connections.forEach((connection, i) => {
    for (const d of connection.drafts(`w${i + 1}`)) timeline.push({ t: connection.start + d.at, make: d.make });
  });
  // A stable sort keeps each episode's own order where two events share a time.
  timeline.sort((a, b) => a.t - b.t);
  if (timeline.length !== total) throw new Error(`generator planned ${timeline.length} events, not ${total}`);

  const header = { format: 'toolscope-session', version: 1, appVersion: 'bench-ui-scale', startedAt: new Date(startTime).toISOString(), startTime };
  const kinds = {};
  const fd = fs.openSync(filePath, 'w');
  let bytes = 0;
  try {
    let batch = [`${JSON.stringify(header)}\n`];
    let batchChars = 0;
    const flush = () => {
      const text = batch.join('');
      bytes += fs.writeSync(fd, text);
      batch = [];
      batchChars = 0;
    };
    for (let i = 0; i < timeline.length; i++) {
      const entry = timeline[i];
      const { kind, ...rest } = entry.make();
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      // seq, t, kind first, as the core writes them.
      const line = `${JSON.stringify({ seq: i + 1, t: ms(startTime + entry.t), kind, ...rest })}\n`;
      batch.push(line);
      batchChars += line.length;
      if (batchChars > 4 * 1024 * 1024) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }

  return {
    path: filePath,
    events: total,
    bytes,
    durationMs: span,
    kinds,
    connections: connections.length,
    exchanges: exchanges.length,
    calls: {
      total: stats.realtimeCalls + stats.webhookCalls + stats.sseCalls,
      realtime: stats.realtimeCalls,
      realtimeUnanswered: stats.realtimeUnanswered,
      webhook: stats.webhookCalls,
      sse: stats.sseCalls,
      sseBroken: stats.sseBroken,
    },
  };
}
