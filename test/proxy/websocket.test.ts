/**
 * Realtime WebSocket traffic through a route: frames keep their type and bytes in both directions, close
 * codes and reasons pass both ways, the subprotocol the upstream picks reaches the client, the client's
 * upgrade headers reach the upstream, and an upgrade the upstream refuses (or cannot take) reaches the client
 * as an HTTP status. Each of these is recorded in the log.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  Cleanup,
  type Backend,
  type Proxy,
  deadPort,
  eventsOf,
  startBackend,
  startProxy,
  waitForEvent,
  within,
} from '../support/proxy-harness.js';

const MiB = 1024 * 1024;
const WAIT_MS = 5_000;

interface Received {
  data: Buffer;
  isBinary: boolean;
}

/** Collects a socket's messages from the moment it exists, so none is missed between awaits. */
class Inbox {
  private readonly messages: Received[] = [];
  private waiter: (() => void) | null = null;

  constructor(socket: WebSocket) {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.messages.push({ data: toBuffer(data), isBinary });
      this.waiter?.();
    });
  }

  async next(what = 'a message'): Promise<Received> {
    if (this.messages.length === 0) {
      await within(new Promise<void>((resolve) => (this.waiter = resolve)), WAIT_MS, what);
      this.waiter = null;
    }
    return this.messages.shift()!;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function closed(socket: WebSocket, what: string): Promise<{ code: number; reason: string }> {
  return within(
    new Promise((resolve) => socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }))),
    WAIT_MS,
    what,
  );
}

interface UpstreamConnection {
  socket: WebSocket;
  request: http.IncomingMessage;
  inbox: Inbox;
}

interface WsBackend extends Backend {
  wss: WebSocketServer;
  nextConnection(): Promise<UpstreamConnection>;
}

async function startWsBackend(cleanup: Cleanup): Promise<WsBackend> {
  const backend = await startBackend(cleanup, (_req, res) => {
    res.writeHead(426);
    res.end('websocket only');
  });
  const wss = new WebSocketServer({
    server: backend.server,
    perMessageDeflate: false,
    maxPayload: 16 * MiB,
    handleProtocols: (protocols) => (protocols.has('b') ? 'b' : false),
  });
  const queue: UpstreamConnection[] = [];
  let waiter: (() => void) | null = null;
  wss.on('connection', (socket, request) => {
    queue.push({ socket, request, inbox: new Inbox(socket) });
    waiter?.();
  });
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  return {
    ...backend,
    wss,
    async nextConnection() {
      if (queue.length === 0) {
        await within(new Promise<void>((resolve) => (waiter = resolve)), WAIT_MS, 'the upstream to accept a WebSocket');
        waiter = null;
      }
      return queue.shift()!;
    },
  };
}

