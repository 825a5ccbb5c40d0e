/**
 * A streamed webhook answer must reach the bot event by event, as the backend writes it: a proxy that
 * buffered the body would hand the bot all events at the end, hundreds of milliseconds late in a voice turn.
 * The capture must also log each event while the stream is still open.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type Backend, type Proxy, exchangeFor, eventsOf, startBackend, startProxy, waitForEvent, within } from '../support/proxy-harness.js';

const EVENTS = 5;
const SPACING_MS = 100;
/** How much later than the direct run a proxied event may arrive. Buffering would be ~400 ms late. */
const SLACK_MS = 60;

function eventText(k: number): string {
  return `event: tick\ndata: {"k":${k}}\n\n`;
}

/** Epoch milliseconds, the same clock as the log's `t`. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Reads an SSE stream and returns when each complete event arrived, relative to the request's start. */
function readStream(port: number, path: string): Promise<{ arrivals: number[]; texts: string[] }> {
  return within(
    new Promise((resolve, reject) => {
      const start = performance.now();
      const arrivals: number[] = [];
      const texts: string[] = [];
      let pending = '';
      const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now() - start;
          pending += chunk;
          let cut: number;
          while ((cut = pending.indexOf('\n\n')) !== -1) {
            texts.push(pending.slice(0, cut + 2));
            arrivals.push(at);
            pending = pending.slice(cut + 2);
          }
        });
        res.on('end', () => resolve({ arrivals, texts }));
        res.on('error', reject);
      });
      req.on('error', reject);
    }),
    10_000,
    `the SSE stream ${path} on port ${port}`,
  );
}

describe('SSE timing through the proxy', () => {
  const cleanup = new Cleanup();
  let backend: Backend;
  let proxy: Proxy;
  /** Per run name, the epoch time at which the backend wrote each event. */
  const writeTimes = new Map<string, number[]>();

  beforeAll(async () => {
    backend = await startBackend(cleanup, (req, res) => {
      const run = new URL(req.url ?? '/', 'http://x').searchParams.get('run') ?? '?';
      const times: number[] = [];
      writeTimes.set(run, times);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      let k = 0;
      let timer: NodeJS.Timeout | null = null;
      const writeNext = () => {
        timer = null;
        times.push(epochNow());
        res.write(eventText(k));
        k++;
        if (k < EVENTS) timer = setTimeout(writeNext, SPACING_MS);
        else res.end();
      };
      timer = setTimeout(writeNext, SPACING_MS);
      res.on('close', () => {
        if (timer) clearTimeout(timer);
      });
    });
    proxy = await startProxy(cleanup, backend.url);
  });
  afterAll(() => cleanup.run());

  /**
   * One measurement: a direct run, then a proxied run. Returns the timing violations (empty when the proxy
   * streamed event by event), after asserting what does not depend on timing.
   */
  async function measure(attempt: number): Promise<string[]> {
    const direct = await readStream(backend.port, `/stream?run=direct-${attempt}`);
    const proxiedPath = `/stream?run=proxied-${attempt}`;
    const proxied = await readStream(proxy.port, proxiedPath);

    const expectedTexts = Array.from({ length: EVENTS }, (_, k) => eventText(k));
    expect(direct.texts).toEqual(expectedTexts);
    expect(proxied.texts).toEqual(expectedTexts);

    // The log: five dispatched events with their raw text, in order, then the end of the stream.
    const id = await exchangeFor(proxy.core, proxiedPath);
    const end = await waitForEvent(proxy.core, 'sse.end', (e) => e.exchangeId === id);
    expect(end).toMatchObject({ events: EVENTS, complete: true, leftover: null });
    const events = eventsOf(proxy.core, 'sse.event', id);
    expect(events).toHaveLength(EVENTS);
    events.forEach((event, k) => {
      expect(event).toMatchObject({ index: k, raw: eventText(k), dispatched: true, type: 'tick', data: `{"k":${k}}` });
      expect(event.seq).toBeLessThan(end.seq);
    });
    const written = writeTimes.get(`proxied-${attempt}`)!;
    expect(written).toHaveLength(EVENTS);

    const violations: string[] = [];
    // The direct run really streamed (otherwise comparing against it proves nothing).
    const spread = direct.arrivals[EVENTS - 1]! - direct.arrivals[0]!;
    if (spread < (EVENTS - 1) * SPACING_MS - 20) violations.push(`the direct run's events arrived within ${spread.toFixed(1)} ms of each other`);
    for (let k = 0; k < EVENTS; k++) {
      const late = proxied.arrivals[k]! - direct.arrivals[k]!;
      if (late >= SLACK_MS) {
        violations.push(`event ${k}: direct at ${direct.arrivals[k]!.toFixed(1)} ms, proxied at ${proxied.arrivals[k]!.toFixed(1)} ms (${late.toFixed(1)} ms late)`);
      }
    }
    // Each event was logged while the stream was open: before the backend wrote the next one.
    for (let k = 0; k + 1 < EVENTS; k++) {
      if (!(events[k]!.t < written[k + 1]!)) {
        violations.push(`sse.event ${k} was logged ${(events[k]!.t - written[k + 1]!).toFixed(1)} ms after event ${k + 1} was written`);
      }
    }
    return violations;
  }

  it('delivers each event as it is written, not buffered until the end', async () => {
    // Backend, proxy and client share one process on a 2-core machine, so a stall elsewhere can delay one run.
    // A buffering proxy fails every attempt (its first event is ~400 ms late); noise does not repeat 3 times.
    const attempts: string[][] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const violations = await measure(attempt);
      attempts.push(violations);
      if (violations.length === 0) break;
    }
    expect(attempts[attempts.length - 1], `timing violations per attempt: ${JSON.stringify(attempts, null, 1)}`).toEqual([]);
  });
});
