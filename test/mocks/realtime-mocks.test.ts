/**
 * Realtime mocks end to end: the `openai` SDK's realtime client (and a plain `ws` ElevenLabs client) talk
 * through the real proxy to a fake realtime server on loopback that asks for a function call; the rule answers
 * the server on the client's behalf.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { mockRulesSchema, type MockRuleInput } from '../../shared/mocks/mock-rule.js';
import { Cleanup, delay, eventsOf, startProxy, startWsUpstream, waitForEvent, within } from '../support/proxy-harness.js';
import { callDone } from '../support/realtime-messages.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A WebSocket upstream on loopback; every message it receives is kept, parsed. */
async function startRealtimeServer(onMessage: (socket: WebSocket, message: Record<string, unknown>) => void): Promise<{ url: string; received: Record<string, unknown>[] }> {
  const received: Record<string, unknown>[] = [];
  const url = await startWsUpstream(cleanup, (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      received.push(message);
      onMessage(socket, message);
    });
  });
  return { url, received };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('realtime mocks', () => {
  it('answers an OpenAI Realtime function call to the server: function_call_output with the call id, then response.create', async () => {
    const upstream = await startRealtimeServer((socket, message) => {
      if (message.type === 'session.update') {
        socket.send(JSON.stringify({ type: 'session.updated', event_id: 'ev1', session: { type: 'realtime' } }));
        socket.send(JSON.stringify({ type: 'response.output_item.added', event_id: 'ev2', response_id: 'resp_1', output_index: 0, item: { id: 'item_call_rt1', type: 'function_call', status: 'in_progress', call_id: 'call_rt1', name: 'get_weather', arguments: '' } }));
        socket.send(JSON.stringify(callDone('call_rt1', 'get_weather', '{"city":"Oslo"}')));
        socket.send(JSON.stringify({ type: 'response.output_item.done', event_id: 'ev4', response_id: 'resp_1', output_index: 0, item: { id: 'item_call_rt1', type: 'function_call', status: 'completed', call_id: 'call_rt1', name: 'get_weather', arguments: '{"city":"Oslo"}' } }));
      }
    });
    const proxy = await startProxy(cleanup, upstream.url);
    proxy.core.mocks.setRules(
      mockRulesSchema.parse([
        { id: 'weather-rt', name: 'Realtime weather', match: { functionName: 'get_weather' }, handler: { kind: 'realtime-reply', delayMs: 50, output: { city: '{{args.city}}', temperature: 4 } } },
      ] satisfies MockRuleInput[]),
    );
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxy.url}/v1` });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: net.createConnection } }, client);
    cleanup.add(() => rt.socket.terminate());
    await within(new Promise<void>((resolve) => rt.socket.once('open', () => resolve())), 5000, 'the realtime socket to open');
    const called = within(new Promise<void>((resolve) => rt.on('response.function_call_arguments.done', () => resolve())), 5000, 'the call to reach the client');
    rt.send({ type: 'session.update', session: { type: 'realtime' } });
    // The client still gets the call unchanged.
    await called;

    await until(() => upstream.received.some((m) => m.type === 'response.create'), 'the mock reply at the server');
    await delay(50);
    const answers = upstream.received.filter((m) => m.type !== 'session.update');
    expect(answers).toEqual([
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_rt1', output: '{"city":"Oslo","temperature":4}' } },
      { type: 'response.create' },
    ]);

    const hit = await waitForEvent(proxy.core, 'mock.hit');
    expect(hit).toMatchObject({ ruleId: 'weather-rt', handler: 'realtime-reply', callId: 'call_rt1' });
    const mockFrames = eventsOf(proxy.core, 'ws.frame').filter((e) => e.origin === 'mock');
    expect(mockFrames.map((f) => [f.direction, JSON.parse(f.data).type])).toEqual([
      ['client-to-upstream', 'conversation.item.create'],
      ['client-to-upstream', 'response.create'],
    ]);
    expect(mockFrames[0]!.seq).toBeGreaterThan(hit.seq);
    expect(proxy.core.mocks.hits()).toEqual({ 'weather-rt': 1 });

    const { report, analysis } = analyseEvents(proxy.core.log.all());
    const call = report.calls.find((c) => c.name === 'get_weather')!;
    expect(call).toMatchObject({ callId: 'call_rt1', status: 'mocked', resultRaw: '{"city":"Oslo","temperature":4}' });
    expect(analysis.calls.get(call.key)!.mockedBy).toMatchObject({ ruleId: 'weather-rt', handler: 'realtime-reply' });
    expect(call.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('answers an RTVI llm-function-call with llm-function-call-result; realtime-ignore leaves a call alone', async () => {
    const upstream = await startRealtimeServer((socket, message) => {
      if (message.type === 'client-ready') {
        socket.send(JSON.stringify({ label: 'rtvi-ai', type: 'llm-function-call', data: { function_name: 'get_weather', tool_call_id: 'call_r1', args: { location: 'Lisbon' } } }));
        socket.send(JSON.stringify({ label: 'rtvi-ai', type: 'llm-function-call', data: { function_name: 'ask_user', tool_call_id: 'call_r2', args: {} } }));
      }
    });
    const proxy = await startProxy(cleanup, upstream.url);
    proxy.core.mocks.setRules(
      mockRulesSchema.parse([
        { id: 'ignore', match: { functionName: 'ask_user' }, handler: { kind: 'realtime-ignore' } },
        { id: 'weather', handler: { kind: 'realtime-reply', output: { temperature_c: 19, where: '{{args.location}}' } } },
      ] satisfies MockRuleInput[]),
    );
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/rtvi`);
    cleanup.add(() => socket.terminate());
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'the socket to open');
    socket.send(JSON.stringify({ label: 'rtvi-ai', type: 'client-ready', id: 'c1', data: { version: '0.3.0' } }));
    await until(() => upstream.received.some((m) => m.type === 'llm-function-call-result'), 'the result at the server');
    await delay(50);
    const results = upstream.received.filter((m) => m.type === 'llm-function-call-result');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      label: 'rtvi-ai',
      data: { function_name: 'get_weather', tool_call_id: 'call_r1', arguments: { location: 'Lisbon' }, result: { temperature_c: 19, where: 'Lisbon' } },
    });
    expect(eventsOf(proxy.core, 'mock.hit').map((e) => [e.ruleId, e.handler, e.callId])).toEqual([
      ['weather', 'realtime-reply', 'call_r1'],
      ['ignore', 'realtime-ignore', 'call_r2'],
    ]);
  });

  it('answers an ElevenLabs client_tool_call with client_tool_result; a closed socket during the delay is a quiet no-op', async () => {
    const upstream = await startRealtimeServer((socket, message) => {
      if (message.type === 'start') {
        socket.send(JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'lookupOrder', tool_call_id: 'toolu_1', parameters: { order_number: 'A-1' } } }));
        socket.send(JSON.stringify({ type: 'client_tool_call', client_tool_call: { tool_name: 'slowTool', tool_call_id: 'toolu_2', parameters: {} } }));
      }
    });
    const proxy = await startProxy(cleanup, upstream.url);
    proxy.core.mocks.setRules(
      mockRulesSchema.parse([
        { id: 'orders', match: { functionName: 'lookupOrder' }, handler: { kind: 'realtime-reply', output: 'Order {{args.order_number}} shipped' } },
        { id: 'slow', match: { functionName: 'slowTool' }, handler: { kind: 'realtime-reply', delayMs: 400, output: 'late' } },
      ] satisfies MockRuleInput[]),
    );
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/v1/convai/conversation`);
    cleanup.add(() => socket.terminate());
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'the socket to open');
    socket.send(JSON.stringify({ type: 'start' }));
    await until(() => upstream.received.some((m) => m.type === 'client_tool_result'), 'the result at the server');
    expect(upstream.received.filter((m) => m.type === 'client_tool_result')).toEqual([
      { type: 'client_tool_result', tool_call_id: 'toolu_1', result: 'Order A-1 shipped', is_error: false },
    ]);
    socket.close(1000);
    await waitForEvent(proxy.core, 'ws.close');
    await delay(500);
    // The slow rule's answer had nobody to go to: no hit, no frame, no error.
    expect(eventsOf(proxy.core, 'mock.hit').map((e) => e.ruleId)).toEqual(['orders']);
    expect(eventsOf(proxy.core, 'core.error')).toEqual([]);
    expect(eventsOf(proxy.core, 'ws.frame').filter((e) => e.origin === 'mock')).toHaveLength(1);
  });
});