describe('WebSocket relay', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  function client(url: string, protocols: string[] = [], headers: Record<string, string> = {}): WebSocket {
    const socket = new WebSocket(url, protocols, { headers, perMessageDeflate: false, maxPayload: 16 * MiB });
    socket.on('error', () => {});
    cleanup.add(() => socket.terminate());
    return socket;
  }

  async function connect(
    path = '/realtime',
    protocols: string[] = [],
    headers: Record<string, string> = {},
  ): Promise<{ proxy: Proxy; backend: WsBackend; client: WebSocket; inbox: Inbox; upstream: UpstreamConnection }> {
    const backend = await startWsBackend(cleanup);
    const proxy = await startProxy(cleanup, backend.url);
    const socket = client(`ws://127.0.0.1:${proxy.port}${path}`, protocols, headers);
    const inbox = new Inbox(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
        socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
      }),
      WAIT_MS,
      'the client to open',
    );
    const upstream = await backend.nextConnection();
    return { proxy, backend, client: socket, inbox, upstream };
  }

  it('relays text and binary frames both ways, keeping their type and bytes', async () => {
    const { proxy, client: socket, inbox, upstream } = await connect();
    const binary = crypto.randomBytes(777);
    // Bytes that are valid UTF-8 must still stay binary: the type is the frame's, not a guess from content.
    const asciiBinary = Buffer.from('{"looks":"like text"}');

    socket.send('{"type":"session.update"}');
    socket.send(binary);
    socket.send(asciiBinary);
    const up1 = await upstream.inbox.next('text at the upstream');
    const up2 = await upstream.inbox.next('binary at the upstream');
    const up3 = await upstream.inbox.next('ascii binary at the upstream');
    expect(up1.isBinary).toBe(false);
    expect(up1.data.toString('utf8')).toBe('{"type":"session.update"}');
    expect(up2.isBinary).toBe(true);
    expect(up2.data.equals(binary)).toBe(true);
    expect(up3.isBinary).toBe(true);
    expect(up3.data.equals(asciiBinary)).toBe(true);

    upstream.socket.send('{"type":"response.function_call_arguments.done"}');
    upstream.socket.send(binary);
    upstream.socket.send(asciiBinary);
    const down1 = await inbox.next('text at the client');
    const down2 = await inbox.next('binary at the client');
    const down3 = await inbox.next('ascii binary at the client');
    expect(down1.isBinary).toBe(false);
    expect(down1.data.toString('utf8')).toBe('{"type":"response.function_call_arguments.done"}');
    expect(down2.isBinary).toBe(true);
    expect(down2.data.equals(binary)).toBe(true);
    expect(down3.isBinary).toBe(true);
    expect(down3.data.equals(asciiBinary)).toBe(true);

    const open = await waitForEvent(proxy.core, 'ws.open');
    const frames = eventsOf(proxy.core, 'ws.frame', open.connectionId);
    expect(frames.map((f) => [f.direction, f.opcode, f.size])).toEqual([
      ['client-to-upstream', 'text', 25],
      ['client-to-upstream', 'binary', 777],
      ['client-to-upstream', 'binary', asciiBinary.length],
      ['upstream-to-client', 'text', 48],
      ['upstream-to-client', 'binary', 777],
      ['upstream-to-client', 'binary', asciiBinary.length],
    ]);
    expect(frames[0]).toMatchObject({ encoding: 'utf8', data: '{"type":"session.update"}', truncated: false });
    expect(frames[1]).toMatchObject({ encoding: 'base64', data: binary.toString('base64') });
  });

  it('relays a 1 MiB frame both ways', async () => {
    const { proxy, client: socket, inbox, upstream } = await connect();
    const up = crypto.randomBytes(MiB);
    const down = crypto.randomBytes(MiB);
    socket.send(up);
    const atUpstream = await upstream.inbox.next('1 MiB at the upstream');
    expect(atUpstream.isBinary).toBe(true);
    expect(atUpstream.data.length).toBe(MiB);
    expect(atUpstream.data.equals(up)).toBe(true);

    upstream.socket.send(down);
    const atClient = await inbox.next('1 MiB at the client');
    expect(atClient.isBinary).toBe(true);
    expect(atClient.data.length).toBe(MiB);
    expect(atClient.data.equals(down)).toBe(true);

    const frames = eventsOf(proxy.core, 'ws.frame');
    expect(frames.map((f) => [f.direction, f.opcode, f.size])).toEqual([
      ['client-to-upstream', 'binary', MiB],
      ['upstream-to-client', 'binary', MiB],
    ]);
  });

  it('passes a close initiated by the client, with its code and reason, to the upstream', async () => {
    const { proxy, client: socket, upstream } = await connect();
    const atUpstream = closed(upstream.socket, 'the upstream to see the close');
    const atClient = closed(socket, 'the client to finish closing');
    socket.close(4001, 'bot hung up');
    expect(await atUpstream).toEqual({ code: 4001, reason: 'bot hung up' });
    expect((await atClient).code).toBe(4001);

    const close = await waitForEvent(proxy.core, 'ws.close');
    expect(close).toMatchObject({ code: 4001, reason: 'bot hung up', by: 'client' });
    expect(eventsOf(proxy.core, 'ws.close')).toHaveLength(1);
  });

  it('passes a close initiated by the upstream, with its code and reason, to the client', async () => {
    const { proxy, client: socket, upstream } = await connect();
    const atClient = closed(socket, 'the client to see the close');
    upstream.socket.close(4001, 'session expired');
    expect(await atClient).toEqual({ code: 4001, reason: 'session expired' });

    const close = await waitForEvent(proxy.core, 'ws.close');
    expect(close).toMatchObject({ code: 4001, reason: 'session expired', by: 'upstream' });
  });

  it('gives the client the subprotocol the upstream picked', async () => {
    const { proxy, client: socket, upstream } = await connect('/realtime', ['a', 'b']);
    expect(socket.protocol).toBe('b');
    expect(upstream.socket.protocol).toBe('b');
    expect(upstream.request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim())).toEqual(['a', 'b']);
    const open = await waitForEvent(proxy.core, 'ws.open');
    expect(open).toMatchObject({ protocol: 'b', requestedProtocols: ['a', 'b'], url: '/realtime' });
  });

  it("passes the client's Authorization and custom upgrade headers and the query to the upstream", async () => {
    const { proxy, upstream } = await connect('/v1/realtime?model=gpt-x', [], { Authorization: 'Bearer x', 'X-Bot-Id': 'bot-7' });
    expect(upstream.request.headers.authorization).toBe('Bearer x');
    expect(upstream.request.headers['x-bot-id']).toBe('bot-7');
    expect(upstream.request.url).toBe('/v1/realtime?model=gpt-x');
    const open = await waitForEvent(proxy.core, 'ws.open');
    expect(open.protocol).toBe('');
    expect(open.upstreamUrl).toBe(`ws://127.0.0.1:${new URL(proxy.route.upstream).port}/v1/realtime?model=gpt-x`);
    expect(open.headers).toContainEqual(['Authorization', 'Bearer x']);
  });

  async function failedUpgrade(url: string): Promise<{ status: number; body: string }> {
    const socket = client(url);
    return within(
      new Promise((resolve, reject) => {
        socket.once('open', () => reject(new Error('the upgrade should not have succeeded')));
        socket.once('unexpected-response', (req, res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
            req.destroy();
          });
        });
        socket.once('error', (error) => reject(error));
      }),
      WAIT_MS,
      'the upgrade to be refused',
    );
  }

  it('answers the client with the same 401 when the upstream refuses the upgrade', async () => {
    const refusing = await startBackend(cleanup, (_req, res) => res.end());
    refusing.server.on('upgrade', (_req, socket) => {
      const body = '{"error":"invalid api key"}';
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    });
    const proxy = await startProxy(cleanup, refusing.url);

    const direct = await failedUpgrade(`ws://127.0.0.1:${refusing.port}/realtime`);
    const proxied = await failedUpgrade(`ws://127.0.0.1:${proxy.port}/realtime`);
    expect(direct).toEqual({ status: 401, body: '{"error":"invalid api key"}' });
    expect(proxied).toEqual(direct);

    const failed = await waitForEvent(proxy.core, 'ws.upgrade-failed');
    expect(failed.status).toBe(401);
    expect(failed.message).toContain('401');
    expect(failed.message).toContain('invalid api key');
    expect(eventsOf(proxy.core, 'ws.open')).toHaveLength(0);
  });

  it('answers the client with 502 when the upstream is down', async () => {
    const port = await deadPort();
    const proxy = await startProxy(cleanup, `ws://127.0.0.1:${port}`);
    const proxied = await failedUpgrade(`ws://127.0.0.1:${proxy.port}/realtime`);
    expect(proxied.status).toBe(502);
    expect(JSON.parse(proxied.body)).toMatchObject({ error: 'upstream_unreachable' });

    const failed = await waitForEvent(proxy.core, 'ws.upgrade-failed');
    expect(failed.status).toBeNull();
    expect(failed.message).toMatch(/refused/i);
    expect(failed.upstreamUrl).toBe(`ws://127.0.0.1:${port}/realtime`);
  });
});
