/**
 * Secrets stay out of the console: the real `toolscope serve`, with traffic that carries an Authorization
 * bearer token, an OpenAI key subprotocol, an api-key query parameter and a key in a header, to a working
 * upstream and to one that refuses connections, prints none of them on stdout or stderr. (The session file does
 * hold them: it is the user's record of what was sent, as the README says.)
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sleep, startBackend, startServe, tempDir, type Backend, type CliProcess } from '../support/core-process.js';

const BEARER = 'sk-secret-bearer-3f9a1c7e5d2b';
const PROTOCOL_KEY = 'sk-secret-subprotocol-8e1d4b6a';
const QUERY_KEY = 'sk-secret-query-2c7f9e0a';
const HEADER_KEY = 'sk-secret-header-5b3d8f1c';
const SECRETS = [BEARER, PROTOCOL_KEY, QUERY_KEY, HEADER_KEY];

let backend: Backend;
let serve: CliProcess;
let dir: string;

async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function post(base: string, pathAndQuery: string): Promise<number> {
  return new Promise((resolve) => {
    const url = new URL(pathAndQuery, base);
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${BEARER}`, 'x-api-key': HEADER_KEY, 'content-type': 'application/json' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(JSON.stringify({ function_name: 'get_weather', tool_call_id: 't1', arguments: { city: 'Paris' } }));
  });
}

function openSocket(base: string): Promise<string> {
  return new Promise((resolve) => {
    const url = `${base.replace(/^http/, 'ws')}/ws/v1/realtime?model=gpt-realtime&api-key=${QUERY_KEY}`;
    const socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${PROTOCOL_KEY}`, 'openai-beta.realtime-v1'], { headers: { authorization: `Bearer ${BEARER}` } });
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'session.update', session: { api_key: 'not-a-secret-field' } }));
      setTimeout(() => socket.close(1000), 100);
    });
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => resolve('error'));
  });
}

beforeAll(async () => {
  dir = tempDir('secrets');
  backend = await startBackend();
  const dead = await deadPort();
  serve = await startServe(['--session', path.join(dir, 'session.ndjson'), '--route', `0=${backend.url}`, '--route', `0=http://127.0.0.1:${dead}`, '--timeout', '2000']);
}, 30_000);

afterAll(async () => {
  await serve?.stop();
  await backend?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('toolscope serve console output', () => {
  it('prints no secret from headers, subprotocols or queries, for working and failing upstreams', async () => {
    expect(serve.routes.length).toBe(2);
    const [live, failing] = serve.routes as [string, string];
    expect(await post(live, `/tool?api-key=${QUERY_KEY}&key=${QUERY_KEY}`)).toBe(200);
    expect(await post(failing, `/tool?api-key=${QUERY_KEY}`)).toBe(502);
    expect(await openSocket(live)).toBe('closed');
    await openSocket(failing);
    // A request the proxy cannot even parse, with a secret in it.
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(live).port), '127.0.0.1', () => socket.end(`GET /?api-key=${QUERY_KEY} HTTP/1.1\r\nAuthorization: Bearer ${BEARER}\r\nContent-Length: nope\r\n\r\n`));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    await sleep(300);
    const run = await serve.stop();
    expect(run.code).toBe(0);
    const console = `${run.stdout}\n${run.stderr}`;
    for (const secret of SECRETS) expect(console, `the console shows ${secret}:\n${console}`).not.toContain(secret);
    // The traffic did go through Toolscope: the session file has it (and, as documented, its secrets).
    const session = fs.readFileSync(path.join(dir, 'session.ndjson'), 'utf8');
    expect(session).toContain(BEARER);
    expect(session).toContain(PROTOCOL_KEY);
    expect(session).toMatch(/"kind":"http.error"|"synthetic":true/);
  }, 30_000);
});
