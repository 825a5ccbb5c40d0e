/**
 * Upstream and client failures: the bot gets an answer that names the cause (502/504 with a JSON body) or a
 * visibly broken response (never a clean one that looks complete), the log records what happened, and the
 * route keeps serving afterwards.
 */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Cleanup,
  type Backend,
  type Proxy,
  deadPort,
  delay,
  eventsOf,
  exchangeFor,
  request,
  requestSettled,
  startBackend,
  startProxy,
  waitForEvent,
  within,
} from '../support/proxy-harness.js';

const OK_JSON = JSON.stringify({ result: 'sunny', tool_call_id: 'call_ok' });
const TIMEOUT_MS = 300;
const PARTIAL = 'x'.repeat(4096);

/** The proxy is still up and forwarding: a normal JSON call on the same route works, and is captured. */
async function expectRouteServes(proxy: Proxy, path = '/ok'): Promise<void> {
  const answer = await request(proxy.port, { path });
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.body.toString('utf8')).toBe(OK_JSON);
  const id = (await waitForEvent(proxy.core, 'http.request', (e) => e.url === path && eventsOf(proxy.core, 'http.response.body', e.exchangeId).length > 0)).exchangeId;
  expect(eventsOf(proxy.core, 'http.response.body', id)[0]!.body.data).toBe(OK_JSON);
}

function answerOk(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(OK_JSON) });
  res.end(OK_JSON);
}

