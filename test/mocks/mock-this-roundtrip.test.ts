/**
 * "Mock this" end to end: a real backend's SSE answer is captured through the proxy, turned into a rule, and
 * the next call, with the backend gone, streams the same events, byte for byte and in the same rhythm.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ruleFromCall } from '../../shared/mocks/mock-from-call.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { Cleanup, delay, startBackend, startProxy, waitForEvent } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const EVENTS = [
  'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"switch_voice"},{"name":"tool_call_id","value":"call_m1"},{"name":"arguments","value":{}},{"name":"result","value":{"ok":true}}]}\n\n',
  // The malformed update-config of the dialect notes: the mock must reproduce the mistake, not fix it.
  'event: update-config\ndata: {"config":[{"service":"tts","options":{"voice":"en-gb"}}]}\n\n',
  'data:close\n\n',
];
const GAP_MS = 120;

describe('Mock this on a captured SSE call', () => {
  it('streams the same event sequence with its gaps when the backend is gone, with the same findings', async () => {
    const backend = await startBackend(cleanup, (req, res) => {
      req.resume();
      req.on('end', async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const [i, event] of EVENTS.entries()) {
          if (i > 0) await delay(GAP_MS);
          res.write(event);
        }
        res.end();
      });
    });
    const proxy = await startProxy(cleanup, backend.url);
    const call = { function_name: 'switch_voice', tool_call_id: 'call_m1', arguments: {} };
    const post = () =>
      fetch(`${proxy.url}/voice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(call) }).then((r) => r.text());

    expect(await post()).toBe(EVENTS.join(''));
    await waitForEvent(proxy.core, 'sse.end');
    const captured = proxy.core.log.all();
    const { analysis } = analyseEvents(captured);
    const original = analysis.calls.get(analysis.callOrder[0]!)!;
    const rule = ruleFromCall(original, foldEvents(emptyTrafficState(), captured), new Set());
    if ('error' in rule) throw new Error(rule.error);
    proxy.core.mocks.setRules([rule]);
    await backend.close();

    const firstExchange = captured.find((e) => e.kind === 'http.request')!.exchangeId;
    const started = performance.now();
    expect(await post()).toBe(EVENTS.join(''));
    const tookMs = performance.now() - started;
    // The script keeps the captured gaps (two of GAP_MS): a mock that sent everything at once would be faster.
    expect(tookMs).toBeGreaterThanOrEqual(2 * GAP_MS * 0.8);
    await waitForEvent(proxy.core, 'sse.end', (e) => e.exchangeId !== firstExchange);

    const all = proxy.core.log.all();
    const raws = (exchangeId: string) => all.filter((e) => e.kind === 'sse.event' && e.exchangeId === exchangeId).map((e) => (e.kind === 'sse.event' ? e.raw : ''));
    const secondExchange = all.filter((e) => e.kind === 'http.request').at(-1)!.exchangeId;
    expect(raws(secondExchange)).toEqual(raws(firstExchange));
    expect(all.some((e) => e.kind === 'mock.hit' && e.exchangeId === secondExchange && e.ruleId === rule.id)).toBe(true);

    // The mocked answer is analysed like the real one: the same call, now mocked, and the same finding.
    const after = analyseEvents(all);
    const calls = after.analysis.callOrder.map((key) => after.analysis.calls.get(key)!);
    expect(calls.map((c) => [c.name, c.callId, c.status])).toEqual([
      ['switch_voice', 'call_m1', 'ok'],
      ['switch_voice', 'call_m1', 'mocked'],
    ]);
    const rulesOf = (exchangeId: string) =>
      after.report.findings.filter((f) => all.find((e) => e.seq === f.ref.seq && 'exchangeId' in e && e.exchangeId === exchangeId)).map((f) => f.rule).sort();
    expect(rulesOf(secondExchange)).toEqual(rulesOf(firstExchange));
    expect(rulesOf(firstExchange)).toContain('rtvi/options-not-list');
  });
});
