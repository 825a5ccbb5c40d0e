/**
 * HAR 1.2 (Chrome, Firefox, HTTP Toolkit exports) to event-log events: HTTP entries become exchanges (SSE
 * bodies are cut into events), and Chrome's `_webSocketMessages` become a connection with its frames.
 */
import { z } from 'zod';
import type { HeaderList, LogEvent } from '../events.js';
import { utf8ByteLength } from '../text-bytes.js';
import { appendExchange, SyntheticLog } from './synthetic-log.js';

const harHeader = z.object({ name: z.string(), value: z.string() });
const harEntry = z.object({
  startedDateTime: z.string(),
  time: z.number().optional(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(harHeader).default([]),
    postData: z.object({ text: z.string().optional(), mimeType: z.string().optional() }).optional(),
  }),
  response: z.object({
    status: z.number(),
    statusText: z.string().optional(),
    headers: z.array(harHeader).default([]),
    content: z.object({ text: z.string().optional(), encoding: z.string().optional(), mimeType: z.string().optional() }).optional(),
  }),
  timings: z.object({ wait: z.number().optional(), receive: z.number().optional() }).partial().optional(),
  _webSocketMessages: z
    .array(z.object({ type: z.enum(['send', 'receive']), time: z.number(), opcode: z.number(), data: z.string() }))
    .optional(),
});
export const harSchema = z.object({ log: z.object({ entries: z.array(harEntry) }) });

export function looksLikeHar(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'log' in json && typeof (json as { log: unknown }).log === 'object';
}

export function eventsFromHar(json: unknown): { events: LogEvent[]; error: string | null } {
  const parsed = harSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { events: [], error: `not a HAR 1.2 file: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}` };
  }
  const entries = parsed.data.log.entries
    .map((entry) => ({ entry, start: Date.parse(entry.startedDateTime) }))
    .sort((a, b) => (a.start || 0) - (b.start || 0));
  const log = new SyntheticLog(entries[0]?.start || 0);
  let exchanges = 0;
  let connections = 0;
  for (const { entry, start } of entries) {
    const url = pathOf(entry.request.url);
    const requestHeaders: HeaderList = entry.request.headers.map((h) => [h.name, h.value]);
    if (entry._webSocketMessages) {
      const connectionId = `w${++connections}`;
      log.append(
        {
          kind: 'ws.open',
          connectionId,
          routeId: 'imported',
          url,
          upstreamUrl: entry.request.url,
          headers: requestHeaders,
          requestedProtocols: [],
          protocol: '',
          remoteAddress: '',
        },
        start || undefined,
      );
      for (const message of entry._webSocketMessages) {
        const binary = message.opcode === 2;
        log.append(
          {
            kind: 'ws.frame',
            connectionId,
            direction: message.type === 'send' ? 'client-to-upstream' : 'upstream-to-client',
            opcode: binary ? 'binary' : 'text',
            encoding: binary ? 'base64' : 'utf8',
            data: message.data,
            size: binary ? Math.floor((message.data.length * 3) / 4) : utf8ByteLength(message.data),
            truncated: false,
          },
          message.time * 1000,
        );
      }
      continue;
    }
    const content = entry.response.content;
    const body = content?.text === undefined ? null : content.encoding === 'base64' ? null : content.text;
    appendExchange(log, {
      exchangeId: `x${++exchanges}`,
      method: entry.request.method,
      url,
      requestHeaders,
      requestBody: entry.request.postData?.text ?? '',
      status: entry.response.status,
      responseHeaders: entry.response.headers.map((h) => [h.name, h.value]),
      responseBody: body,
      waitMs: Math.max(0, entry.timings?.wait ?? 0),
      receiveMs: Math.max(0, entry.timings?.receive ?? 0),
      ...(start ? { startT: start } : {}),
    });
  }
  return { events: log.events, error: null };
}

function pathOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(url);
  const rest = match ? match[1]! : url;
  return rest === '' ? '/' : rest;
}