describe('faults', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('answers 502 naming a refused upstream, and serves again once the upstream is up', async () => {
    const port = await deadPort();
    const proxy = await startProxy(cleanup, `http://127.0.0.1:${port}`);

    const answer = await request(proxy.port, { method: 'POST', path: '/tool', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(answer.body.toString('utf8'));
    expect(payload).toMatchObject({ error: 'upstream_unreachable', cause: 'refused' });
    expect(payload.route).toContain(`127.0.0.1:${proxy.port}`);
    expect(payload.route).toContain(`http://127.0.0.1:${port}`);
    expect(payload.message).toMatch(/refused/);

    const id = await exchangeFor(proxy.core, '/tool', 'POST');
    const error = await waitForEvent(proxy.core, 'http.error', (e) => e.exchangeId === id);
    expect(error).toMatchObject({ cause: 'refused', code: 'ECONNREFUSED', statusSent: 502 });
    expect(eventsOf(proxy.core, 'http.response', id)).toMatchObject([{ status: 502, synthetic: true }]);

    // The upstream comes up on the same port: the route was never broken.
    await startBackend(cleanup, (_req, res) => answerOk(res), port);
    await expectRouteServes(proxy);
  });

  // KNOWN BUG (reported, not fixed here: the fix needs a way to say "the proxy ended it" in shared/events.ts).
  // RouteListener.close() tears the sockets down, but the exchange's final event (http.aborted, and sse.end) is
  // only appended on a later turn of the event loop, after route.down and after core.close() resolved, so the
  // session writer is already closed and the session file shows the exchange pending forever.
  it('records the end of an exchange still streaming when the route closes, before route.down', async () => {
    const backend = await startBackend(cleanup, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"k":0}\n\n'); // and never ends
    });
    const proxy = await startProxy(cleanup, backend.url);
    const outcome = requestSettled(proxy.port, { path: '/sse/open', timeoutMs: 3_000 });
    const id = await exchangeFor(proxy.core, '/sse/open');
    await waitForEvent(proxy.core, 'sse.event', (e) => e.exchangeId === id);

    await proxy.core.close();
    const log = proxy.core.log.all();
    const down = log.findIndex((e) => e.kind === 'route.down');
    const final = log.findIndex((e) => (e.kind === 'http.aborted' || e.kind === 'http.error' || e.kind === 'http.response.body') && e.exchangeId === id);
    expect(down).toBeGreaterThan(0);
    expect(final, `log: ${log.map((e) => e.kind).join(', ')}`).toBeGreaterThan(0);
    expect(final).toBeLessThan(down);
    // The bot saw its stream cut, not a clean end.
    expect((await outcome).complete).toBe(false);
  });

  describe('with a live upstream', () => {
    let backend: Backend;
    let proxy: Proxy;
    /** Resolves when the backend's response for that path is closed (finished or torn down). */
    const responseClosed = new Map<string, Promise<{ finished: boolean }>>();
    const hangingResponses = new Map<string, http.ServerResponse>();

    beforeEach(async () => {
      responseClosed.clear();
      hangingResponses.clear();
      backend = await startBackend(cleanup, (req, res) => {
        const path = req.url ?? '/';
        responseClosed.set(path, new Promise((resolve) => res.on('close', () => resolve({ finished: res.writableFinished }))));
        switch (path) {
          case '/ok':
            return answerOk(res);
          case '/reset-chunked':
          case '/reset-length': {
            const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain' };
            if (path === '/reset-length') headers['content-length'] = PARTIAL.length * 4;
            res.writeHead(200, headers);
            res.write(PARTIAL, () => setTimeout(() => req.socket.destroy(), 20));
            return;
          }
          case '/hang':
            return; // never answers
          case '/late':
            req.resume();
            hangingResponses.set(path, res); // answered when the test says so
            return;
          case '/sse': {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            let k = 0;
            const timer = setInterval(() => {
              // Bounded: even if nobody aborts, the stream ends after 100 events.
              if (++k > 100) {
                clearInterval(timer);
                res.end();
                return;
              }
              res.write(`data: {"k":${k}}\n\n`);
            }, 50);
            res.on('close', () => clearInterval(timer));
            res.write('event: action\ndata: {"k":0}\n\n');
            return;
          }
          default:
            res.writeHead(404);
            res.end();
        }
      });
      proxy = await startProxy(cleanup, backend.url, { timeoutMs: TIMEOUT_MS });
    });

    it.each(['/reset-chunked', '/reset-length'])('shows an upstream reset mid-body (%s) as a broken response, not a complete one', async (path) => {
      const direct = await requestSettled(backend.port, { path, timeoutMs: 3_000 });
      expect(direct).toMatchObject({ status: 200, complete: false, timedOut: false });

      const proxied = await requestSettled(proxy.port, { path, timeoutMs: 3_000 });
      expect(proxied.status).toBe(200);
      // Broken, promptly: not a clean end that looks complete, and not a response left hanging open.
      expect(proxied.timedOut).toBe(false);
      expect(proxied.complete).toBe(false);
      expect(proxied.error).not.toBeNull();
      // What did get through is the start of what the upstream sent, nothing else.
      expect(PARTIAL.startsWith(proxied.body.toString('utf8'))).toBe(true);

      const id = await exchangeFor(proxy.core, path);
      const aborted = await waitForEvent(proxy.core, 'http.aborted', (e) => e.exchangeId === id);
      expect(aborted).toMatchObject({ by: 'upstream', phase: 'response' });
      // No clean body event that would make the exchange look complete.
      expect(eventsOf(proxy.core, 'http.response.body', id)).toHaveLength(0);

      await expectRouteServes(proxy);
    });

    it('answers 504 when the upstream is slower than the route timeout', async () => {
      const answer = await request(proxy.port, { path: '/hang' });
      expect(answer.status).toBe(504);
      expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ error: 'upstream_timeout', cause: 'timeout' });
      expect(answer.headers['x-toolscope-error']).toBe('timeout');

      const id = await exchangeFor(proxy.core, '/hang');
      const error = await waitForEvent(proxy.core, 'http.error', (e) => e.exchangeId === id);
      expect(error).toMatchObject({ cause: 'timeout', statusSent: 504 });
      expect(error.message).toContain(`${TIMEOUT_MS} ms`);
      // The upstream request was given up, so the backend does not keep a dead exchange open.
      expect(await within(responseClosed.get('/hang')!, 3_000, 'the hung upstream request to be closed')).toEqual({ finished: false });

      await expectRouteServes(proxy);
    });

    it('keeps a late answer out of an exchange that already got its 504 (request with Expect: 100-continue)', async () => {
      // http-proxy-3 emits no 'proxyReq' for a request with an Expect header, so the forwarder cannot cancel
      // the upstream request when the route times out; the upstream's late answer must still not be recorded
      // as this exchange's response: the bot got a 504, and that is what the user must see.
      let answerLate!: () => void;
      const lateAnswered = new Promise<void>((resolve) => {
        answerLate = () => {
          const res = hangingResponses.get('/late');
          if (!res) throw new Error('the upstream never saw /late');
          res.on('close', () => resolve());
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"late":true}');
        };
      });
      const answer = await request(proxy.port, {
        method: 'POST',
        path: '/late',
        headers: { expect: '100-continue', 'content-type': 'application/json' },
        body: '{"tool_call_id":"call_late"}',
      });
      expect(answer.status).toBe(504);
      const id = await exchangeFor(proxy.core, '/late', 'POST');
      await waitForEvent(proxy.core, 'http.error', (e) => e.exchangeId === id && e.cause === 'timeout');

      answerLate();
      await within(lateAnswered, 3_000, 'the late answer to be written');
      // Give the proxy a bounded moment to (wrongly) record the late answer.
      for (let i = 0; i < 30 && eventsOf(proxy.core, 'http.response', id).length < 2; i++) await delay(10);
      expect(eventsOf(proxy.core, 'http.response', id).map((e) => [e.status, e.synthetic ?? false])).toEqual([[504, true]]);
      expect(eventsOf(proxy.core, 'http.response.body', id)).toHaveLength(0);

      await expectRouteServes(proxy);
    });

    it('records a client that aborts mid-SSE and closes the upstream response', async () => {
      let events = 0;
      const outcome = await requestSettled(proxy.port, {
        path: '/sse',
        timeoutMs: 3_000,
        onData: (chunk, req) => {
          if (chunk.toString('utf8').includes('\n\n') && events++ === 0) req.destroy();
        },
      });
      expect(outcome.status).toBe(200);
      expect(outcome.complete).toBe(false);
      expect(outcome.body.toString('utf8')).toContain('event: action\ndata: {"k":0}\n\n');

      const id = await exchangeFor(proxy.core, '/sse');
      const aborted = await waitForEvent(proxy.core, 'http.aborted', (e) => e.exchangeId === id);
      expect(aborted).toMatchObject({ by: 'client', phase: 'response' });
      expect(await within(responseClosed.get('/sse')!, 3_000, "the upstream's SSE response to close")).toEqual({ finished: false });
      // The event that arrived was captured, and the stream is recorded as ended incompletely.
      expect(eventsOf(proxy.core, 'sse.event', id)[0]).toMatchObject({ index: 0, type: 'action', data: '{"k":0}' });
      const end = await waitForEvent(proxy.core, 'sse.end', (e) => e.exchangeId === id);
      expect(end.complete).toBe(false);
      expect(eventsOf(proxy.core, 'http.response.body', id)).toHaveLength(0);

      await expectRouteServes(proxy);
    });
  });
});
