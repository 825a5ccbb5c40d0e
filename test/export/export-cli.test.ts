/**
 * `toolscope export` as a user runs it: a real proxy records a Daily webhook call with credentials in every
 * place they travel, a Daily SSE answer and an OpenAI Realtime WebSocket call into a session file; the built
 * CLI writes a HAR that is valid, holds none of the secrets (unless --no-redact), and reports the same calls
 * and findings as the session it came from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { requireBuiltCli, runCli, tempDir } from '../support/core-process.js';
import { Cleanup, delay, request, startBackend, waitForEvent, within } from '../support/proxy-harness.js';
import { callDone, callOutput } from '../support/realtime-messages.js';
import { expectValidHar } from './har-validation.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Every secret sent through the proxy: none may be in a redacted export, each must be in an unredacted one. */
const SECRETS = {
  bearer: 'sk-secret-7d1e4b9a',
  cookie: 'cookie-secret',
  apiKey: 'key-secret',
  query: 'query-secret',
  card: '4111-secret',
  setCookie: 'setcookie-secret',
  wsBearer: 'sk-ws-secret',
  wsCard: 'ws-card-secret',
};

/** The Daily streaming answer of shared/fixtures/protocols/daily-sse-function-result.txt. */
const DAILY_SSE =
  'event: action\n' +
  'data: {"service":"tts","action":"say","arguments":[{"name":"text","value":"One moment while I check that order."},{"name":"interrupt","value":false}]}\n\n' +
  'event: action\n' +
  'data: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"lookup_order"},{"name":"tool_call_id","value":"call_5JrYh0pWq2eN8sLx3tVb6Kc1"},{"name":"arguments","value":{"order_number":"A-20931"}},{"name":"result","value":{"status":"shipped","eta":"2025-03-14"}}]}\n\n' +
  'data:close\n';

interface JsonReport {
  calls: { protocol: string; name: string; callId: string | null; args: unknown; result: unknown; status: string }[];
  findings: { rule: string; severity: string; callId: string | null }[];
}

