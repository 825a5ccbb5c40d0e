/**
 * Function-call analysis end to end: real bots (fake platforms written as clients: a Daily Bots webhook
 * poster, a Vapi server-URL poster, the `openai` SDK's realtime WebSocket client, NavTalk and RTVI clients
 * on `ws`) talk through the real proxy to real tool backends on loopback; the recorded log is analysed by the
 * same code as the UI and `toolscope report`.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { analyseEvents, type ReportCall } from '../../shared/analysis/session-report.js';
import type { LogEvent } from '../../shared/events.js';
import { Cleanup, delay, startBackend, startProxy, startWsUpstream, waitForEvent, within } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

async function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

/** A WebSocket upstream on loopback that runs `script` for each connection. */
function startRealtimeServer(script: (socket: WebSocket) => void): Promise<string> {
  return startWsUpstream(cleanup, script);
}

function callNamed(calls: ReportCall[], name: string): ReportCall {
  const call = calls.find((c) => c.name === name);
  if (!call) throw new Error(`no call named ${name}; calls: ${calls.map((c) => `${c.protocol}:${c.name}`).join(', ') || 'none'}`);
  return call;
}

async function settle(events: () => readonly LogEvent[], kind: LogEvent['kind'], count = 1): Promise<void> {
  for (let i = 0; i < 100 && events().filter((e) => e.kind === kind).length < count; i++) await delay(20);
}

