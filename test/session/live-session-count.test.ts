/**
 * The Sessions list's count of the live session's calls: counted over several turns of the event loop, so the
 * proxy answers while a large log is analysed (it used to analyse the whole retained log in one go, up to a
 * million events, with every proxied request waiting), and equal to what analysing the whole log gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import type { NewEvent } from '../../shared/events.js';
import { Cleanup, startBackend } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A Realtime session's events: argument deltas of `calls` function calls, audio between them. */
function realtimeEvents(connectionId: string, calls: number, deltasPerCall: number): NewEvent[] {
  const events: NewEvent[] = [
    { kind: 'ws.open', connectionId, routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'wss://api.openai.com/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' } as unknown as NewEvent,
  ];
  const frame = (direction: string, message: unknown): NewEvent => {
    const data = JSON.stringify(message);
    return { kind: 'ws.frame', connectionId, direction, opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false } as unknown as NewEvent;
  };
  for (let c = 0; c < calls; c++) {
    const callId = `call_${connectionId}_${c}`;
    events.push(frame('client-to-upstream', { type: 'input_audio_buffer.append', audio: 'AAAA'.repeat(64) }));
    for (let d = 0; d < deltasPerCall; d++) {
      events.push(frame('upstream-to-client', { type: 'response.function_call_arguments.delta', item_id: `item_${c}`, call_id: callId, output_index: 0, delta: '{"ci' }));
    }
    events.push(frame('upstream-to-client', { type: 'response.function_call_arguments.done', item_id: `item_${c}`, call_id: callId, name: 'get_weather', output_index: 0, arguments: '{"city":"Oslo"}' }));
    events.push(frame('client-to-upstream', { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: '{"temp":3}' } }));
  }
  return events;
}

describe('the live session in the Sessions list', () => {
  it('counts the calls of a large log while the proxy goes on answering, and counts them as the whole-log analysis does', async () => {
    const backend = await startBackend(cleanup, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"temp":3}');
    });
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
    cleanup.add(() => core.close());
    const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
    const base = `http://127.0.0.1:${route.listen.port}`;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/weather`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ function_name: 'get_weather', tool_call_id: `w${i}`, arguments: { city: 'Oslo' } }) });
      await response.text();
    }
    for (const connectionId of ['c1', 'c2']) for (const event of realtimeEvents(connectionId, 40, 1_000)) core.log.append(event);
    expect(core.log.size).toBeGreaterThan(80_000);

    let counted = false;
    const counting = core.liveSession().then((live) => {
      counted = true;
      return live;
    });
    // A request sent after the count started is answered before it ends.
    const response = await fetch(`${base}/weather`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ function_name: 'get_time', tool_call_id: 'late', arguments: {} }) });
    expect(response.status).toBe(200);
    await response.text();
    expect(counted).toBe(false);

    const live = await counting;
    const whole = analyseEvents(core.log.all()).analysis.calls.size;
    // 3 webhook calls before, 80 realtime calls; the late webhook call may or may not be in the count.
    expect(whole).toBe(84);
    expect([83, 84]).toContain(live.calls);
    expect(live.events).toBeGreaterThan(80_000);
  }, 60_000);
});
