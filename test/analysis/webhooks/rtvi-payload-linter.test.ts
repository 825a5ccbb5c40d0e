/**
 * The RTVI update-config / action linter on its own: each rule, its severity and JSON path, and the checks
 * against a known bot config.
 */
import { describe, expect, it } from 'vitest';
import {
  lintAction,
  lintUpdateConfig,
  normaliseKnownConfig,
  readAction,
  type KnownBotConfig,
  type RtviFindingDraft,
} from '../../../shared/analysis/rtvi/rtvi-payload-linter.js';

/** A Daily Bots config as `/bots/start` would have it, with a custom service Toolscope has no catalogue for. */
const KNOWN: KnownBotConfig = [
  { service: 'vad', options: [{ name: 'params', value: { stop_secs: 0.8 } }] },
  { service: 'tts', options: [{ name: 'voice', value: 'voice-1' }] },
  {
    service: 'llm',
    options: [
      { name: 'model', value: 'gpt-4o' },
      { name: 'temperature', value: 0.3 },
      { name: 'run_on_config', value: true },
    ],
  },
  { service: 'memory', options: [{ name: 'window', value: 20 }] },
];

const byRule = (findings: RtviFindingDraft[]) => findings.map((f) => [f.rule, f.severity, f.path]);

describe('lintUpdateConfig: shape', () => {
  it('accepts a valid update-config, with or without a known config', () => {
    const data = {
      config: [
        { service: 'tts', options: [{ name: 'voice', value: 'v2' }, { name: 'language', value: 'fr' }] },
        { service: 'llm', options: [{ name: 'temperature', value: 0.5 }, { name: 'initial_messages', value: [] }] },
      ],
      interrupt: true,
    };
    expect(lintUpdateConfig(data, undefined)).toEqual([]);
    expect(lintUpdateConfig(data, KNOWN)).toEqual([]);
    expect(lintUpdateConfig(data, undefined, { dailyServices: true })).toEqual([]);
  });

  it('reports what makes the bot drop the whole message', () => {
    expect(byRule(lintUpdateConfig('nope', undefined))).toEqual([['rtvi/update-config-not-object', 'error', '']]);
    expect(byRule(lintUpdateConfig({}, undefined))).toEqual([['rtvi/config-not-list', 'error', '']]);
    expect(byRule(lintUpdateConfig({ config: { service: 'tts' } }, undefined))).toEqual([['rtvi/config-not-list', 'error', 'config']]);
    expect(byRule(lintUpdateConfig({ config: [7] }, undefined))).toEqual([['rtvi/config-entry-not-object', 'error', 'config[0]']]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 3, options: [] }] }, undefined))).toEqual([['rtvi/missing-service', 'error', 'config[0].service']]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 'tts' }] }, undefined))).toEqual([['rtvi/options-not-list', 'error', 'config[0]']]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 'tts', options: ['voice'] }] }, undefined))).toEqual([
      ['rtvi/option-not-object', 'error', 'config[0].options[0]'],
    ]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 'tts', options: [{ voice: 'x' }] }] }, undefined))).toEqual([
      ['rtvi/option-missing-name', 'error', 'config[0].options[0]'],
    ]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 'tts', options: [{ name: 'voice' }] }] }, undefined))).toEqual([
      ['rtvi/option-missing-value', 'error', 'config[0].options[0]'],
    ]);
  });

  it('suggests the list form and the service', () => {
    const [options] = lintUpdateConfig({ config: [{ service: 'tts', options: { voice: 'v', speed: 1.1 } }] }, undefined);
    expect(options!.message).toContain('[{"name": "voice", "value": "v"}, {"name": "speed", "value": 1.1}]');
    const [named] = lintUpdateConfig({ config: [{ service: 'tts', options: [{ voice: 'x' }] }] }, undefined);
    expect(named!.message).toContain('write {"name": "voice", "value": ...}');
    const [service] = lintUpdateConfig({ config: [{ options: [{ name: 'temperature', value: 1 }] }] }, undefined);
    expect(service!.message).toContain('its options fit "llm"');
  });

  it('prefixes paths with the base path', () => {
    expect(lintUpdateConfig({ config: [{ service: 'tts' }] }, undefined, 'data')[0]!.path).toBe('data.config[0]');
    expect(lintUpdateConfig({ config: [{ service: 'tts' }] }, undefined, { basePath: 'data' })[0]!.path).toBe('data.config[0]');
  });
});

