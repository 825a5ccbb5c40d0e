/**
 * WebSocket fuzz (issue 8): random sequences of text frames (random Unicode, astral characters included) and
 * binary frames (mostly small, some up to ~1 MiB and just past the 1 MiB frame cap), sent in both directions
 * at once, interleaved; then a close with a random code and reason, from a random side (or a dropped TCP
 * connection). Each side must receive exactly the other's frames, in order, with their type (SHA-256 compared);
 * the close code and reason must arrive; and the log must hold every frame in order per direction with its
 * size, type and (capped) bytes, and one ws.close naming who closed it.
 *
 * fast-check runs with a fixed seed and a bounded number of runs (FUZZ_SEED / WS_FUZZ_RUNS override them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { DEFAULT_BODY_CAP } from '../../electron/proxy/body-capture.js';
import type { EventOf } from '../../shared/events.js';
import { Cleanup, type Backend, type Proxy, sha256, startBackend, startProxy, within } from '../support/proxy-harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260808);
const RUNS = Number(process.env.WS_FUZZ_RUNS ?? 200);
const KiB = 1024;
const MiB = 1024 * KiB;
const CAP = DEFAULT_BODY_CAP;

interface Frame {
  binary: boolean;
  /** Text, or for binary frames a size and a seed byte. */
  text: string;
  size: number;
  seed: number;
}

function payload(frame: Frame): Buffer {
  if (!frame.binary) return Buffer.from(frame.text, 'utf8');
  const out = Buffer.alloc(frame.size);
  let x = frame.seed | 1;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp));
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), astral), maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => s.repeat(1 + (s.length > 0 ? Math.floor(70_000 / s.length) : 0))) },
);
const binarySize = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 2 * KiB }) },
  { weight: 3, arbitrary: fc.integer({ min: 2 * KiB, max: 128 * KiB }) },
  { weight: 1, arbitrary: fc.integer({ min: MiB - 16, max: MiB + 64 * KiB }) },
);
const frame: fc.Arbitrary<Frame> = fc.oneof(
  text.map((t) => ({ binary: false, text: t, size: 0, seed: 0 })),
  fc.record({ binary: fc.constant(true), text: fc.constant(''), size: binarySize, seed: fc.nat() }),
);

type CloseCase = { kind: 'code'; code: number; reason: string } | { kind: 'no-code' } | { kind: 'terminate' };
const reason = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((r) => Buffer.byteLength(r) <= 123);
const close: fc.Arbitrary<CloseCase> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('code' as const), code: fc.oneof(fc.constantFrom(1000, 1001, 1003, 1008, 1011), fc.integer({ min: 3000, max: 4999 })), reason }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'no-code' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'terminate' as const }) },
);

interface WsCase {
  up: Frame[];
  down: Frame[];
  closer: 'client' | 'upstream';
  close: CloseCase;
}
const wsCase: fc.Arbitrary<WsCase> = fc.record({
  up: fc.array(frame, { maxLength: 12 }),
  down: fc.array(frame, { maxLength: 12 }),
  closer: fc.constantFrom<WsCase['closer']>('client', 'upstream'),
  close,
});

interface Got {
  binary: boolean;
  hash: string;
  size: number;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Collects a socket's messages and its close from the moment it exists. */
function record(socket: WebSocket): { messages: Got[]; closed: Promise<{ code: number; reason: string }> } {
  const messages: Got[] = [];
  socket.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = toBuffer(data);
    messages.push({ binary: isBinary, hash: sha256(bytes), size: bytes.length });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code: number, why: Buffer) => resolve({ code, reason: why.toString('utf8') })));
  return { messages, closed };
}

function expected(frames: Frame[]): Got[] {
  return frames.map((f) => {
    const bytes = payload(f);
    return { binary: f.binary, hash: sha256(bytes), size: bytes.length };
  });
}

