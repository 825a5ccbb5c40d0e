/**
 * A client that reads slowly while the upstream sends a big body (issue 8). The body is generated, never
 * allocated whole: one 64 KiB block written again and again, each write waiting for 'drain'. Backpressure has
 * to reach through the proxy (http-proxy's pipe, with the capture tee beside it) to the upstream, so:
 *
 * - while the client pauses, the upstream gets stuck: what it managed to write stays far below the body size;
 * - the memory of this process (which runs the proxy; the test's own client and upstream hold a block at a time)
 *   grows by less than 100 MB over the whole transfer, and the capture keeps only its 1 MiB cap;
 * - the client gets every byte (SHA-256 equal to the generated stream's), and the exchange is recorded with
 *   its real size, truncated at the cap;
 * - another call on the route is answered, and the UI gets events, while the big one is stalled.
 *
 * The 500 MiB by default (about 6 s on a busy 2-core machine); HARDENING_BODY_MIB=64 makes it quicker.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_CAP } from '../../electron/proxy/body-capture.js';
import { Cleanup, LOOPBACK, delay, exchangeFor, request, startBackend, startProxy, waitForEvent, within } from '../support/proxy-harness.js';
import { capturedBytes, startUiProbe } from './hardening-support.js';

const MiB = 1024 * 1024;
const TOTAL = Number(process.env.HARDENING_BODY_MIB ?? 500) * MiB;
const MAX_GROWTH = 100 * 1000 * 1000;
/** What the upstream may get written while the client reads nothing: socket buffers on three hops, not the body. */
const STALL_BOUND = 24 * MiB;
const BLOCK = crypto.createHash('sha512').update('block').digest();
const PATTERN = Buffer.alloc(64 * 1024);
for (let at = 0; at < PATTERN.length; at += BLOCK.length) BLOCK.copy(PATTERN, at);
const OK_JSON = '{"result":"ok"}';

function memory(): { rss: number; heap: number; buffers: number } {
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed, buffers: usage.arrayBuffers };
}

describe('hardening: backpressure', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it(`keeps memory bounded while a slow client reads ${TOTAL / MiB} MiB through the proxy`, async () => {
    let written = 0;
    const expectedHash = crypto.createHash('sha256');
    const backend = await startBackend(cleanup, (req, res) => {
      if (req.url !== '/big') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK_JSON.length });
        res.end(OK_JSON);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL });
      const pump = () => {
        while (written < TOTAL) {
          const piece = PATTERN.subarray(0, Math.min(PATTERN.length, TOTAL - written));
          written += piece.length;
          expectedHash.update(piece);
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.off('drain', pump));
      pump();
    });
    const proxy = await startProxy(cleanup, backend.url);
    const ui = await startUiProbe(cleanup, proxy.core);
    await request(proxy.port, { path: '/warm-up' });
    const before = memory();
    let peak = before;
    const sample = () => {
      const now = memory();
      peak = { rss: Math.max(peak.rss, now.rss), heap: Math.max(peak.heap, now.heap), buffers: Math.max(peak.buffers, now.buffers) };
    };

    // The slow client: it reads nothing at first, then reads in bursts with pauses.
    const hash = crypto.createHash('sha256');
    let received = 0;
    let response!: http.IncomingMessage;
    const req = http.request({ host: LOOPBACK, port: proxy.port, path: '/big', agent: false });
    cleanup.add(() => req.destroy());
    const headArrived = new Promise<void>((resolve, reject) => {
      req.once('response', (res) => {
        response = res;
        res.pause();
        resolve();
      });
      req.once('error', reject);
    });
    req.end();
    await within(headArrived, 10_000, 'the response head of /big');

    // Stalled: the upstream's writes stop well short of the body, because nobody downstream reads.
    let last = -1;
    let steady = 0;
    for (let round = 0; round < 500 && steady < 10; round++) {
      await delay(20);
      sample();
      steady = written === last ? steady + 1 : 0;
      last = written;
    }
    expect(steady, 'the upstream stopped writing while the client paused').toBeGreaterThanOrEqual(10);
    expect(written).toBeLessThan(STALL_BOUND);
    expect(written).toBeLessThan(TOTAL);
    const stalledAt = written;

    // The route answers another call meanwhile, and the UI gets it.
    const other = await request(proxy.port, { path: '/other' });
    expect(other.body.toString('utf8')).toBe(OK_JSON);
    const otherId = await exchangeFor(proxy.core, '/other');
    await ui.waitFor((e) => e.kind === 'http.response.body' && e.exchangeId === otherId, 'the other call');

    // Now read slowly: a pause after every 4 MiB.
    const done = new Promise<void>((resolve, reject) => {
      let sincePause = 0;
      response.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        sincePause += chunk.length;
        if (sincePause >= 4 * MiB) {
          sincePause = 0;
          response.pause();
          sample();
          setTimeout(() => response.resume(), 5);
        }
      });
      response.once('end', () => (response.complete ? resolve() : reject(new Error('the response ended incomplete'))));
      response.once('error', reject);
      response.once('aborted', () => reject(new Error('the response was aborted')));
    });
    response.resume();
    await within(done, TOTAL / MiB * 1_000, `the client to read ${TOTAL / MiB} MiB`);
    sample();

    expect(received).toBe(TOTAL);
    expect(hash.digest('hex')).toBe(expectedHash.digest('hex'));
    const growth = { rss: peak.rss - before.rss, heap: peak.heap - before.heap, buffers: peak.buffers - before.buffers };
    if (process.env.HARDENING_VERBOSE) console.info(`stalled after ${(stalledAt / MiB).toFixed(1)} MiB; growth MiB: rss ${(growth.rss / MiB).toFixed(1)}, heap ${(growth.heap / MiB).toFixed(1)}, buffers ${(growth.buffers / MiB).toFixed(1)}`);
    expect(growth.rss, `rss growth ${(growth.rss / MiB).toFixed(1)} MiB`).toBeLessThan(MAX_GROWTH);
    expect(growth.heap + growth.buffers, `heap+buffers growth ${((growth.heap + growth.buffers) / MiB).toFixed(1)} MiB`).toBeLessThan(MAX_GROWTH);

    const id = await exchangeFor(proxy.core, '/big');
    const { body } = await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === id, 10_000);
    expect(body).toMatchObject({ size: TOTAL, truncated: true, cap: DEFAULT_BODY_CAP });
    const kept = capturedBytes(body);
    expect(kept.length).toBe(DEFAULT_BODY_CAP);
    expect(kept.equals(repeatPattern(DEFAULT_BODY_CAP))).toBe(true);
    await ui.waitFor((e) => e.kind === 'http.response.body' && e.exchangeId === id, 'the end of /big');
  }, 600_000);
});

function repeatPattern(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += PATTERN.length) PATTERN.copy(out, at);
  return out;
}
