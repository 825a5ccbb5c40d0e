/**
 * The openai SDK's own Realtime WebSocket client (`OpenAIRealtimeWS`), pointed at a Toolscope route.
 *
 * The SDK always dials `wss://` (it rewrites the protocol of `baseURL`); a route listens in plain text on
 * loopback, so the SDK's `ws` socket is handed a plain TCP connection for that URL through the `ws` option
 * `createConnection`. Everything above the TCP socket (URL, headers, framing, events) is the SDK's.
 */
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

export async function openRealtimeSdk(routeUrl: string, model = 'gpt-realtime'): Promise<OpenAIRealtimeWS> {
  const client = new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: `${routeUrl}/v1` });
  const rt = new OpenAIRealtimeWS({ model, options: { createConnection: net.createConnection } }, client);
  rt.on('error', () => {
    // Surfaced by the test's own expectations; an unhandled rejection would only add noise.
  });
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  return rt;
}

/** Closes the SDK's socket (code 1000) and waits until it is closed. */
export async function closeRealtimeSdk(rt: OpenAIRealtimeWS): Promise<void> {
  if (rt.socket.readyState === rt.socket.CLOSED) return;
  const closed = new Promise<void>((resolve) => rt.socket.once('close', () => resolve()));
  rt.close({ code: 1000, reason: 'done' });
  await closed;
}
