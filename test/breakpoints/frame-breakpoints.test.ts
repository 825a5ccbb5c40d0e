/**
 * Frame breakpoints end to end: a `ws` client talks through the proxy to a `ws` upstream on loopback. A held
 * frame waits (not sent, not yet recorded), frames behind it on the same way wait and follow in order, the
 * other way keeps flowing; releases go through the bridge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import type { BreakpointRuleInput } from '../../shared/breakpoints/breakpoint-rule.js';
import type { ReleasePauseParams } from '../../shared/bridge.js';
import type { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { Cleanup, delay, eventsOf, startProxy, startWsUpstream, waitForEvent, within } from '../support/proxy-harness.js';
import { callDone } from '../support/realtime-messages.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const CALL = JSON.stringify(callDone('call_1', 'get_weather', '{"city":"Oslo"}'));
const after = (n: number) => JSON.stringify({ type: 'response.output_text.delta', n });

interface Session {
  core: ToolscopeCore;
  client: WebSocket;
  /** What the client received, in order. */
  got: string[];
  /** What the upstream received, in order. */
  upstreamGot: string[];
}

/** Upstream: on "go:N" it sends the call frame then N following frames; on "ping" it answers "pong". */
async function session(rules: BreakpointRuleInput[]): Promise<Session> {
  const upstreamGot: string[] = [];
  const url = await startWsUpstream(cleanup, (socket) => {
    socket.on('message', (data) => {
      const text = data.toString();
      upstreamGot.push(text);
      const go = /^go:(\d+)$/.exec(text);
      if (go) {
        socket.send(CALL);
        for (let i = 1; i <= Number(go[1]); i++) socket.send(after(i));
      }
      if (text === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
  const proxy = await startProxy(cleanup, url);
  await handleBridgeCall(proxy.core, 'setBreakpoints', { rules });
  const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/v1/realtime`);
  cleanup.add(() => client.terminate());
  const got: string[] = [];
  client.on('message', (data) => got.push(data.toString()));
  await within(new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  }), 5000, 'the client socket to open');
  return { core: proxy.core, client, got, upstreamGot };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

const release = (core: ToolscopeCore, params: ReleasePauseParams) => handleBridgeCall(core, 'releasePause', params);
const callRule: BreakpointRuleInput = { id: 'call', name: 'calls', stage: 'frame', direction: 'upstream-to-client', match: { frameType: 'response.function_call_arguments.done' } };

describe('frame breakpoints', () => {
  it('holds the function-call frame; frames behind it wait and follow in order; the other way flows; the edit reaches the client', async () => {
    const s = await session([callRule]);
    s.client.send('go:2');
    const start = await waitForEvent(s.core, 'pause.start');
    expect(start).toMatchObject({ stage: 'frame', direction: 'upstream-to-client', ruleId: 'call', functionName: 'get_weather', callId: 'call_1' });
    expect(start.frame).toMatchObject({ opcode: 'text', encoding: 'utf8', data: CALL });

    // Client to upstream is not held back meanwhile; the upstream's answer to it queues behind the held call.
    s.client.send('ping');
    await until(() => s.upstreamGot.includes('ping'), 'the ping at the upstream');
    await delay(50);
    expect(s.got).toEqual([]);
    const recorded = eventsOf(s.core, 'ws.frame').filter((f) => f.direction === 'upstream-to-client');
    expect(recorded).toEqual([]);

    const edited = JSON.stringify(callDone('call_1', 'get_weather', '{"city":"Bergen"}'));
    await expect(release(s.core, { pauseId: start.pauseId, action: 'edit', frame: { opcode: 'text', data: '{"type": }' } })).rejects.toThrow(/not valid JSON/);
    await release(s.core, { pauseId: start.pauseId, action: 'edit', frame: { opcode: 'text', data: edited } });
    await until(() => s.got.length === 4, 'the frames after the release');
    expect(s.got).toEqual([edited, after(1), after(2), JSON.stringify({ type: 'pong' })]);
    const frames = eventsOf(s.core, 'ws.frame').filter((f) => f.direction === 'upstream-to-client').map((f) => f.data);
    expect(frames).toEqual(s.got);
    const end = await waitForEvent(s.core, 'pause.end');
    expect(end).toMatchObject({ action: 'edit', by: 'user', connectionId: start.connectionId });
    expect(end.seq).toBeLessThan(eventsOf(s.core, 'ws.frame').find((f) => f.data === edited)!.seq);
  });

  it('drop records the frame as dropped and the rest goes on; a frame nobody acts on goes on after its timeout', async () => {
    const s = await session([callRule, { id: 'slow', stage: 'frame', match: { frameType: 'pong' }, timeoutMs: 200 }]);
    s.client.send('go:1');
    const start = await waitForEvent(s.core, 'pause.start');
    await release(s.core, { pauseId: start.pauseId, action: 'drop' });
    await until(() => s.got.length === 1, 'the frame behind the dropped one');
    expect(s.got).toEqual([after(1)]);
    const dropped = eventsOf(s.core, 'ws.frame').filter((f) => f.dropped);
    expect(dropped.map((f) => f.data)).toEqual([CALL]);
    expect(await waitForEvent(s.core, 'pause.end')).toMatchObject({ action: 'drop', by: 'user' });

    s.client.send('ping');
    const timed = await waitForEvent(s.core, 'pause.start', (e) => e.ruleId === 'slow');
    expect(timed.direction).toBe('upstream-to-client');
    await until(() => s.got.length === 2, 'the pong after its timeout');
    expect(s.got[1]).toBe(JSON.stringify({ type: 'pong' }));
    expect(await waitForEvent(s.core, 'pause.end', (e) => e.pauseId === timed.pauseId)).toMatchObject({ action: 'continue', by: 'timeout' });
  });

  it('a client that closes while a frame is held ends the pause by closed, without errors', async () => {
    const s = await session([callRule]);
    s.client.send('go:1');
    const start = await waitForEvent(s.core, 'pause.start');
    s.client.close(1000, 'bye');
    const close = await waitForEvent(s.core, 'ws.close');
    const end = await waitForEvent(s.core, 'pause.end');
    expect(end).toMatchObject({ pauseId: start.pauseId, action: 'drop', by: 'closed' });
    expect(end.seq).toBeLessThan(close.seq);
    expect(eventsOf(s.core, 'ws.frame').filter((f) => f.dropped).map((f) => f.data)[0]).toBe(CALL);
    expect(eventsOf(s.core, 'core.error')).toEqual([]);
    await expect(release(s.core, { pauseId: start.pauseId, action: 'continue' })).rejects.toThrow(/is not held/);
    expect(((await handleBridgeCall(s.core, 'getBreakpoints', {})) as { paused: unknown[] }).paused).toEqual([]);
  });

  it('a rule that holds every frame does not deadlock: each frame times out in turn, in order', async () => {
    const s = await session([{ id: 'all', stage: 'frame', direction: 'upstream-to-client', timeoutMs: 50 }]);
    s.client.send('go:4');
    await until(() => s.got.length === 5, 'all frames through the hold-everything rule');
    expect(s.got).toEqual([CALL, after(1), after(2), after(3), after(4)]);
    const ends = eventsOf(s.core, 'pause.end');
    expect(ends).toHaveLength(5);
    expect(ends.every((e) => e.by === 'timeout')).toBe(true);
    // The client's own frame was never held (the rule holds one way only).
    expect(eventsOf(s.core, 'pause.start').every((e) => e.direction === 'upstream-to-client')).toBe(true);
  });

  it('without frame rules nothing is held or parsed: no pause events', async () => {
    const s = await session([{ id: 'req', stage: 'request' }]);
    s.client.send('go:1');
    await until(() => s.got.length === 2, 'the frames');
    expect(eventsOf(s.core, 'pause.start')).toEqual([]);
  });
});
