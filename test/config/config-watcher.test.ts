import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../electron/cli/config-file.js';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import { parseConfigText, schemaReference, watchConfigFile, type ConfigFileState } from '../../electron/core/config-watcher.js';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import type { MocksState } from '../../shared/bridge.js';
import type { MockRuleInput } from '../../shared/mocks/mock-rule.js';
import { sleep, tempDir } from '../support/core-process.js';

const weather = (temp: number): MockRuleInput => ({ id: 'weather', match: { functionName: 'get_weather' }, handler: { kind: 'json', body: { temp } } });

function errorOf(text: string): string {
  const result = parseConfigText(text);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('config file errors', () => {
  it('names the line and column of a JSON mistake', () => {
    expect(errorOf('{\n  "mocks": [\n    {"id": "a",, "handler": {"kind": "close"}}\n  ]\n}')).toMatch(/^not valid JSON: .* at line 3, column 16$/);
  });

  it('names the path inside a rule, and the kinds there are when the kind is unknown', () => {
    const rules = [weather(1), { id: 'b', handler: { kind: 'close' } }, { id: 'c', handler: { kind: 'jsn', body: 1 } }];
    expect(errorOf(JSON.stringify({ mocks: rules }))).toBe(
      'mocks.2.handler.kind: expected one of "json", "sse", "delay", "fail", "close", "no-answer", "realtime-reply", "realtime-ignore", "realtime-drop"',
    );
  });

  it('looks inside the handler the kind chose', () => {
    expect(errorOf(JSON.stringify({ mocks: [{ id: 'a', handler: { kind: 'json' } }] }))).toBe('mocks.0.handler.body: required');
    expect(errorOf(JSON.stringify({ mocks: [{ id: 'a', handler: { kind: 'sse', events: [{ delayMs: -5 }] } }] }))).toMatch(/^mocks\.0\.handler\.events\.0\.delayMs: /);
    expect(errorOf(JSON.stringify({ mocks: [{ id: 'a', handler: { kind: 'realtime-reply', output: 1, responseCreate: 'yes' } }] }))).toMatch(
      /^mocks\.0\.handler\.responseCreate: .*boolean/,
    );
  });

  it('refuses a repeated rule id', () => {
    expect(errorOf(JSON.stringify({ mocks: [weather(1), weather(2)] }))).toBe('mocks.1.id: duplicate rule id "weather"');
  });
});

describe('the bridge methods of mocks', () => {
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null, sessionsDirectory: null });

  it('setMocks applies a valid list and refuses an invalid one whole, with the place', async () => {
    const state = (await handleBridgeCall(core, 'setMocks', { rules: [weather(20)] })) as MocksState;
    expect(state.rules.map((r) => r.id)).toEqual(['weather']);
    expect(state.hits).toEqual({ weather: 0 });
    expect(state.configFile).toBeNull();
    expect(state.configError).toBeNull();

    const bad = [weather(21), { id: 'b', handler: { kind: 'close' } }, { id: 'c', handler: { kind: 'no-answer' } }, { id: 'd', handler: { kind: 'json', status: 42, body: 1 } }];
    await expect(handleBridgeCall(core, 'setMocks', { rules: bad })).rejects.toThrow(/^rules\.3\.handler\.status: /);
    const after = (await handleBridgeCall(core, 'getMocks', {})) as MocksState;
    expect(after.rules).toEqual(state.rules);
  });

  it('saveMocks without a config file says how to get one', async () => {
    await expect(handleBridgeCall(core, 'saveMocks', {})).rejects.toThrow(/start with --config FILE to save rules/);
  });
});