describe('lintUpdateConfig: value types', () => {
  it('warns about numbers and booleans sent as strings', () => {
    const findings = lintUpdateConfig(
      {
        config: [
          { service: 'llm', options: [{ name: 'temperature', value: '0.7' }, { name: 'run_on_config', value: 'false' }, { name: 'model', value: 'gpt-4o' }] },
          { service: 'tts', options: [{ name: 'speed', value: '1.2' }, { name: 'use_speaker_boost', value: 'TRUE' }] },
        ],
        interrupt: 'false',
      },
      undefined,
    );
    expect(byRule(findings)).toEqual([
      ['rtvi/suspicious-value-type', 'warning', 'interrupt'],
      ['rtvi/suspicious-value-type', 'warning', 'config[0].options[0].value'],
      ['rtvi/suspicious-value-type', 'warning', 'config[0].options[1].value'],
      // speed: the bot's handler converts numeric strings itself, so "1.2" is fine.
      ['rtvi/suspicious-value-type', 'warning', 'config[1].options[1].value'],
    ]);
    expect(findings[2]!.message).toContain('"false" turns the option on');
  });

  it('takes the conventional type from the known config for options it does not catalogue', () => {
    const findings = lintUpdateConfig({ config: [{ service: 'memory', options: [{ name: 'window', value: '30' }] }] }, KNOWN);
    expect(byRule(findings)).toEqual([['rtvi/suspicious-value-type', 'warning', 'config[0].options[0].value']]);
  });
});

describe('lintUpdateConfig: against a known bot config', () => {
  it('reports an unknown service, and what the bot applied before it', () => {
    const findings = lintUpdateConfig(
      { config: [{ service: 'tts', options: [{ name: 'voice', value: 'v' }] }, { service: 'voice', options: [{ name: 'language', value: 'fr' }] }, { service: 'llm', options: [] }] },
      KNOWN,
    );
    expect(byRule(findings)).toEqual([['rtvi/unknown-service', 'error', 'config[1].service']]);
    expect(findings[0]!.message).toMatch(/applies the services before it \("tts"\), then fails on this one and skips it and the services after it \("llm"\)/);
    expect(findings[0]!.message).toContain('Its options fit one of "tts" and "stt"');
  });

  it('suggests the service a typo meant', () => {
    const [finding] = lintUpdateConfig({ config: [{ service: 'ttts', options: [] }] }, KNOWN);
    expect(finding!.message).toContain('Did you mean "tts"?');
  });

  it('reports an unknown option as a partial update', () => {
    const findings = lintUpdateConfig(
      {
        config: [
          { service: 'tts', options: [{ name: 'voice', value: 'v' }, { name: 'lang', value: 'fr' }, { name: 'model', value: 'm' }] },
          { service: 'llm', options: [{ name: 'model', value: 'x' }] },
        ],
      },
      KNOWN,
    );
    expect(byRule(findings)).toEqual([['rtvi/unknown-option', 'error', 'config[0].options[1].name']]);
    expect(findings[0]!.message).toContain('applies the options before it ("voice"), then fails on this one and skips the rest of "tts" ("model") and the services after it ("llm")');
    expect(findings[0]!.message).toContain('Did you mean "language"?');
  });

  it('is only a warning for an option of a service known from the config alone, unless it is a near miss', () => {
    expect(byRule(lintUpdateConfig({ config: [{ service: 'memory', options: [{ name: 'depth', value: 2 }] }] }, KNOWN))).toEqual([
      ['rtvi/unknown-option', 'warning', 'config[0].options[0].name'],
    ]);
    expect(byRule(lintUpdateConfig({ config: [{ service: 'memory', options: [{ name: 'windw', value: 2 }] }] }, KNOWN))).toEqual([
      ['rtvi/unknown-option', 'error', 'config[0].options[0].name'],
    ]);
  });

  it('checks services and options only with a known config, or for Daily as warnings', () => {
    const data = { config: [{ service: 'voice', options: [{ name: 'language', value: 'fr' }] }] };
    expect(lintUpdateConfig(data, undefined)).toEqual([]);
    expect(byRule(lintUpdateConfig(data, undefined, { dailyServices: true }))).toEqual([['rtvi/unknown-service', 'warning', 'config[0].service']]);
  });

  it('skips the checks when the shape is broken, since nothing is applied anyway', () => {
    expect(byRule(lintUpdateConfig({ config: [{ service: 'voice', options: [{ name: 'x' }] }] }, KNOWN))).toEqual([
      ['rtvi/option-missing-value', 'error', 'config[0].options[0]'],
    ]);
  });

  it('normalises a known config from a /bots/start body or a list, dropping junk', () => {
    expect(normaliseKnownConfig({ config: [{ service: 'tts', options: [{ name: 'voice', value: 'v' }, { nope: 1 }] }, 5, { options: [] }] })).toEqual([
      { service: 'tts', options: [{ name: 'voice', value: 'v' }] },
    ]);
    expect(normaliseKnownConfig([{ service: 'llm' }])).toEqual([{ service: 'llm', options: [] }]);
    expect(normaliseKnownConfig('x')).toBeUndefined();
    expect(normaliseKnownConfig({ config: 'x' })).toBeUndefined();
  });

  it('ignores a known config that is not a list', () => {
    const data = { config: [{ service: 'voice', options: [] }] };
    expect(lintUpdateConfig(data, 'garbage' as unknown as KnownBotConfig)).toEqual([]);
  });
});

