/**
 * Tool backends and a fake realtime server for the end-to-end tests, on 127.0.0.1 with port 0, plus the
 * real clients that call them through a Toolscope route. Each `start…` returns a `close()` that the test
 * calls in its teardown; it ends every socket the server still holds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A well-formed `llm:function_result` action for a Daily Bots streaming webhook. */
export function functionResultEvent(name: string, callId: string, args: unknown, result: unknown): string {
  const data = {
    service: 'llm',
    action: 'function_result',
    arguments: [
      { name: 'function_name', value: name },
      { name: 'tool_call_id', value: callId },
      { name: 'arguments', value: args },
      { name: 'result', value: result },
    ],
  };
  return `event: action\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The malformed `update-config` of the tests: `options` must be a list of `{name, value}`; an object is
 * silently ignored by Daily Bots (rule `rtvi/options-not-list`).
 */
export const BAD_UPDATE_CONFIG_DATA = '{"config":[{"service":"tts","options":{"voice":"en-gb"}}]}';

export interface Server {
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

export interface ToolBackend extends Server {
  /** Lets the held SSE stream (`POST /held-stream`) finish. */
  releaseStream(): void;
  /** Request paths in the order they arrived. */
  paths: string[];
}

/**
 * A Daily Bots style tool backend, on HTTP and WebSocket:
 * - `POST /stream`: an SSE answer with a function_result action, the bad update-config and `data:close`;
 * - `POST /held-stream`: the same, but everything after the first event waits for `releaseStream()`;
 * - `POST /fail`: HTTP 500 with a JSON error;
 * - any other request: a JSON result that echoes the call's arguments;
 * - WebSocket upgrades: an echo server.
 */
export async function startToolBackend(): Promise<ToolBackend> {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      paths.push(req.url ?? '');
      let call: { function_name?: string; tool_call_id?: string; arguments?: unknown } = {};
      try {
        call = JSON.parse(body || '{}') as typeof call;
      } catch {
        // Not JSON: answered all the same.
      }
      const name = call.function_name ?? 'unknown';
      const id = call.tool_call_id ?? 'no-id';
      if (req.url === '/stream' || req.url === '/held-stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(functionResultEvent(name, id, call.arguments ?? {}, { temperature: 21 }));
        const rest = () => {
          res.write(`event: update-config\ndata: ${BAD_UPDATE_CONFIG_DATA}\n\n`);
          res.end('data:close\n\n');
        };
        if (req.url === '/held-stream') void released.then(rest);
        else rest();
        return;
      }
      if (req.url === '/fail') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'tool crashed' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ temperature: 21, unit: 'C', received: call.arguments ?? null }));
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await listen(server);
  return {
    url: urlOf(server),
    paths,
    releaseStream: () => release(),
    close: async () => {
      release();
      await closeAll(server, sockets);
    },
  };
}

export interface RealtimeScript {
  /** `response.output_audio.delta` frames the server sends before its function calls. */
  audioDeltas: number;
  /** Ends each response with a `response.done` frame after its function calls. */
  responseDone?: boolean;
}

/**
 * A fake OpenAI Realtime server. On `session.update` it answers `session.updated`; on
 * `input_audio_buffer.commit` it streams `audioDeltas` audio deltas, then two function calls:
 * `get_weather` (call_1, `{"city":"Oslo"}`) and `get_time` (call_2, `{"zone":"CET"}`), then `response.done` when
 * the script asks for it.
 */
export async function startRealtimeServer(script: RealtimeScript = { audioDeltas: 3 }): Promise<RealtimeServer> {
  const received: unknown[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => {
    socket.on('message', (data) => {
      let message: { type?: string } = {};
      try {
        message = JSON.parse(data.toString()) as { type?: string };
      } catch {
        return;
      }
      received.push(message);
      if (message.type === 'session.update') {
        socket.send(JSON.stringify({ type: 'session.updated', event_id: 'ev_s', session: { type: 'realtime' } }));
      } else if (message.type === 'input_audio_buffer.commit') {
        for (let i = 0; i < script.audioDeltas; i++) {
          socket.send(
            JSON.stringify({ type: 'response.output_audio.delta', event_id: `ev_a${i}`, response_id: 'r1', item_id: 'item_a', output_index: 0, content_index: 0, delta: 'AAAA'.repeat(400) }),
          );
        }
        socket.send(
          JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'ev_c1', response_id: 'r1', item_id: 'item_1', output_index: 1, call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }),
        );
        socket.send(
          JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'ev_c2', response_id: 'r1', item_id: 'item_2', output_index: 2, call_id: 'call_2', name: 'get_time', arguments: '{"zone":"CET"}' }),
        );
        if (script.responseDone) socket.send(JSON.stringify({ type: 'response.done', event_id: 'ev_d', response: { id: 'r1', status: 'completed' } }));
      }
    });
  });
  await listen(server);
  return { url: urlOf(server), received, close: () => closeAll(server, sockets) };
}

export interface RealtimeServer extends Server {
  /** Every JSON message a client sent, parsed, in order. */
  received: unknown[];
}

/** The tool declarations a realtime client sends in `session.update`. */
export const REALTIME_TOOLS = [
  { type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } }, required: ['city'] } },
  { type: 'function', name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { zone: { type: 'string', description: 'Zone' } }, required: ['zone'] } },
];

/** POSTs a Daily Bots webhook call through a route and returns the response, its body read. */
export async function callWebhook(
  routeUrl: string,
  path: string,
  call: { name: string; id: string; args: Record<string, unknown> },
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${routeUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: call.name, tool_call_id: call.id, arguments: call.args }),
  });
  return { status: response.status, text: await response.text() };
}

/** A raw `ws` client through a route; resolves once open. */
export async function openSocket(routeUrl: string, path: string): Promise<WebSocket> {
  const socket = new WebSocket(`${routeUrl.replace('http://', 'ws://')}${path}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves with the first message (parsed) for which `match` is true. */
export function nextMessage(socket: WebSocket, match: (message: { type?: string }) => boolean): Promise<{ type?: string }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type?: string };
      if (!match(message)) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
}

/** Closes a client socket and waits until it is closed. */
export async function closeSocket(socket: WebSocket, code = 1000): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.close(code);
  await closed;
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function urlOf(server: http.Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeAll(server: http.Server, sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
