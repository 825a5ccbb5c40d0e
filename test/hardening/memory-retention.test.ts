/**
 * The short CI version of `npm run soak`: Realtime-like audio frames and function calls through the real core
 * with a small memory cap. Once the cap is reached, the heap after a forced GC stays within a bound while many
 * times the cap passes through, and the session file still has every event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { Cleanup, LOOPBACK } from '../support/proxy-harness.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const CAP_BYTES = 4 * 1024 * 1024;
const SESSIONS = 4;
const FRAMES_PER_CALL = 50;
const AUDIO = Buffer.alloc(4096, 7).toString('base64');

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function realtimeUpstream(): Promise<string> {
  const server = new WebSocketServer({ host: LOOPBACK, port: 0, perMessageDeflate: false });
  await new Promise((resolve) => server.once('listening', resolve));
  cleanup.add(() => new Promise((resolve) => server.close(resolve)));
  server.on('connection', (socket) => {
    let frames = 0;
    socket.on('message', (data) => {
      if (!data.toString().startsWith('{"type":"input_audio_buffer.append"')) return;
      if (++frames % FRAMES_PER_CALL !== 0) return;
      const n = frames / FRAMES_PER_CALL;
      socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', event_id: `ev_${n}`, response_id: `r_${n}`, item_id: `i_${n}`, output_index: 0, call_id: `call_${n}`, name: 'get_weather', arguments: '{"city":"Paris"}' }));
    });
  });
  return `ws://${LOOPBACK}:${(server.address() as { port: number }).port}`;
}

async function session(url: string, seconds: number, index: number, onSecond: () => void): Promise<void> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const calls: string[] = [];
  let wake: (() => void) | null = null;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { call_id?: string };
    if (message.call_id) calls.push(message.call_id);
    wake?.();
  });
  for (let second = 0; second < seconds; second++) {
    for (let i = 0; i < FRAMES_PER_CALL; i++) {
      socket.send(`{"type":"input_audio_buffer.append","event_id":"e${index}_${second}_${i}","audio":"${AUDIO}"}`);
    }
    while (calls.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: calls.shift(), output: '{"ok":true}' } }));
    socket.send('{"type":"response.create"}');
    onSecond();
  }
  socket.close(1000);
  await new Promise((resolve) => socket.once('close', resolve));
}

describe('memory retention under a Realtime-like load', () => {
  it('stops growing once the cap is reached, while the session file keeps every event', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-retention-'));
    cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
    const sessionFile = path.join(dir, 'session.ndjson');
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile, sessionsDirectory: null, retention: { maxBytes: CAP_BYTES } });
    cleanup.add(() => core.close());
    const route = await core.addRoute({ listenPort: 0, upstream: await realtimeUpstream() });
    const url = `ws://${LOOPBACK}:${route.listen.port}/v1/realtime`;

    // 4 sessions × 40 "seconds" × 50 frames of ~5.5 kB: about 45 MB through a 4 MB cap.
    const seconds = 40;
    const samples: Array<{ second: number; heap: number; dropped: number }> = [];
    let done = 0;
    let openAnchorsWhileCapped = -1;
    const before = heapMb();
    await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) =>
        session(url, seconds, i, () => {
          done++;
          if (done % 8 === 0) samples.push({ second: done, heap: heapMb(), dropped: core.log.dropped });
          // Past the cap, a late UI still gets each open connection's ws.open, so its frames belong somewhere.
          if (openAnchorsWhileCapped < 0 && core.log.dropped > 0) openAnchorsWhileCapped = core.log.all().filter((e) => e.kind === 'ws.open').length;
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const capturedMb = (SESSIONS * seconds * FRAMES_PER_CALL * (AUDIO.length + 60)) / 2 ** 20;
    expect(capturedMb).toBeGreaterThan(10 * (CAP_BYTES / 2 ** 20));
    expect(core.log.retainedBytes).toBeLessThanOrEqual(CAP_BYTES);
    expect(core.log.dropped).toBeGreaterThan(0);
    expect(openAnchorsWhileCapped).toBe(SESSIONS);

    // From the first sample after the cap was reached, the heap after GC stays within a bound (the cap twice,
    // for the saw tooth of chunked dropping and GC noise), although the rest of the load is several times the cap.
    const firstCapped = samples.findIndex((s) => s.dropped > 0);
    expect(firstCapped).toBeGreaterThanOrEqual(0);
    expect(firstCapped).toBeLessThan(samples.length / 2);
    const base = samples[firstCapped]!.heap;
    const after = samples.slice(firstCapped).map((s) => s.heap);
    const boundMb = (2 * CAP_BYTES) / 2 ** 20 + 4;
    expect(Math.max(...after) - base, `heap after GC per sample: ${samples.map((s) => s.heap.toFixed(1)).join(', ')} MB (started at ${before.toFixed(1)})`).toBeLessThan(boundMb);

    // Every event reached the session file, numbered 1..N without a gap.
    core.flush();
    const lines = fs.readFileSync(sessionFile, 'utf8').split('\n').filter((line) => line !== '');
    const seqs = lines.slice(1).map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs.length).toBe(core.log.appended);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
    expect(seqs.length).toBe(core.log.dropped + core.log.size);

    // The Sessions list still counts every call, not just the retained ones.
    const live = await core.liveSession();
    expect(live.events).toBe(core.log.appended);
    expect(live.calls).toBe(SESSIONS * seconds);
  });
});