describe('function calls through the proxy', () => {
  it('Daily Bots webhook with an SSE answer holding a malformed update-config', async () => {
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then(() => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: update-config\ndata: {"config":[{"service":"tts","options":{"voice":"en-gb"}}]}\n\n');
        res.write(
          'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"get_weather"},{"name":"tool_call_id","value":"call_d1"},{"name":"arguments","value":{"city":"Paris"}},{"name":"result","value":{"temperature":21}}]}\n\n',
        );
        res.end('data:close\n\n');
      });
    });
    const proxy = await startProxy(cleanup, backend.url);
    const answer = await postJson(`${proxy.url}/weather`, { function_name: 'get_weather', tool_call_id: 'call_d1', arguments: { city: 'Paris' } });
    expect(answer.status).toBe(200);
    await settle(() => proxy.core.log.all(), 'http.response.body');

    const events = proxy.core.log.all();
    const { report } = analyseEvents(events);
    const call = callNamed(report.calls, 'get_weather');
    expect(call).toMatchObject({ protocol: 'daily', callId: 'call_d1', args: { city: 'Paris' }, result: { temperature: 21 }, status: 'ok' });
    const badEvent = events.find((e) => e.kind === 'sse.event' && e.type === 'update-config')!;
    const rtvi = report.findings.filter((f) => f.rule.startsWith('rtvi/'));
    expect(rtvi.length, JSON.stringify(report.findings, null, 2)).toBeGreaterThan(0);
    expect(rtvi.every((f) => f.ref.seq === badEvent.seq && f.severity === 'error')).toBe(true);
  });

  it('Vapi tool-calls answered with results, and a slow answer over the latency budget', async () => {
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then(async (body) => {
        const message = JSON.parse(body).message as { toolCallList: { id: string }[] };
        await delay(250);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: message.toolCallList.map((c) => ({ toolCallId: c.id, result: 'Booked for 7pm' })) }));
      });
    });
    const proxy = await startProxy(cleanup, backend.url);
    await postJson(`${proxy.url}/vapi`, {
      message: {
        type: 'tool-calls',
        toolCallList: [{ id: 'call_v1', type: 'function', function: { name: 'book_table', arguments: { time: '19:00' } } }],
      },
    });
    await settle(() => proxy.core.log.all(), 'http.response.body');
    const { report } = analyseEvents(proxy.core.log.all(), { latencyBudgetMs: 100 });
    const call = callNamed(report.calls, 'book_table');
    expect(call).toMatchObject({ protocol: 'vapi', callId: 'call_v1', args: { time: '19:00' }, result: 'Booked for 7pm', status: 'ok' });
    expect(call.latencyMs).toBeGreaterThanOrEqual(200);
    expect(call.findings.map((f) => f.rule)).toContain('call/slow-result');
  });

  it('OpenAI Realtime with the openai SDK client: one call answered, one left unanswered when the socket closes', async () => {
    const upstream = await startRealtimeServer((socket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'session.update') {
          socket.send(JSON.stringify({ type: 'session.updated', event_id: 'ev1', session: { type: 'realtime' } }));
          socket.send(JSON.stringify({ type: 'response.function_call_arguments.delta', event_id: 'ev2', response_id: 'r1', item_id: 'item_1', output_index: 0, call_id: 'call_rt1', delta: '{"city":' }));
          socket.send(JSON.stringify({ type: 'response.function_call_arguments.delta', event_id: 'ev3', response_id: 'r1', item_id: 'item_1', output_index: 0, call_id: 'call_rt1', delta: '"Oslo"}' }));
          socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'ev4', response_id: 'r1', item_id: 'item_1', output_index: 0, call_id: 'call_rt1', name: 'get_weather', arguments: '{"city":"Oslo"}' }));
          socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'ev5', response_id: 'r1', item_id: 'item_2', output_index: 1, call_id: 'call_rt2', name: 'get_time', arguments: '{"zone":"CET"}' }));
        }
      });
    });
    const proxy = await startProxy(cleanup, upstream);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxy.url}/v1` });
    // The SDK always dials wss://; Toolscope's route listens in plain text on loopback, so the SDK's own ws
    // client is given a plain TCP connection for that URL (everything above the socket is the SDK's).
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: net.createConnection } }, client);
    cleanup.add(() => rt.socket.terminate());
    await within(new Promise<void>((resolve) => rt.socket.once('open', () => resolve())), 5000, 'the realtime socket to open');
    const done = within(
      new Promise<void>((resolve) => {
        let seen = 0;
        rt.on('response.function_call_arguments.done', () => {
          if (++seen === 2) resolve();
        });
      }),
      5000,
      'two function calls',
    );
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          { type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } }, required: ['city'] } },
          { type: 'function', name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { zone: { type: 'string', description: 'Zone' } }, required: ['zone'] } },
        ],
      },
    });
    rt.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(3200).toString('base64') });
    await done;
    rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_rt1', output: '{"temperature":4}' } });
    rt.send({ type: 'response.create' });
    await waitForEvent(proxy.core, 'ws.frame', (e) => e.data.includes('response.create'));
    rt.close();
    await waitForEvent(proxy.core, 'ws.close');

    const { report, analysis } = analyseEvents(proxy.core.log.all());
    const weather = callNamed(report.calls, 'get_weather');
    expect(weather).toMatchObject({ protocol: 'openai-realtime', callId: 'call_rt1', args: { city: 'Oslo' }, resultRaw: '{"temperature":4}', status: 'ok' });
    const time = callNamed(report.calls, 'get_time');
    expect(time).toMatchObject({ callId: 'call_rt2', status: 'unanswered' });
    expect(time.findings.map((f) => f.rule)).toContain('call/unanswered');
    expect(weather.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(analysis.tools.has('get_weather')).toBe(true);
    const connection = [...analysis.connections.values()][0]!;
    expect(connection.audioFrames).toBe(1);
  });

  it('NavTalk: tools on open, a call, and its realtime.function_call_output', async () => {
    const upstream = await startRealtimeServer((socket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'realtime.input_function_call') {
          socket.send(
            JSON.stringify({
              type: 'realtime.response.function_call_arguments.done',
              data: { function_name: 'lookup_order', call_id: 'call_n1', arguments: '{"order_id":"A-17"}' },
            }),
          );
        }
      });
    });
    const proxy = await startProxy(cleanup, upstream);
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/api/realtime-api?license=x`);
    cleanup.add(() => socket.terminate());
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'NavTalk socket');
    const called = within(new Promise((resolve) => socket.once('message', resolve)), 5000, 'the call');
    const tools = [{ type: 'function', name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string', description: 'Order id' } }, required: ['order_id'] } }];
    socket.send(JSON.stringify({ type: 'realtime.input_function_call', data: { content: JSON.stringify(tools) } }));
    await called;
    socket.send(JSON.stringify({ type: 'realtime.function_call_output', data: { call_id: 'call_n1', output: '{"status":"shipped"}' } }));
    await waitForEvent(proxy.core, 'ws.frame', (e) => e.data.includes('realtime.function_call_output'));
    socket.close(1000);
    await waitForEvent(proxy.core, 'ws.close');

    const { report } = analyseEvents(proxy.core.log.all());
    expect(callNamed(report.calls, 'lookup_order')).toMatchObject({
      protocol: 'navtalk',
      callId: 'call_n1',
      args: { order_id: 'A-17' },
      resultRaw: '{"status":"shipped"}',
      status: 'ok',
    });
  });

  it('Pipecat RTVI: llm-function-call answered by llm-function-call-result', async () => {
    const upstream = await startRealtimeServer((socket) => {
      socket.send(
        JSON.stringify({
          label: 'rtvi-ai',
          type: 'llm-function-call',
          id: 'm1',
          data: { function_name: 'get_weather', tool_call_id: 'call_p1', args: { city: 'Rome' } },
        }),
      );
    });
    const proxy = await startProxy(cleanup, upstream);
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`);
    cleanup.add(() => socket.terminate());
    await within(new Promise((resolve) => socket.once('message', resolve)), 5000, 'the RTVI call');
    socket.send(
      JSON.stringify({
        label: 'rtvi-ai',
        type: 'llm-function-call-result',
        id: 'm2',
        data: { function_name: 'get_weather', tool_call_id: 'call_p1', arguments: { city: 'Rome' }, result: { temperature: 25 } },
      }),
    );
    await waitForEvent(proxy.core, 'ws.frame', (e) => e.data.includes('llm-function-call-result'));
    const { report } = analyseEvents(proxy.core.log.all());
    expect(callNamed(report.calls, 'get_weather')).toMatchObject({
      protocol: 'rtvi',
      callId: 'call_p1',
      args: { city: 'Rome' },
      result: { temperature: 25 },
      status: 'ok',
    });
  });
});
