/**
 * The `realtime-drop` mock end to end: a plain `ws` client talks through the real proxy to a fake realtime server
 * on loopback that asks for a function call; the rule withholds the frames that complete the call from the
 * client, records them as dropped, and the analysis leaves the call unanswered, marked with the rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { mockRulesSchema, type MockRuleInput } from '../../shared/mocks/mock-rule.js';
import { Cleanup, delay, eventsOf, startProxy, startWsUpstream, waitForEvent, within, type Proxy } from '../support/proxy-harness.js';
import { callDone } from '../support/realtime-messages.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The last frame the server sends: once the client has it, every earlier frame that was relayed has arrived too. */
const UNRELATED = { type: 'response.output_text.delta', event_id: 'ev9', response_id: 'resp_1', item_id: 'item_text', output_index: 1, content_index: 0, delta: 'still here' };

/** An OpenAI Realtime function call as the server announces it: the item starts, its arguments end, the item ends. */
const OPENAI_CALL = [
  { type: 'response.output_item.added', event_id: 'ev2', response_id: 'resp_1', output_index: 0, item: { id: 'item_call_d1', type: 'function_call', status: 'in_progress', call_id: 'call_d1', name: 'get_weather', arguments: '' } },
  callDone('call_d1', 'get_weather', '{"city":"Oslo"}'),
  { type: 'response.output_item.done', event_id: 'ev4', response_id: 'resp_1', output_index: 0, item: { id: 'item_call_d1', type: 'function_call', status: 'completed', call_id: 'call_d1', name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  UNRELATED,
];

/** A fake realtime server that sends `frames` when the client says `start`, and a client that keeps every message type it receives. */
async function session(frames: readonly object[], rules: MockRuleInput[]): Promise<{ proxy: Proxy; socket: WebSocket; receivedTypes: string[] }> {
  const url = await startWsUpstream(cleanup, (socket) => {
    socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type?: unknown }).type === 'start') for (const frame of frames) socket.send(JSON.stringify(frame));
    });
  });
  const proxy = await startProxy(cleanup, url);
  proxy.core.mocks.setRules(mockRulesSchema.parse(rules));
  const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/v1/realtime`);
  cleanup.add(() => socket.terminate());
  const receivedTypes: string[] = [];
  socket.on('message', (data) => receivedTypes.push(String((JSON.parse(data.toString()) as { type?: unknown }).type)));
  await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'the socket to open');
  const last = within(
    new Promise<void>((resolve) => socket.on('message', (data) => (JSON.parse(data.toString()) as { type?: unknown }).type === UNRELATED.type && resolve())),
    5000,
    'the unrelated frame at the client',
  );
  socket.send(JSON.stringify({ type: 'start' }));
  await last;
  // A withheld frame would have come before the unrelated one; a short wait makes a late stray one visible too.
  await delay(50);
  return { proxy, socket, receivedTypes };
}

function upstreamFrames(proxy: Proxy): { type: string; dropped: boolean }[] {
  return eventsOf(proxy.core, 'ws.frame')
    .filter((f) => f.direction === 'upstream-to-client')
    .map((f) => ({ type: String((JSON.parse(f.data) as { type?: unknown }).type), dropped: f.dropped === true }));
}

describe('realtime-drop mocks', () => {
  it('without a rule every frame of an OpenAI call reaches the client (the control)', async () => {
    const { proxy, receivedTypes } = await session([...OPENAI_CALL], []);
    expect(receivedTypes).toEqual(OPENAI_CALL.map((f) => f.type));
    expect(upstreamFrames(proxy).filter((f) => f.dropped)).toEqual([]);
    expect(eventsOf(proxy.core, 'mock.hit')).toEqual([]);
  });

  it('withholds the OpenAI frames that complete the call, records them as dropped, and leaves the call unanswered', async () => {
    const { proxy, socket, receivedTypes } = await session(
      [...OPENAI_CALL],
      [
        { id: 'other', match: { functionName: 'something_else' }, handler: { kind: 'realtime-reply', output: 'x' } },
        { id: 'drop-weather', name: 'Drop weather', match: { functionName: 'get_weather' }, handler: { kind: 'realtime-drop' } },
      ],
    );
    // The call's start had gone before the call was complete; its end never comes.
    expect(receivedTypes).toEqual(['response.output_item.added', 'response.output_text.delta']);
    expect(upstreamFrames(proxy)).toEqual([
      { type: 'response.output_item.added', dropped: false },
      { type: 'response.function_call_arguments.done', dropped: true },
      { type: 'response.output_item.done', dropped: true },
      { type: 'response.output_text.delta', dropped: false },
    ]);
    const hits = eventsOf(proxy.core, 'mock.hit');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: 'drop-weather', handler: 'realtime-drop', callId: 'call_d1', connectionId: expect.any(String) });
    // The hit follows the withheld frame, so the analysis already knows the call it marks.
    const doneFrame = eventsOf(proxy.core, 'ws.frame').find((f) => f.dropped && f.data.includes('function_call_arguments.done'))!;
    expect(hits[0]!.seq).toBeGreaterThan(doneFrame.seq);
    expect(proxy.core.mocks.hits()).toEqual({ other: 0, 'drop-weather': 1 });

    socket.close(1000);
    await waitForEvent(proxy.core, 'ws.close');
    const { report, analysis } = analyseEvents(proxy.core.log.all());
    const call = report.calls.find((c) => c.name === 'get_weather')!;
    expect(call).toMatchObject({ callId: 'call_d1', status: 'unanswered' });
    expect(analysis.calls.get(call.key)!.mockedBy).toMatchObject({ ruleId: 'drop-weather', handler: 'realtime-drop' });
  });

  it('withholds an ElevenLabs client_tool_call (a single frame) and lets other calls through', async () => {
    const frames = [
      { type: 'client_tool_call', client_tool_call: { tool_name: 'lookupOrder', tool_call_id: 'toolu_1', parameters: { order_number: 'A-1' } } },
      { type: 'client_tool_call', client_tool_call: { tool_name: 'otherTool', tool_call_id: 'toolu_2', parameters: {} } },
      UNRELATED,
    ];
    const { proxy, receivedTypes } = await session(frames, [{ id: 'drop-orders', match: { functionName: 'lookupOrder' }, handler: { kind: 'realtime-drop' } }]);
    expect(receivedTypes).toEqual(['client_tool_call', 'response.output_text.delta']);
    expect(upstreamFrames(proxy).map((f) => f.dropped)).toEqual([true, false, false]);
    expect(eventsOf(proxy.core, 'mock.hit').map((e) => [e.ruleId, e.handler, e.callId])).toEqual([['drop-orders', 'realtime-drop', 'toolu_1']]);
  });
});
