/**
 * WebSocket injection (`injectFrame` on the bridge), end to end: the `openai` SDK's realtime client talks
 * through the real proxy to a fake realtime server on loopback that asks for a function call; the client never
 * answers it, and the user injects the answer (edited) instead. Also: a frame to the client, a captured frame
 * sent again, binary frames, and the refusals (closed connection, unknown connection, bad input).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import type { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { bridgeMethods, type BridgeParams } from '../../shared/bridge.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import type { EventOf } from '../../shared/events.js';
import { Cleanup, delay, eventsOf, startProxy, startWsUpstream, waitForEvent, within } from '../support/proxy-harness.js';
import { callDone, callOutput } from '../support/realtime-messages.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

type Message = Record<string, unknown> & { type?: string };

/** A fake OpenAI Realtime server: a call on the first session.update, a spoken follow-up after response.create. */
async function startRealtimeServer(): Promise<{ url: string; received: Message[]; sockets: WebSocket[] }> {
  const received: Message[] = [];
  const sockets: WebSocket[] = [];
  let calls = 0;
  const url = await startWsUpstream(cleanup, (socket) => {
    sockets.push(socket);
    socket.on('message', (data: RawData, isBinary) => {
      if (isBinary) {
        received.push({ type: '(binary)', bytes: Buffer.from(data as Buffer).toString('base64') });
        return;
      }
      const message = JSON.parse(data.toString()) as Message;
      received.push(message);
      if (message.type === 'session.update' && calls++ === 0) {
        socket.send(JSON.stringify({ type: 'session.updated', event_id: 'ev1', session: { type: 'realtime' } }));
        socket.send(JSON.stringify({ type: 'response.output_item.added', event_id: 'ev2', response_id: 'resp_1', output_index: 0, item: { id: 'item_call_rt1', type: 'function_call', status: 'in_progress', call_id: 'call_rt1', name: 'get_weather', arguments: '' } }));
        socket.send(JSON.stringify(callDone('call_rt1', 'get_weather', '{"city":"Oslo"}')));
        socket.send(JSON.stringify({ type: 'response.done', event_id: 'ev4', response: { id: 'resp_1', object: 'realtime.response', status: 'completed', output: [] } }));
      }
      if (message.type === 'response.create') {
        const answered = received.find((m) => m.type === 'conversation.item.create') as { item?: { output?: string } } | undefined;
        socket.send(JSON.stringify({ type: 'response.output_text.delta', event_id: 'ev5', response_id: 'resp_2', item_id: 'item_msg', output_index: 0, content_index: 0, delta: `Weather: ${answered?.item?.output ?? 'none'}` }));
        socket.send(JSON.stringify({ type: 'response.done', event_id: 'ev6', response: { id: 'resp_2', object: 'realtime.response', status: 'completed', output: [] } }));
      }
    });
  });
  return { url, received, sockets };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

async function inject(core: ToolscopeCore, params: BridgeParams<'injectFrame'>): Promise<number> {
  // Through the bridge's parsing, and checked against the result schema as the UI's side would.
  return bridgeMethods.injectFrame.result.parse(await handleBridgeCall(core, 'injectFrame', params)).seq;
}

function frameAt(core: ToolscopeCore, seq: number): EventOf<'ws.frame'> {
  const event = core.log.all().find((e) => e.seq === seq);
  if (event?.kind !== 'ws.frame') throw new Error(`event ${seq} is ${event?.kind ?? 'missing'}, not a ws.frame`);
  return event;
}

/** The SDK's realtime client through the proxy, with the server's call received and left unanswered. */
async function sessionWithUnansweredCall() {
  const upstream = await startRealtimeServer();
  const proxy = await startProxy(cleanup, upstream.url);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxy.url}/v1` });
  // The SDK dials wss://; the route listens in plain text on loopback, so the SDK's ws gets a plain TCP socket.
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: net.createConnection } }, client);
  cleanup.add(() => rt.socket.terminate());
  const seen: Message[] = [];
  rt.on('event', (event) => seen.push(event as unknown as Message));
  await within(new Promise<void>((resolve) => rt.socket.once('open', () => resolve())), 5000, 'the realtime socket to open');
  const called = within(new Promise<void>((resolve) => rt.on('response.function_call_arguments.done', () => resolve())), 5000, 'the call to reach the client');
  rt.send({ type: 'session.update', session: { type: 'realtime' } });
  await called;
  const open = await waitForEvent(proxy.core, 'ws.open');
  return { upstream, proxy, core: proxy.core, rt, seen, connectionId: open.connectionId };
}

describe('injectFrame', () => {
  it('answers an unanswered OpenAI Realtime call with an injected, edited function_call_output and response.create', async () => {
    const { upstream, core, seen, connectionId } = await sessionWithUnansweredCall();
    await delay(50);
    expect(upstream.received.map((m) => m.type)).toEqual(['session.update']);

    const edited = '{"city":"Oslo","temperature":-3,"note":"edited"}';
    const outputSeq = await inject(core, { connectionId, direction: 'client-to-upstream', opcode: 'text', data: JSON.stringify(callOutput('call_rt1', edited)) });
    const createSeq = await inject(core, { connectionId, direction: 'client-to-upstream', opcode: 'text', data: JSON.stringify({ type: 'response.create' }) });
    expect(createSeq).toBeGreaterThan(outputSeq);

    // The server gets both, in order, with the call's id and the edited output; its follow-up reaches the SDK client.
    await until(() => seen.some((m) => m.type === 'response.done' && (m.response as { id?: string }).id === 'resp_2'), 'the follow-up at the SDK client');
    expect(upstream.received.slice(1)).toEqual([
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_rt1', output: edited } },
      { type: 'response.create' },
    ]);
    expect(seen.find((m) => m.type === 'response.output_text.delta')).toMatchObject({ delta: `Weather: ${edited}` });

    // Both are recorded where they were sent, marked as injected; the follow-up is relayed as usual.
    expect(frameAt(core, outputSeq)).toMatchObject({ connectionId, direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', origin: 'inject', truncated: false });
    expect(JSON.parse(frameAt(core, outputSeq).data)).toMatchObject({ item: { call_id: 'call_rt1', output: edited } });
    expect(frameAt(core, outputSeq).resentOf).toBeUndefined();
    expect(frameAt(core, createSeq)).toMatchObject({ origin: 'inject', data: '{"type":"response.create"}' });
    const injected = eventsOf(core, 'ws.frame', connectionId).filter((f) => f.origin === 'inject');
    expect(injected.map((f) => f.seq)).toEqual([outputSeq, createSeq]);
    const followUp = eventsOf(core, 'ws.frame', connectionId).filter((f) => f.direction === 'upstream-to-client' && f.data.includes('resp_2'));
    expect(followUp).toHaveLength(2);
    expect(followUp.every((f) => f.origin === undefined)).toBe(true);

    // The analysis shows the call answered, with the injected output as its result.
    const { report } = analyseEvents(core.log.all());
    const call = report.calls.find((c) => c.name === 'get_weather')!;
    expect(call).toMatchObject({ protocol: 'openai-realtime', callId: 'call_rt1', status: 'ok', resultRaw: edited });
    expect(call.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('injects toward the client, and sends a captured frame again with resentOf', async () => {
    const { upstream, core, seen, connectionId } = await sessionWithUnansweredCall();

    const toClient = { type: 'response.output_text.delta', event_id: 'ev_inj', response_id: 'resp_x', item_id: 'item_x', output_index: 0, content_index: 0, delta: 'injected by hand' };
    const seq = await inject(core, { connectionId, direction: 'upstream-to-client', opcode: 'text', data: JSON.stringify(toClient) });
    await until(() => seen.some((m) => m.event_id === 'ev_inj'), 'the injected frame at the SDK client');
    expect(seen.find((m) => m.event_id === 'ev_inj')).toEqual(toClient);
    expect(frameAt(core, seq)).toMatchObject({ direction: 'upstream-to-client', origin: 'inject' });
    // Sent to the client only: the server never sees it.
    expect(upstream.received.some((m) => m.event_id === 'ev_inj')).toBe(false);

    // The client's captured session.update, sent to the server again.
    const captured = eventsOf(core, 'ws.frame', connectionId).find((f) => f.direction === 'client-to-upstream' && f.data.includes('session.update'))!;
    expect(captured.origin).toBeUndefined();
    const again = await inject(core, { connectionId, direction: 'client-to-upstream', opcode: captured.opcode, data: captured.data, resentOf: captured.seq });
    await until(() => upstream.received.filter((m) => m.type === 'session.update').length === 2, 'the resent frame at the server');
    expect(upstream.received.at(-1)).toEqual(JSON.parse(captured.data));
    expect(frameAt(core, again)).toMatchObject({ origin: 'inject', resentOf: captured.seq, data: captured.data, size: captured.size });
  });

  it('injects binary frames from base64 both ways, and refuses base64 that is not', async () => {
    const upstream = await startRealtimeServer();
    const proxy = await startProxy(cleanup, upstream.url);
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/raw`);
    cleanup.add(() => socket.terminate());
    const atClient: Buffer[] = [];
    socket.on('message', (data: RawData, isBinary) => {
      if (isBinary) atClient.push(Buffer.from(data as Buffer));
    });
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'the socket to open');
    const { connectionId } = await waitForEvent(proxy.core, 'ws.open');
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);

    const up = await inject(proxy.core, { connectionId, direction: 'client-to-upstream', opcode: 'binary', data: bytes.toString('base64') });
    const down = await inject(proxy.core, { connectionId, direction: 'upstream-to-client', opcode: 'binary', data: bytes.toString('base64') });
    await until(() => atClient.length === 1 && upstream.received.length === 1, 'both binary frames');
    expect(atClient[0]!.equals(bytes)).toBe(true);
    expect(upstream.received[0]).toEqual({ type: '(binary)', bytes: bytes.toString('base64') });
    for (const seq of [up, down]) expect(frameAt(proxy.core, seq)).toMatchObject({ opcode: 'binary', encoding: 'base64', data: bytes.toString('base64'), size: 5, origin: 'inject' });

    const before = proxy.core.log.size;
    await expect(handleBridgeCall(proxy.core, 'injectFrame', { connectionId, direction: 'client-to-upstream', opcode: 'binary', data: '%%% not base64' })).rejects.toThrow(
      'a binary frame must be given as base64, and this is not valid base64; nothing was sent',
    );
    expect(proxy.core.log.size).toBe(before);
  });

  it('refuses, with a sentence and nothing recorded, a closed connection, an unknown one, and bad parameters', async () => {
    const { upstream, core, rt, connectionId } = await sessionWithUnansweredCall();
    rt.close({ code: 1000, reason: 'bye' });
    await waitForEvent(core, 'ws.close', (e) => e.connectionId === connectionId);
    const before = core.log.size;
    const receivedBefore = upstream.received.length;
    const frame = { direction: 'client-to-upstream' as const, opcode: 'text' as const, data: JSON.stringify(callOutput('call_rt1', '{}')) };

    await expect(handleBridgeCall(core, 'injectFrame', { connectionId, ...frame })).rejects.toThrow(
      `connection ${connectionId} is closed (closed by the client with 1000); nothing was sent`,
    );
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId, ...frame, direction: 'upstream-to-client' })).rejects.toThrow(
      `connection ${connectionId} is closed (closed by the client with 1000); nothing was sent`,
    );
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId: 'w99', ...frame })).rejects.toThrow(
      'connection w99 is not open in this Toolscope; only live connections can be injected into',
    );
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId, ...frame, direction: 'sideways' })).rejects.toThrow(/^invalid parameters for injectFrame: direction/);
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId: '', ...frame })).rejects.toThrow(/^invalid parameters for injectFrame: connectionId/);
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId, ...frame, resentOf: 0 })).rejects.toThrow(/^invalid parameters for injectFrame: resentOf/);
    expect(core.log.size).toBe(before);
    await delay(50);
    expect(upstream.received).toHaveLength(receivedBefore);
  });

  it('names the upstream when it closed the connection, and refuses connections of a removed route', async () => {
    const { upstream, proxy, core, connectionId } = await sessionWithUnansweredCall();
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/second`);
    cleanup.add(() => socket.terminate());
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'the second socket to open');
    const second = await waitForEvent(core, 'ws.open', (e) => e.connectionId !== connectionId);
    await until(() => upstream.sockets.length === 2, 'the second connection at the server');
    upstream.sockets[1]!.close(4001, 'server says bye');
    await waitForEvent(core, 'ws.close', (e) => e.connectionId === second.connectionId);
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId: second.connectionId, direction: 'upstream-to-client', opcode: 'text', data: '{}' })).rejects.toThrow(
      `connection ${second.connectionId} is closed (closed by the upstream with 4001); nothing was sent`,
    );

    await core.removeRoute(proxy.route.routeId);
    await expect(handleBridgeCall(core, 'injectFrame', { connectionId, direction: 'client-to-upstream', opcode: 'text', data: '{}' })).rejects.toThrow(
      `connection ${connectionId} is not open in this Toolscope; only live connections can be injected into`,
    );
  });
});
