/**
 * "Loading a session file and folding it through the reducer gives the same view as watching it live."
 * A core runs in this process with a live store subscribed exactly as the UI subscribes; real HTTP JSON,
 * SSE and WebSocket traffic goes through its route; then the file it wrote is loaded and folded in one go.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../shared/events.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { request, SSE_EVENTS, startBackend, tempDir, type Backend } from '../support/core-process.js';

let backend: Backend;
let gzipServer: http.Server;
let gzipUrl: string;
let dir: string;

beforeAll(async () => {
  backend = await startBackend({ sseDelayMs: 5 });
  dir = tempDir('store');
  // An upstream that sends its SSE gzip-compressed, with a final event that has no blank line (a leftover).
  gzipServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
    const gzip = zlib.createGzip();
    gzip.pipe(res);
    gzip.write('data: zipped\n\n');
    gzip.flush(() => setTimeout(() => gzip.end('event: action\ndata: never dispatched'), 5));
  });
  await new Promise<void>((resolve) => gzipServer.listen(0, '127.0.0.1', resolve));
  gzipUrl = `http://127.0.0.1:${(gzipServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await backend?.close();
  gzipServer?.closeAllConnections();
  await new Promise<void>((resolve) => (gzipServer ? gzipServer.close(() => resolve()) : resolve()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function websocketSession(url: string): Promise<string[]> {
  const socket = new WebSocket(url, ['realtime']);
  const received: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const replies = new Promise<void>((resolve) => {
    socket.on('message', (data, isBinary) => {
      received.push(isBinary ? `binary:${(data as Buffer).length}` : data.toString());
      if (received.length === 3) resolve();
    });
  });
  socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', call_id: 'call_1', arguments: '{"city":"Zürich"}' }));
  socket.send(Buffer.from([0, 1, 2, 255]));
  socket.send('😀');
  await replies;
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(4000, 'done');
  });
  return received;
}

describe('live store = session file folded in one go', () => {
  it('gives deep-equal states after HTTP JSON, SSE (plain and gzip) and WebSocket traffic', async () => {
    const sessionFile = path.join(dir, 'live.ndjson');
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile });
    let state: TrafficState = emptyTrafficState();
    let batches = 0;
    // Exactly as the UI subscribes.
    const unsubscribe = core.log.subscribe(
      (snapshot) => (state = foldEvents(emptyTrafficState(), snapshot)),
      (batch) => {
        batches++;
        state = foldEvents(state, batch);
      },
    );
    try {
      const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
      const gzipRoute = await core.addRoute({ listenPort: 0, upstream: gzipUrl });
      const base = `http://127.0.0.1:${route.listen.port}`;

      const json = await Promise.all(
        [1, 2, 3].map((i) => request(`${base}/json/${i}`, { method: 'POST', body: JSON.stringify({ tool_call_id: `call_${i}` }), headers: { 'content-type': 'application/json' } })),
      );
      for (const res of json) expect(res.status).toBe(200);
      const sse = await request(`${base}/sse/stream`);
      expect(sse.body.match(/event: action/g)).toHaveLength(SSE_EVENTS);
      const zipped = await request(`http://127.0.0.1:${gzipRoute.listen.port}/sse/zip`);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      const replies = await websocketSession(`ws://127.0.0.1:${route.listen.port}/realtime?model=x`);
      expect(replies).toEqual([expect.stringMatching(/^echo:\{/), 'binary:4', 'echo:😀']);
      // A refused upstream: the proxy answers 502 itself.
      const dead = await core.addRoute({ listenPort: 0, upstream: 'http://127.0.0.1:9' });
      expect((await request(`http://127.0.0.1:${dead.listen.port}/json/refused`)).status).toBe(502);
      await waitFor('the WebSocket close and the SSE ends to be logged', () => {
        const kinds = core.log.all().map((e) => e.kind);
        return kinds.includes('ws.close') && kinds.filter((k) => k === 'sse.end').length === 2;
      });
    } finally {
      await core.close();
    }
    // The last batch (route.down of each route) reaches subscribers on the next turn.
    await turn();
    await turn();
    unsubscribe();

    const all = core.log.all() as LogEvent[];
    expect(batches).toBeGreaterThan(1);
    expect(state.eventCount).toBe(all.length);
    expect(state.lastSeq).toBe(all.length);
    // Sanity: the traffic is really in the state, so equality below is not between two empty states.
    expect(state.routes.size).toBe(3);
    expect([...state.routes.values()].every((r) => !r.up)).toBe(true);
    expect(state.exchanges.size).toBe(6);
    expect([...state.exchanges.values()].map((x) => x.state).sort()).toEqual(['complete', 'complete', 'complete', 'complete', 'complete', 'error']);
    expect(state.connections.size).toBe(1);
    const [connection] = [...state.connections.values()];
    expect(connection!.frames).toHaveLength(6);
    expect(connection!.close).toMatchObject({ code: 4000, reason: 'done' });
    const zippedExchange = [...state.exchanges.values()].find((x) => x.request.url === '/sse/zip')!;
    expect(zippedExchange.sse.map((e) => e.data)).toEqual(['zipped']);
    expect(zippedExchange.sseEnd).toMatchObject({ leftover: 'event: action\ndata: never dispatched', complete: true });
    expect(state.orphans).toBe(0);

    const loaded = await readSessionFile(sessionFile);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.events).toEqual(all);
    const folded = foldEvents(emptyTrafficState(), loaded.events);
    expect(folded).toEqual(state);
  });

  it('a subscriber that joins mid-session gets the same state as one that was there from the start', async () => {
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
    let early: TrafficState = emptyTrafficState();
    let late: TrafficState = emptyTrafficState();
    const unsubscribeEarly = core.log.subscribe(
      (snapshot) => (early = foldEvents(emptyTrafficState(), snapshot)),
      (batch) => (early = foldEvents(early, batch)),
    );
    let unsubscribeLate = () => {};
    try {
      const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
      const base = `http://127.0.0.1:${route.listen.port}`;
      // Subscribes in the very turn an SSE event is appended, while it (and others of that turn) still wait for
      // their flush: the snapshot holds them, so the flush must not deliver them to this subscriber again.
      let subscribed = false;
      const removeSink = core.log.addSink((event) => {
        if (subscribed || event.kind !== 'sse.event') return;
        subscribed = true;
        unsubscribeLate = core.log.subscribe(
          (snapshot) => (late = foldEvents(emptyTrafficState(), snapshot)),
          (batch) => (late = foldEvents(late, batch)),
        );
      });
      await Promise.all([request(`${base}/sse/a`), request(`${base}/json/b`, { method: 'POST', body: '{}' })]);
      removeSink();
      expect(subscribed).toBe(true);
    } finally {
      await core.close();
    }
    await turn();
    await turn();
    unsubscribeEarly();
    unsubscribeLate();
    expect(late).toEqual(early);
    expect(early).toEqual(foldEvents(emptyTrafficState(), core.log.all()));
    expect(early.exchanges.size).toBe(2);
  });
});
