/**
 * The real CLI, `toolscope serve --config FILE`, with its one route pointed at a port nobody listens on: every
 * answer comes from the config file's mock rule, so the test sees exactly when an edit of the file took effect.
 * The bridge is reached as the browser UI reaches it, over /api/bridge with the launch's token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { MocksState } from '../../shared/bridge.js';
import type { MockRuleInput } from '../../shared/mocks/mock-rule.js';
import { request, sleep, startServe, tempDir, type CliProcess } from '../support/core-process.js';
import { deadPort } from '../support/proxy-harness.js';


/** A bridge client speaking the wire format of shared/bridge.ts (calls out, results and batches in). */
class BridgeClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: number; ok?: boolean; value?: unknown; error?: string };
      if (message.type !== 'result' || message.id === undefined) return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
  }

  static connect(uiUrl: string): Promise<BridgeClient> {
    const url = new URL(uiUrl);
    const socket = new WebSocket(`ws://${url.host}/api/bridge?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new BridgeClient(socket)));
      socket.once('error', reject);
    });
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ type: 'call', id, method, params }));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} within 5 s`)), 5_000);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

const weatherRule = (sky: string): MockRuleInput => ({
  id: 'weather',
  match: { functionName: 'get_weather' },
  handler: { kind: 'json', body: { sky, city: '{{args.city}}' } },
});

describe('toolscope serve --config: mock rules follow the file', () => {
  let cli: CliProcess;
  let bridge: BridgeClient;
  let file: string;
  let upstreamPort: number;

  const configText = (sky: string) => `${JSON.stringify({ routes: [`0=http://127.0.0.1:${upstreamPort}`], latencyBudgetMs: 900, mocks: [weatherRule(sky)] }, null, 2)}\n`;

  async function callWeather(): Promise<{ status: number; body: string }> {
    const body = JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Paris' } });
    return request(`${cli.routes[0]}/tools`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  }

  /** Calls until the answer says `sky`: how soon an edit applies, bounded. */
  async function untilAnswer(sky: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    let last = '';
    while (Date.now() < deadline) {
      const answer = await callWeather();
      last = `${answer.status} ${answer.body}`;
      if (answer.status === 200 && (JSON.parse(answer.body) as { sky?: string }).sky === sky) return;
      await sleep(50);
    }
    throw new Error(`the answer never became "${sky}"; last: ${last}`);
  }

  async function untilMocks(what: string, check: (state: MocksState) => boolean): Promise<MocksState> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const state = await bridge.call<MocksState>('getMocks');
      if (check(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state)}`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    upstreamPort = await deadPort();
    const dir = tempDir('config-reload');
    file = path.join(dir, 'toolscope.config.json');
    fs.writeFileSync(file, configText('sunny'));
    cli = await startServe(['--config', file, '--session', path.join(dir, 'session.ndjson')]);
    bridge = await BridgeClient.connect(cli.uiUrl);
  });

  afterAll(async () => {
    bridge?.close();
    await cli?.stop();
  });

  it('answers from the rule loaded at start', async () => {
    expect(cli.routes).toHaveLength(1);
    const answer = await callWeather();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ sky: 'sunny', city: 'Paris' });
    const state = await bridge.call<MocksState>('getMocks');
    expect(state.configFile).toBe(file);
    expect(state.configError).toBeNull();
    expect(state.rules.map((rule) => rule.id)).toEqual(['weather']);
  });

  it('applies an edit of the file to the next calls', async () => {
    fs.writeFileSync(file, configText('rainy'));
    await untilAnswer('rainy');
  });

  it('keeps the last good rule through broken JSON, and reports where the mistake is', async () => {
    fs.writeFileSync(file, configText('snowy').replace('"mocks": [', '"mocks": [,'));
    const state = await untilMocks('the config error', (s) => s.configError !== null);
    expect(state.configError).toMatch(/line \d+, column \d+/);
    expect(state.rules.map((rule) => rule.id)).toEqual(['weather']);
    const answer = await callWeather();
    expect(JSON.parse(answer.body)).toMatchObject({ sky: 'rainy' });
    expect(cli.stdout()).toMatch(/config {2}not applied: not valid JSON/);
  });

  it('clears the error when the file is fixed', async () => {
    fs.writeFileSync(file, configText('foggy'));
    await untilMocks('the error to clear', (s) => s.configError === null);
    await untilAnswer('foggy');
  });

  it('saves rules set from the UI into the file, keeping its other keys', async () => {
    await bridge.call('setMocks', { rules: [weatherRule('windy')] });
    await untilAnswer('windy');
    const saved = await bridge.call<{ path: string }>('saveMocks');
    expect(saved.path).toBe(file);
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { routes: string[]; latencyBudgetMs: number; $schema: string; mocks: { handler: { body: { sky: string } } }[] };
    expect(json.routes).toEqual([`0=http://127.0.0.1:${upstreamPort}`]);
    expect(json.latencyBudgetMs).toBe(900);
    expect(json.$schema).toMatch(/schema\/toolscope\.config\.schema\.json$/);
    expect(json.mocks[0]!.handler.body.sky).toBe('windy');
    // Our own write is not an outside change: no error, and the rule stays.
    await sleep(300);
    const state = await bridge.call<MocksState>('getMocks');
    expect(state.configError).toBeNull();
    expect(JSON.parse((await callWeather()).body)).toMatchObject({ sky: 'windy' });
  });
});
