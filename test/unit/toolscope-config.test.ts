import { describe, expect, it } from 'vitest';
import { analysisOptionsFrom, parseToolscopeConfig } from '../../shared/config/toolscope-config.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { eventsFromSseText } from '../../shared/import/synthetic-log.js';

const stream = [
  'event: update-config',
  'data: {"config":[{"service":"tts","options":[{"name":"voice","value":"v2"},{"name":"lang","value":"fr"}]}]}',
  '',
  'event: action',
  'data: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"switch_language"},{"name":"tool_call_id","value":"call_1"},{"name":"arguments","value":{}},{"name":"result","value":{"ok":true}}]}',
  '',
  'data:close',
  '',
  '',
].join('\n');

describe('toolscope.config.json', () => {
  it('names the line and column of a JSON syntax error', () => {
    const result = parseToolscopeConfig('{\n  "latencyBudgetMs": 800,\n  "routes": [,]\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/line 3, column \d+/);
  });

  it('refuses a wrong type with its path', () => {
    const result = parseToolscopeConfig('{"latencyBudgetMs": "fast"}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('latencyBudgetMs');
  });

  it('a known bot config makes an unknown update-config option an error instead of a warning', () => {
    const events = eventsFromSseText(stream);
    const without = analyseEvents(events).report.findings.filter((f) => f.rule === 'rtvi/unknown-option');
    expect(without.map((f) => f.severity)).toEqual(['warning']);
    const parsed = parseToolscopeConfig(
      JSON.stringify({ botConfig: [{ service: 'tts', options: [{ name: 'voice', value: 'v1' }, { name: 'language', value: 'en' }] }] }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const withConfig = analyseEvents(events, analysisOptionsFrom(parsed.config)).report.findings.filter((f) => f.rule === 'rtvi/unknown-option');
    expect(withConfig.map((f) => f.severity)).toEqual(['error']);
    expect(withConfig[0]!.message).toContain('lang');
  });

  it('carries the latency budget, the unanswered limit and tool definitions into the analysis', () => {
    const parsed = parseToolscopeConfig(
      JSON.stringify({ latencyBudgetMs: 700, unansweredAfterMs: 9000, tools: [{ name: 'get_weather', parameters: { type: 'object' } }] }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const options = analysisOptionsFrom(parsed.config);
    expect(options.latencyBudgetMs).toBe(700);
    expect(options.unansweredAfterMs).toBe(9000);
    expect(options.configTools?.map((t) => [t.name, t.protocol])).toEqual([['get_weather', 'config']]);
  });
});
