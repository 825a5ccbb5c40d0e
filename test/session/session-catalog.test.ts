/**
 * The Sessions list and New session: files listed newest first with their counts (counted in the background,
 * then remembered), unreadable files named with the reason, and a new session that starts a new file while
 * the routes stay up and the UI gets a fresh snapshot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { SessionCatalog } from '../../electron/session/session-catalog.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { makeSessionHeader } from '../../shared/session-format.js';
import type { LogEvent } from '../../shared/events.js';
import { Cleanup, delay, startBackend, waitForEvent } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-catalog-'));
  cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A session file with `calls` Daily-style webhook calls, written as the proxy would. */
function writeSession(file: string, startTime: number, calls: number): void {
  const lines = [JSON.stringify(makeSessionHeader('test', startTime))];
  let seq = 0;
  const event = (fields: Record<string, unknown>) => lines.push(JSON.stringify({ seq: ++seq, t: startTime + seq, ...fields }));
  event({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:8000/', timeoutMs: 30000 });
  for (let i = 0; i < calls; i++) {
    const exchangeId = `x${i}`;
    const body = JSON.stringify({ function_name: 'get_weather', tool_call_id: `call_${i}`, arguments: { city: 'Oslo' } });
    event({ kind: 'http.request', exchangeId, routeId: 'r1', method: 'POST', url: '/weather', httpVersion: '1.1', headers: [['content-type', 'application/json']], remoteAddress: '127.0.0.1', upstreamUrl: 'http://127.0.0.1:8000/weather' });
    event({ kind: 'http.request.body', exchangeId, body: { encoding: 'utf8', data: body, size: body.length, truncated: false, cap: 1048576 } });
    event({ kind: 'http.response', exchangeId, status: 200, statusMessage: 'OK', headers: [['content-type', 'application/json']] });
    event({ kind: 'http.response.body', exchangeId, body: { encoding: 'utf8', data: '{"temp":3}', size: 10, truncated: false, cap: 1048576 } });
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('SessionCatalog', () => {
  it('lists sessions newest first, counts events and calls in the background, and remembers the counts', async () => {
    const dir = tempDir();
    const older = path.join(dir, 'session-a.ndjson');
    const newer = path.join(dir, 'session-b.ndjson');
    writeSession(older, Date.UTC(2026, 10, 20, 9), 2);
    writeSession(newer, Date.UTC(2026, 10, 21, 9), 3);
    fs.utimesSync(older, new Date('2026-11-20T10:00:00Z'), new Date('2026-11-20T10:00:00Z'));
    fs.utimesSync(newer, new Date('2026-11-21T10:00:00Z'), new Date('2026-11-21T10:00:00Z'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a session');
    fs.writeFileSync(path.join(dir, 'broken.ndjson'), '{"format":"toolscope-session","version":42}\n');
    fs.utimesSync(path.join(dir, 'broken.ndjson'), new Date('2026-11-19T10:00:00Z'), new Date('2026-11-19T10:00:00Z'));

    const catalog = new SessionCatalog(dir);
    const first = catalog.list(null);
    expect(first.map((s) => s.fileName)).toEqual(['session-b.ndjson', 'session-a.ndjson', 'broken.ndjson']);
    expect(first[0]).toMatchObject({ startedAt: '2026-11-21T09:00:00.000Z', appVersion: 'test', calls: null, error: null, current: false });
    expect(first[0]!.bytes).toBe(fs.statSync(newer).size);
    expect(first[2]!.error).toMatch(/version 42 is newer/);

    await catalog.idle();
    const counted = catalog.list(null);
    expect(counted.map((s) => [s.fileName, s.events, s.calls])).toEqual([
      ['session-b.ndjson', 13, 3],
      ['session-a.ndjson', 9, 2],
      ['broken.ndjson', null, null],
    ]);

    // A second catalog (the next run) has the counts at once, from the cache file.
    const again = new SessionCatalog(dir).list(null);
    expect(again.map((s) => s.calls)).toEqual([3, 2, null]);

    // A file that changed is counted again.
    writeSession(older, Date.UTC(2026, 10, 20, 9), 4);
    const changed = new SessionCatalog(dir);
    expect(changed.list(null).find((s) => s.fileName === 'session-a.ndjson')!.calls).toBeNull();
    await changed.idle();
    expect(changed.list(null).find((s) => s.fileName === 'session-a.ndjson')!.calls).toBe(4);
  });

  it('lists nothing for a folder that does not exist yet, and puts the live session first', () => {
    const catalog = new SessionCatalog(path.join(tempDir(), 'not-yet'));
    expect(catalog.list(null)).toEqual([]);
    const live = catalog.list({ path: null, startedAt: '2026-11-23T10:00:00.000Z', appVersion: 'test', events: 5, calls: 1 });
    expect(live).toEqual([expect.objectContaining({ current: true, events: 5, calls: 1, fileName: '(not saved to a file)' })]);
  });
});

describe('New session', () => {
  it('starts a new file with the routes still up, and gives subscribers a fresh snapshot', async () => {
    const dir = tempDir();
    const backend = await startBackend(cleanup, (req, res) => {
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
    });
    const firstFile = path.join(dir, 'first.ndjson');
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: firstFile });
    cleanup.add(() => core.close());
    const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
    const snapshots: LogEvent[][] = [];
    const batches: LogEvent[][] = [];
    const unsubscribe = core.log.subscribe(
      (snapshot) => snapshots.push([...snapshot]),
      (batch) => batches.push([...batch]),
    );
    cleanup.add(unsubscribe);
    await (await fetch(`http://127.0.0.1:${route.listen.port}/before`, { method: 'POST', body: '{}' })).text();
    await waitForEvent(core, 'http.response.body');

    await delay(20);
    const batchesBefore = batches.length;
    core.newSession();
    expect(core.sessionFile).not.toBe(firstFile);
    expect(path.dirname(core.sessionFile!)).toBe(dir);
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]!.map((e) => [e.seq, e.kind])).toEqual([[1, 'route.up']]);

    // The route still forwards, and what it records now goes to the new file and to the subscriber.
    const response = await fetch(`http://127.0.0.1:${route.listen.port}/after`, { method: 'POST', body: '{}' });
    expect(await response.text()).toBe('{"ok":true}');
    await waitForEvent(core, 'http.response.body');
    const sinceNew = () => batches.slice(batchesBefore).flat();
    for (let i = 0; i < 50 && !sinceNew().some((e) => e.kind === 'http.response.body'); i++) await delay(10);
    const after = sinceNew();
    expect(after.find((e) => e.kind === 'http.request')).toMatchObject({ url: '/after', seq: 2 });

    core.flush();
    const old = await readSessionFile(firstFile);
    const fresh = await readSessionFile(core.sessionFile!);
    expect(old.events.some((e) => e.kind === 'http.request' && e.url === '/before')).toBe(true);
    expect(old.events.some((e) => e.kind === 'http.request' && e.url === '/after')).toBe(false);
    expect(fresh.events[0]).toMatchObject({ seq: 1, kind: 'route.up', routeId: route.routeId });
    expect(fresh.events.some((e) => e.kind === 'http.request' && e.url === '/after')).toBe(true);
    expect(fresh.events.some((e) => e.kind === 'http.request' && e.url === '/before')).toBe(false);
    expect(Date.parse(fresh.header.startedAt)).toBeGreaterThanOrEqual(Date.parse(old.header.startedAt));
  });
});
