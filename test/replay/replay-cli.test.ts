/**
 * `toolscope replay` as CI runs it: a session captured through a real proxy, replayed by the built CLI against
 * the same backend, a changed backend, a dead port, one function, and a missing file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { Cleanup, deadPort, delay, startBackend } from '../support/proxy-harness.js';
import { requireBuiltCli, runCli } from '../support/core-process.js';

interface JsonReplay {
  calls: { name: string; callId: string | null; status: string; diff: string[]; error?: string }[];
  summary: { same: number; different: number; errors: number; skipped: number };
}

const cleanup = new Cleanup();
let temperature = 21;
let backendUrl = '';
let sessionFile = '';
const seen: string[] = [];

beforeAll(async () => {
  requireBuiltCli();
  const backend = await startBackend(cleanup, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { function_name: string; tool_call_id: string };
      seen.push(`${req.method} ${req.url} ${call.tool_call_id}`);
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(
          `event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"${call.function_name}"},{"name":"tool_call_id","value":"${call.tool_call_id}"},{"name":"arguments","value":{}},{"name":"result","value":{"ok":true}}]}\n\n`,
        );
        res.end('data:close\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      // updatedAt differs on every answer: the replay must be told to ignore it.
      res.end(JSON.stringify({ temperature, updatedAt: new Date().toISOString() + Math.random() }));
    });
  });
  backendUrl = backend.url;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'toolscope-replay-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  sessionFile = path.join(dir, 'session.ndjson');
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile });
  cleanup.add(() => core.close());
  const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
  const post = async (urlPath: string, body: object) => {
    const response = await fetch(`http://127.0.0.1:${route.listen.port}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.text();
  };
  await post('/weather?units=metric', { function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Paris' } });
  await post('/weather?units=metric', { function_name: 'get_weather', tool_call_id: 'call_2', arguments: { city: 'Rome' } });
  await post('/stream', { function_name: 'switch_voice', tool_call_id: 'call_3', arguments: {} });
  for (let i = 0; i < 50 && core.log.all().filter((e) => e.kind === 'http.response.body').length < 3; i++) await delay(20);
  await core.close();
  seen.length = 0;
});
afterAll(() => cleanup.run());

describe('toolscope replay', () => {
  it('finds every call the same against the same backend when the timestamp is ignored', async () => {
    temperature = 21;
    const run = await runCli(['replay', sessionFile, '--ignore', 'updatedAt']);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['same  get_weather call_1', 'same  get_weather call_2', 'same  switch_voice call_3']);
    expect(run.stdout).toContain('3 same, 0 different, 0 errors, 0 skipped');
    // Sent again in the captured order, to the captured path and query.
    expect(seen.splice(0)).toEqual(['POST /weather?units=metric call_1', 'POST /weather?units=metric call_2', 'POST /stream call_3']);

    // The config file's replay.ignore does the same.
    const config = path.join(path.dirname(sessionFile), 'toolscope.config.json');
    writeFileSync(config, JSON.stringify({ replay: { ignore: ['$.updatedAt'] } }));
    const configured = await runCli(['replay', sessionFile, '--config', config]);
    expect(configured.code, configured.stdout).toBe(0);
    seen.length = 0;

    // Without --ignore the timestamp is a difference.
    const strict = await runCli(['replay', sessionFile, '--json']);
    expect(strict.code).toBe(1);
    const report = JSON.parse(strict.stdout) as JsonReplay;
    expect(report.calls[0]!.diff).toHaveLength(1);
    expect(report.calls[0]!.diff[0]).toMatch(/^~ updatedAt: /);
    expect(report.calls[2]!.status).toBe('same');
  });

  it('exits 1 and shows exactly the changed field when the backend answers differently', async () => {
    temperature = 23;
    try {
      const run = await runCli(['replay', sessionFile, '--ignore', 'updatedAt', '--json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReplay;
      expect(report.calls.map((c) => [c.name, c.callId, c.status, c.diff])).toEqual([
        ['get_weather', 'call_1', 'different', ['~ temperature: 21 → 23']],
        ['get_weather', 'call_2', 'different', ['~ temperature: 21 → 23']],
        ['switch_voice', 'call_3', 'same', []],
      ]);
      expect(report.summary).toEqual({ same: 1, different: 2, errors: 0, skipped: 0 });

      const text = await runCli(['replay', sessionFile, '--ignore', 'updatedAt', '--against', backendUrl]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('DIFF  get_weather call_1\n      ~ temperature: 21 → 23\nDIFF  get_weather call_2\n');
    } finally {
      temperature = 21;
    }
  });

  it('reports an error row per call, within the timeout, when the backend is down', async () => {
    const port = await deadPort();
    const run = await runCli(['replay', sessionFile, '--against', `http://127.0.0.1:${port}`, '--timeout', '2000', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReplay;
    expect(report.calls).toHaveLength(3);
    for (const call of report.calls) {
      expect(call.status).toBe('error');
      expect(call.error).toMatch(/^connection refused \(.*ECONNREFUSED/);
    }
    expect(report.summary).toEqual({ same: 0, different: 0, errors: 3, skipped: 0 });
  });

  it('gives up on a backend that never answers after --timeout', async () => {
    const silent = await startBackend(cleanup, (req) => req.resume());
    const run = await runCli(['replay', sessionFile, '--against', silent.url, '--timeout', '300', '--function', 'get_weather', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReplay;
    expect(report.calls.map((c) => [c.status, c.error])).toEqual([
      ['error', 'timed out: no complete answer within 300 ms'],
      ['error', 'timed out: no complete answer within 300 ms'],
    ]);
  });

  it('replays only the calls of one function with --function', async () => {
    seen.length = 0;
    const run = await runCli(['replay', sessionFile, '--function', 'switch_voice', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReplay;
    expect(report.calls.map((c) => c.callId)).toEqual(['call_3']);
    expect(seen.splice(0)).toEqual(['POST /stream call_3']);
  });

  it('exits 2 with one line for a missing file or a bad flag', async () => {
    const missing = await runCli(['replay', path.join(path.dirname(sessionFile), 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const badPath = await runCli(['replay', sessionFile, '--ignore', 'items[x]']);
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toContain('items[x]');
  });
});