describe('lintAction', () => {
  const result = (args: unknown) => ({ service: 'llm', action: 'function_result', arguments: args });
  const fullArgs = [
    { name: 'function_name', value: 'f' },
    { name: 'tool_call_id', value: 'c1' },
    { name: 'arguments', value: {} },
    { name: 'result', value: { ok: true } },
  ];

  it('accepts the known actions', () => {
    expect(lintAction(result(fullArgs))).toEqual([]);
    expect(lintAction({ service: 'tts', action: 'say', arguments: [{ name: 'text', value: 'Hi' }, { name: 'interrupt', value: false }] })).toEqual([]);
    expect(lintAction({ service: 'tts', action: 'interrupt' })).toEqual([]);
    expect(lintAction({ service: 'llm', action: 'run', arguments: [] })).toEqual([]);
    expect(lintAction({ service: 'llm', action: 'append_to_messages', arguments: [{ name: 'messages', value: [] }, { name: 'run_immediately', value: true }] })).toEqual([]);
    expect(lintAction({ service: 'llm', action: 'set_context', arguments: [{ name: 'messages', value: [] }] })).toEqual([]);
    expect(lintAction({ service: 'llm', action: 'get_context' })).toEqual([]);
  });

  it('reports shape errors with paths', () => {
    expect(byRule(lintAction(null))).toEqual([['rtvi/action-not-object', 'error', '']]);
    expect(byRule(lintAction({ action: 'say' }))).toEqual([['rtvi/missing-service', 'error', '']]);
    expect(byRule(lintAction({ service: 'tts' }))).toEqual([['rtvi/missing-action', 'error', '']]);
    expect(byRule(lintAction(result({ tool_call_id: 'c1' })))).toEqual([['rtvi/arguments-not-list', 'error', 'arguments']]);
    expect(byRule(lintAction(result([fullArgs[0], 'x'])))).toEqual([['rtvi/argument-not-object', 'error', 'arguments[1]']]);
    expect(byRule(lintAction(result([{ value: 1 }])))).toEqual([['rtvi/argument-missing-name', 'error', 'arguments[0]']]);
    expect(byRule(lintAction(result([{ name: 'result' }])))).toEqual([['rtvi/argument-missing-value', 'error', 'arguments[0]']]);
  });

  it('splits a combined service:action name', () => {
    const [finding] = lintAction({ action: 'tts:say', arguments: [{ name: 'text', value: 'x' }] });
    expect(finding!.message).toContain('split it into "service": "tts" and "action": "say"');
  });

  it('reports unknown actions with the nearest known one', () => {
    const [finding] = lintAction({ service: 'llm', action: 'function_response', arguments: [] });
    expect(finding).toMatchObject({ rule: 'rtvi/unknown-action', severity: 'error', path: 'action' });
    expect(finding!.message).toContain('Did you mean "llm:function_result"?');
    expect(lintAction({ service: 'bot', action: 'dance' })[0]!.message).toContain('Use a known action.');
  });

  it('reports missing, unknown and oddly typed arguments', () => {
    expect(byRule(lintAction(result(fullArgs.slice(1))))).toEqual([['rtvi/missing-argument', 'error', 'arguments']]);
    expect(byRule(lintAction({ service: 'tts', action: 'say' }))).toEqual([['rtvi/missing-argument', 'error', '']]);
    expect(byRule(lintAction({ service: 'tts', action: 'say', arguments: [{ name: 'txt', value: 'Hi' }, { name: 'text', value: 'Hi' }] }))).toEqual([
      ['rtvi/unknown-argument', 'warning', 'arguments[0].name'],
    ]);
    expect(byRule(lintAction({ service: 'tts', action: 'say', arguments: [{ name: 'text', value: 'Hi' }, { name: 'interrupt', value: 'false' }] }))).toEqual([
      ['rtvi/suspicious-value-type', 'warning', 'arguments[1].value'],
    ]);
  });

  it('reads an action the way the bot does', () => {
    expect(readAction(result(fullArgs))).toMatchObject({ name: 'llm:function_result', valid: true });
    expect(readAction(result(fullArgs)).args?.get('result')).toEqual({ ok: true });
    expect(readAction(result({ a: 1 }))).toEqual({ name: 'llm:function_result', args: null, valid: false });
    expect(readAction(7)).toEqual({ name: null, args: new Map(), valid: false });
  });
});