describe('a watched config file', () => {
  let state: ConfigFileState | null = null;
  afterEach(() => {
    state?.close();
    state = null;
  });

  function start(text: string): { core: ToolscopeCore; file: string; lines: string[] } {
    const file = path.join(tempDir('config'), 'toolscope.config.json');
    fs.writeFileSync(file, text);
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null, sessionsDirectory: null });
    const lines: string[] = [];
    state = watchConfigFile(core, loadConfigFile(file), { log: (line) => lines.push(line), debounceMs: 20 });
    return { core, file, lines };
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  const temp = (core: ToolscopeCore) => {
    const handler = core.mocks.rules()[0]?.handler;
    return handler?.kind === 'json' ? (handler.body as { temp: number }).temp : null;
  };

  it('applies a good change, keeps the last good rules through a broken one, and clears the error when fixed', async () => {
    const { core, file } = start(JSON.stringify({ mocks: [weather(1)] }, null, 2));
    expect(temp(core)).toBe(1);

    fs.writeFileSync(file, JSON.stringify({ mocks: [weather(2)] }, null, 2));
    await until('the new rule', () => temp(core) === 2);

    fs.writeFileSync(file, '{\n  "mocks": [\n    {"id": "weather" "handler": {}}\n  ]\n}\n');
    await until('the error', () => state!.error !== null);
    expect(state!.error).toMatch(/line 3, column 22/);
    expect(temp(core)).toBe(2);
    const recorded = core.log.all().filter((e) => e.kind === 'core.error');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ context: 'config' });
    expect(recorded[0]!.kind === 'core.error' && recorded[0]!.message).toContain('line 3, column 22');

    // A schema mistake is refused the same way, with its path.
    fs.writeFileSync(file, JSON.stringify({ mocks: [{ ...weather(3), handler: { kind: 'fail', status: 200 } }] }));
    await until('the schema error', () => state!.error?.startsWith('mocks.0.handler.status') ?? false);
    expect(temp(core)).toBe(2);

    fs.writeFileSync(file, JSON.stringify({ mocks: [weather(4)] }));
    await until('the fixed rule', () => temp(core) === 4);
    expect(state!.error).toBeNull();
    const mocks = (await handleBridgeCall(core, 'getMocks', {})) as MocksState;
    expect(mocks.configFile).toBe(file);
    expect(mocks.configError).toBeNull();
  });

  it('follows an editor that saves by renaming a new file over the old one', async () => {
    const { core, file } = start(JSON.stringify({ mocks: [weather(1)] }));
    for (const n of [2, 3]) {
      const copy = `${file}.swp`;
      fs.writeFileSync(copy, JSON.stringify({ mocks: [weather(n)] }));
      fs.renameSync(copy, file);
      await until(`rule ${n}`, () => temp(core) === n);
    }
  });

  it('reports analysis settings of a good change through info', async () => {
    const { core, file } = start(JSON.stringify({ latencyBudgetMs: 800 }));
    fs.writeFileSync(file, JSON.stringify({ latencyBudgetMs: 1200 }));
    await until('the new budget', () => state!.config.latencyBudgetMs === 1200);
    const info = (await handleBridgeCall(core, 'info', {})) as { config: { latencyBudgetMs?: number } | null };
    expect(info.config?.latencyBudgetMs).toBe(1200);
  });

  it('saves the rules into the file, keeping the other keys, their order and the indentation, and hears no change of its own', async () => {
    const original = '{\n\t"latencyBudgetMs": 900,\n\t"mocks": [],\n\t"routes": ["7801=http://127.0.0.1:8000"],\n\t"breakpoints": {"later": true}\n}\n';
    const { core, file, lines } = start(original);
    await handleBridgeCall(core, 'setMocks', { rules: [weather(7)] });
    const saved = (await handleBridgeCall(core, 'saveMocks', {})) as { path: string };
    expect(saved.path).toBe(file);

    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n\t"latencyBudgetMs": 900,\n');
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['$schema', 'latencyBudgetMs', 'mocks', 'routes', 'breakpoints']);
    expect(json.$schema).toBe(schemaReference(file));
    expect(json.breakpoints).toEqual({ later: true });
    expect(json.mocks).toEqual([{ id: 'weather', name: '', enabled: true, match: { functionName: 'get_weather' }, handler: { kind: 'json', status: 200, body: { temp: 7 } } }]);

    await sleep(200);
    expect(state!.error).toBeNull();
    expect(lines.filter((line) => line.includes('reloaded'))).toEqual([]);
    expect(core.log.all().filter((e) => e.kind === 'core.error')).toEqual([]);
    // Loading what was saved gives the same rules.
    expect(loadConfigFile(file).config.mocks).toEqual(core.mocks.rules());
  });

  it('keeps an existing $schema, two-space indentation and CRLF line ends', async () => {
    const { core, file } = start('{\r\n  "$schema": "my/own.json",\r\n  "mocks": []\r\n}');
    await handleBridgeCall(core, 'setMocks', { rules: [{ id: 'x', handler: { kind: 'close' } }] });
    await handleBridgeCall(core, 'saveMocks', {});
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('{\r\n  "$schema": "my/own.json",\r\n  "mocks": [\r\n    {\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('}')).toBe(true);
  });

  it('does not save over a file that is broken right now', async () => {
    const { core, file } = start(JSON.stringify({ mocks: [weather(1)] }));
    fs.writeFileSync(file, '{"mocks": [');
    await expect(handleBridgeCall(core, 'saveMocks', {})).rejects.toThrow(/fix it first/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"mocks": [');
  });

  it('points $schema at the installed package when the project has one', () => {
    const project = tempDir('project');
    const installed = path.join(project, 'node_modules', 'toolscope', 'schema');
    fs.mkdirSync(installed, { recursive: true });
    fs.writeFileSync(path.join(installed, 'toolscope.config.schema.json'), '{}');
    fs.mkdirSync(path.join(project, 'bot'));
    expect(schemaReference(path.join(project, 'toolscope.config.json'))).toBe('./node_modules/toolscope/schema/toolscope.config.schema.json');
    expect(schemaReference(path.join(project, 'bot', 'toolscope.config.json'))).toBe('../node_modules/toolscope/schema/toolscope.config.schema.json');
  });
});
