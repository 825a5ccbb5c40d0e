/**
 * The real `toolscope serve` process, killed while traffic flows through it: the session file must hold every
 * request it had seen (the writer flushes each turn of the event loop), with contiguous sequence numbers, and
 * a line cut short by the kill must be a warning, not a failure to load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../shared/events.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { request, requireBuiltCli, SSE_EVENTS, startBackend, startServe, tempDir, type Backend, type CliProcess } from '../support/core-process.js';

let backend: Backend;
let dir: string;
const running: CliProcess[] = [];

beforeAll(async () => {
  requireBuiltCli();
  backend = await startBackend({ sseDelayMs: 8 });
  dir = tempDir('kill');
});
afterEach(async () => {
  for (const cli of running.splice(0)) await cli.stop(1_000);
});
afterAll(async () => {
  await backend?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function ofKind<K extends LogEvent['kind']>(events: LogEvent[], kind: K): Extract<LogEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<LogEvent, { kind: K }> => e.kind === kind);
}

function expectContiguous(events: LogEvent[]): void {
  events.forEach((event, i) => {
    if (event.seq !== i + 1) throw new Error(`event ${i} has seq ${event.seq}, expected ${i + 1} (seq must run 1, 2, 3, … without gaps)`);
  });
}

/** Path i of the traffic: mostly JSON webhooks, every 7th an SSE stream. */
const pathFor = (i: number) => (i % 7 === 3 ? `/sse/${i}` : `/json/${i}`);