/** Calls and findings without what differs by construction between two inputs (sequence numbers, keys, times). */
function normalised(report: JsonReport) {
  const key = (value: unknown) => JSON.stringify(value);
  return {
    calls: report.calls.map((c) => ({ protocol: c.protocol, name: c.name, callId: c.callId, args: c.args, result: c.result, status: c.status })).sort((a, b) => key(a).localeCompare(key(b))),
    findings: report.findings.map((f) => ({ rule: f.rule, severity: f.severity, callId: f.callId })).sort((a, b) => key(a).localeCompare(key(b))),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

/** Records a session with the three kinds of traffic through a real proxy; returns the session file. */
async function recordSession(dir: string): Promise<string> {
  const backend = await startBackend(cleanup, (req, res) => {
    void readBody(req).then(() => {
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(DAILY_SSE);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `session=${SECRETS.setCookie}; Path=/; HttpOnly` });
      res.end(JSON.stringify({ approved: true, last4: '1111' }));
    });
  });
  // The realtime model: announces a finished function call, then waits for the client's answer.
  const sockets = new WebSocketServer({ server: backend.server });
  sockets.on('connection', (socket) => {
    socket.send(JSON.stringify(callDone('call_rt1', 'charge_card', JSON.stringify({ card_number: SECRETS.wsCard, amount: 12 }))));
  });
  cleanup.add(() => {
    for (const client of sockets.clients) client.terminate();
    sockets.close();
  });

  const sessionFile = path.join(dir, 'session.ndjson');
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile });
  cleanup.add(() => core.close());
  const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
  const port = route.listen.port;

  // (a) A Daily webhook call carrying credentials in headers, cookie, query and body.
  const webhook = await request(port, {
    method: 'POST',
    path: `/charge?api_key=${SECRETS.query}&lang=en`,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `sid=${SECRETS.cookie}`,
      'x-api-key': SECRETS.apiKey,
    },
    body: JSON.stringify({ function_name: 'charge_card', tool_call_id: 'call_d1', arguments: { card_number: SECRETS.card, amount: 12 } }),
  });
  expect(webhook.status).toBe(200);
  expect(webhook.headers['set-cookie']?.[0]).toContain(SECRETS.setCookie);

  // (b) A Daily webhook call answered with an SSE stream.
  const stream = await request(port, {
    method: 'POST',
    path: '/stream',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: 'lookup_order', tool_call_id: 'call_5JrYh0pWq2eN8sLx3tVb6Kc1', arguments: { order_number: 'A-20931' } }),
  });
  expect(stream.body.toString('utf8')).toBe(DAILY_SSE);

  // (c) An OpenAI Realtime session: the model's call arrives, the client sends its output and hangs up.
  const client = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?model=gpt-realtime`, { headers: { authorization: `Bearer ${SECRETS.wsBearer}` } });
  const firstMessage = new Promise<string>((resolve, reject) => {
    client.once('message', (data: Buffer) => resolve(data.toString('utf8')));
    client.once('error', reject);
  });
  expect(JSON.parse(await within(firstMessage, 5_000, 'the realtime call'))).toMatchObject({ call_id: 'call_rt1' });
  client.send(JSON.stringify(callOutput('call_rt1', JSON.stringify({ approved: true }))));
  await waitForEvent(core, 'ws.frame', (e) => e.direction === 'client-to-upstream');
  client.close(1000, 'done');
  await waitForEvent(core, 'ws.close');
  // Both HTTP bodies are logged when the upstream's response ends, which can come just after the client's.
  for (let i = 0; i < 100 && core.log.all().filter((e) => e.kind === 'http.response.body').length < 2; i++) await delay(20);
  await core.close();
  return sessionFile;
}

describe('toolscope export', () => {
  it('writes a valid HAR without the secrets, or with them under --no-redact, that reports what the session reports', async () => {
    requireBuiltCli();
    const dir = tempDir('export');
    const sessionFile = await recordSession(dir);
    const config = path.join(dir, 'cfg.json');
    writeFileSync(config, JSON.stringify({ redaction: { jsonPaths: ['arguments.card_number'] } }));

    const redactedFile = path.join(dir, 'out.har');
    const redacted = await runCli(['export', sessionFile, '--har', redactedFile, '--config', config]);
    expect(redacted.stderr).toBe('');
    expect(redacted.code).toBe(0);
    expect(redacted.stdout).toMatch(new RegExp(`^wrote ${redactedFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 3 entries \\(2 HTTP, 1 WebSocket\\), \\d+ values redacted\\n$`));
    const redactedText = readFileSync(redactedFile, 'utf8');
    expect(redactedText.startsWith('{\n  "log": {\n')).toBe(true);
    await expectValidHar(JSON.parse(redactedText));
    for (const [what, secret] of Object.entries(SECRETS)) expect(redactedText.includes(secret), `${what} (${secret}) is in the redacted export`).toBe(false);
    expect(redactedText).toContain('[redacted]');
    // What is no secret stays readable.
    expect(redactedText).toContain('lang=en');
    expect(redactedText).toContain('charge_card');

    const plainFile = path.join(dir, 'plain.har');
    const plain = await runCli(['export', sessionFile, '--har', plainFile, '--no-redact']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/: 3 entries \(2 HTTP, 1 WebSocket\), not redacted\n$/);
    const plainText = readFileSync(plainFile, 'utf8');
    await expectValidHar(JSON.parse(plainText));
    for (const [what, secret] of Object.entries(SECRETS)) expect(plainText.includes(secret), `${what} (${secret}) is missing from the unredacted export`).toBe(true);
    expect(plainText).not.toContain('[redacted]');

    // The HAR carries everything the analysis needs: the same calls and findings as the session itself.
    const fromSession = await runCli(['report', '--json', sessionFile]);
    const fromHar = await runCli(['report', '--json', plainFile]);
    expect(fromHar.stderr).toBe('');
    const sessionReport = normalised(JSON.parse(fromSession.stdout) as JsonReport);
    expect(sessionReport.calls.map((c) => `${c.protocol}:${c.name}`).sort()).toEqual(['daily:charge_card', 'daily:lookup_order', 'openai-realtime:charge_card']);
    expect(normalised(JSON.parse(fromHar.stdout) as JsonReport)).toEqual(sessionReport);
    expect(fromHar.code).toBe(fromSession.code);
  });

  it('exits 2 with one line for a missing file, a file that is not a session, or a bad config', async () => {
    requireBuiltCli();
    const dir = tempDir('export-bad');
    const out = path.join(dir, 'out.har');
    const missing = await runCli(['export', path.join(dir, 'nope.ndjson'), '--har', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^toolscope: cannot read .*nope\.ndjson: ENOENT\n$/);

    const notSession = path.join(dir, 'stream.txt');
    writeFileSync(notSession, DAILY_SSE);
    const wrong = await runCli(['export', notSession, '--har', out]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toContain('not a Toolscope session');
    expect(wrong.stderr).toContain('stream.txt');

    const config = path.join(dir, 'cfg.json');
    writeFileSync(config, JSON.stringify({ redaction: { jsonPaths: ['a..b'] } }));
    const badConfig = await runCli(['export', notSession, '--har', out, '--config', config]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/^toolscope: config .*cfg\.json: redaction\.jsonPaths\.0: JSON path "a\.\.b"/);

    const noHar = await runCli(['export', notSession]);
    expect(noHar.code).toBe(2);
    expect(noHar.stderr).toContain('--har');
  });
});