/** Sends the frames with a random mix of same-tick bursts and yields, so both directions interleave. */
async function sendAll(socket: WebSocket, frames: Frame[]): Promise<void> {
  for (const [i, f] of frames.entries()) {
    await new Promise<void>((resolve, reject) => socket.send(payload(f), { binary: f.binary }, (error) => (error ? reject(error) : resolve())));
    if (i % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('WebSocket fuzz', () => {
  const cleanup = new Cleanup();
  let backend: Backend;
  let proxy: Proxy;
  const accepted: WebSocket[] = [];
  let onAccept: ((socket: WebSocket) => void) | null = null;

  beforeAll(async () => {
    backend = await startBackend(cleanup, (_req, res) => {
      res.writeHead(426);
      res.end();
    });
    const wss = new WebSocketServer({ server: backend.server, perMessageDeflate: false, maxPayload: 0 });
    wss.on('connection', (socket) => {
      accepted.push(socket);
      onAccept?.(socket);
    });
    cleanup.add(
      () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close(() => resolve());
        }),
    );
    proxy = await startProxy(cleanup, backend.url);
  });
  afterAll(() => cleanup.run());

  async function check(c: WsCase): Promise<void> {
    const upstreamArrived = new Promise<WebSocket>((resolve) => (onAccept = resolve));
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/fuzz`, { perMessageDeflate: false, maxPayload: 0 });
    client.on('error', () => {});
    const atClient = record(client);
    try {
      await within(
        new Promise<void>((resolve, reject) => {
          client.once('open', () => resolve());
          client.once('unexpected-response', (_q, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
        }),
        5_000,
        'the client to open',
      );
      const upstream = await within(upstreamArrived, 5_000, 'the upstream to accept');
      upstream.on('error', () => {});
      const atUpstream = record(upstream);
      const events = proxy.core.log.all();
      const open = events.findLast((e): e is EventOf<'ws.open'> => e.kind === 'ws.open');
      expect(open).toBeDefined();
      const connectionId = open!.connectionId;

      await Promise.all([sendAll(client, c.up), sendAll(upstream, c.down)]);
      const wantUp = expected(c.up);
      const wantDown = expected(c.down);
      // Every frame arrives before the close is sent: a close may overtake nothing.
      for (let round = 0; round < 2_000 && (atUpstream.messages.length < wantUp.length || atClient.messages.length < wantDown.length); round++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(atUpstream.messages).toEqual(wantUp);
      expect(atClient.messages).toEqual(wantDown);

      const closer = c.closer === 'client' ? client : upstream;
      const otherSaw = c.closer === 'client' ? atUpstream.closed : atClient.closed;
      if (c.close.kind === 'code') closer.close(c.close.code, c.close.reason);
      else if (c.close.kind === 'no-code') closer.close();
      else closer.terminate();
      const seen = await within(otherSaw, 5_000, 'the close to reach the other side');
      if (c.close.kind === 'code') expect(seen).toEqual({ code: c.close.code, reason: c.close.reason });
      else if (c.close.kind === 'no-code') expect(seen.code).toBe(1005);
      else expect(seen.code).toBe(1006);

      // The log: every frame, in order per direction, with type, size and the capped bytes; one close.
      const frames = proxy.core.log.all().filter((e): e is EventOf<'ws.frame'> => e.kind === 'ws.frame' && e.connectionId === connectionId);
      for (const [direction, sent] of [['client-to-upstream', c.up], ['upstream-to-client', c.down]] as const) {
        const mine = frames.filter((f) => f.direction === direction);
        expect(mine.map((f) => [f.opcode, f.size])).toEqual(sent.map((s) => [s.binary ? 'binary' : 'text', payload(s).length]));
        for (const [i, f] of mine.entries()) {
          const bytes = payload(sent[i]!);
          expect(f.truncated).toBe(bytes.length > CAP);
          const kept = f.encoding === 'base64' ? Buffer.from(f.data, 'base64') : Buffer.from(f.data, 'utf8');
          const capped = bytes.subarray(0, Math.min(CAP, bytes.length));
          if (f.truncated && f.encoding === 'utf8') expect(capped.subarray(0, kept.length).equals(kept) && capped.length - kept.length < 4).toBe(true);
          else expect(sha256(kept)).toBe(sha256(capped));
        }
      }
      let closes: EventOf<'ws.close'>[] = [];
      for (let round = 0; round < 1_000 && closes.length === 0; round++) {
        closes = proxy.core.log.all().filter((e): e is EventOf<'ws.close'> => e.kind === 'ws.close' && e.connectionId === connectionId);
        if (closes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(closes).toHaveLength(1);
      expect(closes[0]!.by).toBe(c.closer);
      if (c.close.kind === 'code') expect(closes[0]).toMatchObject({ code: c.close.code, reason: c.close.reason });
    } finally {
      onAccept = null;
      client.terminate();
      for (const socket of accepted.splice(0)) socket.terminate();
    }
  }

  it(`relays ${RUNS} random frame sequences both ways, in order and byte for byte, with their closes (seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(wsCase, (c) => check(c)), { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: false });
  }, 300_000);
});
