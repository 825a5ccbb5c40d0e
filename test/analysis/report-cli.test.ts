/**
 * `toolscope report` as a user runs it: on a session file the proxy wrote, and on raw fixtures (an SSE
 * stream, one JSON message), with the exit codes CI relies on.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { Cleanup, delay, startBackend } from '../support/proxy-harness.js';
import { repoRoot, requireBuiltCli, runCli } from '../support/core-process.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const fixtures = path.resolve(repoRoot, '../shared/fixtures/protocols');
const haveFixtures = existsSync(fixtures);

interface JsonReport {
  calls: { protocol: string; name: string; callId: string | null; args: unknown; result: unknown; status: string; latencyMs: number | null; findings: { rule: string }[] }[];
  findings: { rule: string; severity: string; message: string; callId: string | null; ref: { seq: number } }[];
}

describe('toolscope report', () => {
  it('reports the calls and findings of a session file written by the proxy, and exits 1 on an error finding', async () => {
    requireBuiltCli();
    const backend = await startBackend(cleanup, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: update-config\ndata: {"config":[{"options":[{"name":"voice","value":"x"}]}]}\n\n');
        res.write(
          'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"switch_voice"},{"name":"tool_call_id","value":"call_r1"},{"name":"arguments","value":{}},{"name":"result","value":{"ok":true}}]}\n\n',
        );
        res.end('data:close\n\n');
      });
    });
    const sessionFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'toolscope-report-')), 'session.ndjson');
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile });
    cleanup.add(() => core.close());
    const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
    const response = await fetch(`http://127.0.0.1:${route.listen.port}/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ function_name: 'switch_voice', tool_call_id: 'call_r1', arguments: {} }),
    });
    await response.text();
    for (let i = 0; i < 50 && !core.log.all().some((e) => e.kind === 'http.response.body'); i++) await delay(20);
    await core.close();

    const json = await runCli(['report', '--json', sessionFile]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]).toMatchObject({ protocol: 'daily', name: 'switch_voice', callId: 'call_r1', args: {}, result: { ok: true }, status: 'ok' });
    expect(typeof report.calls[0]!.latencyMs).toBe('number');
    const missingService = report.findings.find((f) => f.rule.startsWith('rtvi/') && f.severity === 'error');
    expect(missingService, json.stdout).toBeDefined();
    expect(missingService!.callId).toBe('call_r1');
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain(missingService!.rule);

    const text = await runCli(['report', sessionFile]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/daily\s+switch_voice\s+ok\s+\d+ ms/);
    expect(text.stdout).toContain(missingService!.rule);
  });

  it.skipIf(!haveFixtures)('reads raw SSE streams and single JSON messages from the fixtures', async () => {
    requireBuiltCli();
    const good = await runCli(['report', '--json', path.join(fixtures, 'daily-sse-function-result.txt')]);
    expect(good.code).toBe(0);
    expect((JSON.parse(good.stdout) as JsonReport).calls[0]).toMatchObject({ protocol: 'daily', status: 'ok' });

    const bad = await runCli(['report', '--json', path.join(fixtures, 'daily-sse-invalid-event-close-without-data.txt')]);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as JsonReport).findings.map((f) => f.rule)).toContain('sse/event-without-data');

    const vapi = await runCli(['report', '--json', path.join(fixtures, 'vapi-tool-calls-request.json')]);
    expect(vapi.code).toBe(0);
    expect((JSON.parse(vapi.stdout) as JsonReport).calls.map((c) => c.protocol)).toContain('vapi');

    const wrongOutput = await runCli(['report', '--json', path.join(fixtures, 'openai-rt-function-call-output-invalid-object-output.json')]);
    expect(wrongOutput.code).toBe(1);
    expect((JSON.parse(wrongOutput.stdout) as JsonReport).findings.map((f) => f.rule)).toContain('openai-rt/object-output');
  });

  it('exits 2 with one line for unreadable input', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'toolscope-report-'));
    const garbage = path.join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([0, 159, 146, 150, 1, 2, 3]));
    const result = await runCli(['report', garbage]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not a Toolscope session');
    const missing = await runCli(['report', path.join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