describe('toolscope serve, killed during traffic', () => {
  it('SIGKILL mid-traffic: the file loads, seq is contiguous, every answered request is in it', async () => {
    const sessionFile = path.join(dir, 'killed.ndjson');
    const cli = await startServe(['--route', `0=${backend.url}`, '--session', sessionFile]);
    running.push(cli);
    const route = cli.routes[0]!;
    expect(route).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const TOTAL = 200;
    const CONCURRENCY = 4;
    const KILL_AFTER = 80;
    let next = 0;
    let completed = 0;
    let failed = 0;
    let completedBeforeKill = -1;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      completedBeforeKill = completed;
      cli.child.kill('SIGKILL');
    };
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const p = pathFor(i);
        try {
          const res = await request(`${route}${p}`, p.startsWith('/json') ? { method: 'POST', body: JSON.stringify({ function_name: 'f', tool_call_id: `call_${i}` }), headers: { 'content-type': 'application/json' } } : {});
          if (killed) continue; // finished after the kill was sent: not counted either way
          expect(res.status).toBe(200);
          if (p.startsWith('/sse')) expect(res.body.match(/event: action/g)).toHaveLength(SSE_EVENTS);
          else expect(JSON.parse(res.body)).toMatchObject({ ok: true, path: p });
          completed++;
          if (completed >= KILL_AFTER) kill();
        } catch (error) {
          if (!killed) throw error;
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const run = await cli.exited;
    expect(run.signal).toBe('SIGKILL');
    expect(completedBeforeKill).toBeGreaterThanOrEqual(KILL_AFTER);
    // The kill really happened mid-traffic: requests were still to be sent or in flight.
    expect(completedBeforeKill).toBeLessThan(TOTAL);
    expect(failed).toBeGreaterThan(0);

    const loaded = await readSessionFile(sessionFile);
    expect(loaded.header.format).toBe('toolscope-session');
    expectContiguous(loaded.events);
    expect(loaded.events[0]!.kind).toBe('route.up');
    const requests = ofKind(loaded.events, 'http.request');
    expect(requests.length).toBeGreaterThanOrEqual(completedBeforeKill);
    // Exchanges the client saw complete have their response on disk too, unless they were the last turn's.
    expect(ofKind(loaded.events, 'http.response.body').length).toBeGreaterThanOrEqual(completedBeforeKill - CONCURRENCY);
    // At most the last line can be cut short, and it is reported on its own line number.
    const lineCount = fs.readFileSync(sessionFile, 'utf8').split('\n').filter((l) => l !== '').length;
    expect(loaded.warnings.length).toBeLessThanOrEqual(1);
    for (const warning of loaded.warnings) {
      expect(warning.line).toBe(lineCount);
      expect(warning.message).toMatch(/not valid JSON/);
    }
    expect(lineCount).toBe(1 + loaded.events.length + loaded.warnings.length);
    // Nothing after the kill: no route.down, since the process had no chance to close.
    expect(ofKind(loaded.events, 'route.down')).toHaveLength(0);
  });

  it('SIGTERM: exits 0, and the file has route.up, every exchange with its end, and route.down', async () => {
    const sessionFile = path.join(dir, 'terminated.ndjson');
    const cli = await startServe(['--route', `0=${backend.url}`, '--session', sessionFile]);
    running.push(cli);
    const route = cli.routes[0]!;
    const SENT = 24;
    for (let batch = 0; batch < SENT; batch += 4) {
      const responses = await Promise.all([0, 1, 2, 3].map((k) => request(`${route}${pathFor(batch + k)}`, { method: 'POST', body: `{"i":${batch + k}}` })));
      for (const res of responses) expect(res.status).toBe(200);
    }
    const run = await cli.stop(5_000);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stopped; session saved$/m);
    expect(run.stderr).toBe('');

    const loaded = await readSessionFile(sessionFile);
    expect(loaded.warnings).toEqual([]);
    expectContiguous(loaded.events);
    const [up] = ofKind(loaded.events, 'route.up');
    expect(up).toBeDefined();
    expect(`http://${up!.listen.host}:${up!.listen.port}`).toBe(route);
    const requests = ofKind(loaded.events, 'http.request');
    expect(requests.map((r) => r.url).sort()).toEqual(Array.from({ length: SENT }, (_, i) => pathFor(i)).sort());
    const bodies = new Set(ofKind(loaded.events, 'http.response.body').map((e) => e.exchangeId));
    for (const r of requests) expect(bodies.has(r.exchangeId), `${r.url} has its response body`).toBe(true);
    const sseRequests = requests.filter((r) => r.url.startsWith('/sse'));
    const sseEnds = ofKind(loaded.events, 'sse.end');
    expect(sseEnds).toHaveLength(sseRequests.length);
    for (const end of sseEnds) {
      expect(end.complete).toBe(true);
      expect(end.leftover).toBeNull();
      // The opening comment, SSE_EVENTS events, and the closing `data: close`.
      expect(end.events).toBe(SSE_EVENTS + 2);
    }
    expect(loaded.events[loaded.events.length - 1]!.kind).toBe('route.down');
  });

  it('SIGTERM with an SSE stream still open: exits 0 and the open exchange is closed in the file', async () => {
    const slow = await startBackend({ sseDelayMs: 5_000 });
    try {
      const sessionFile = path.join(dir, 'terminated-open.ndjson');
      const cli = await startServe(['--route', `0=${slow.url}`, '--session', sessionFile]);
      running.push(cli);
      const pending = request(`${cli.routes[0]!}/sse/open`).catch((error: Error) => error);
      // Wait until the opening comment and the first event went through the proxy.
      const deadline = Date.now() + 5_000;
      while (!fs.readFileSync(sessionFile, 'utf8').includes('"type":"action"')) {
        if (Date.now() > deadline) throw new Error('the SSE stream never reached the session file');
        await new Promise((r) => setTimeout(r, 20));
      }
      const run = await cli.stop(5_000);
      expect(run.code).toBe(0);
      expect(await pending).toBeInstanceOf(Error);
      const loaded = await readSessionFile(sessionFile);
      expect(loaded.warnings).toEqual([]);
      expectContiguous(loaded.events);
      const [req] = ofKind(loaded.events, 'http.request');
      expect(req).toBeDefined();
      // The exchange that was cut by the shutdown has a final event, so the UI does not show it pending forever.
      // (Before commit 8aacbd5 these events came after route.down, when the writer was already closed.)
      const mine = loaded.events.filter((e) => 'exchangeId' in e && e.exchangeId === req!.exchangeId);
      const aborted = ofKind(mine, 'http.aborted');
      expect(aborted).toHaveLength(1);
      expect(aborted[0]).toMatchObject({ by: 'proxy', phase: 'response' });
      expect(ofKind(mine, 'http.response.body')).toHaveLength(0);
      const [end] = ofKind(mine, 'sse.end');
      expect(end).toMatchObject({ complete: false, events: 2 });
      // Both come before route.down, the last event of the file.
      const down = ofKind(loaded.events, 'route.down')[0]!;
      expect(loaded.events[loaded.events.length - 1]).toBe(down);
      expect(aborted[0]!.seq).toBeLessThan(down.seq);
      expect(end!.seq).toBeLessThan(down.seq);
    } finally {
      await slow.close();
    }
  });
});
