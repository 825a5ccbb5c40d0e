/**
 * A WebSocket client that stops reading while the upstream keeps sending (issue 8). Without backpressure the
 * relay reads everything the upstream sends and queues it towards the client, in the proxy's memory, without
 * bound. With it, the relay stops reading from the upstream once 16 MiB wait for the client, so the upstream
 * (which sends each frame only after the previous one was written, as a well-behaved sender does) stalls too.
 *
 * Asserted as facts: what the upstream managed to send while the client read nothing stays far below the total;
 * after the client reads again, every frame arrives, in order, byte for byte; and every frame is in the log.
 */
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { Cleanup, LOOPBACK, delay, startWsUpstream, within } from '../support/proxy-harness.js';

const MiB = 1024 * 1024;
const FRAME = 256 * 1024;
const TOTAL = 256 * MiB;
/** The relay's 16 MiB plus the kernel's buffers on two loopback sockets, with room to spare. */
const STALL_BOUND = 80 * MiB;

function frameBytes(index: number): Buffer {
  const frame = Buffer.alloc(FRAME, index % 251);
  frame.writeUInt32BE(index, 0);
  return frame;
}

describe('hardening: WebSocket backpressure', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('stops reading from the upstream while the client reads nothing, and delivers every frame once it reads again', async () => {
    let sent = 0;
    const expected = crypto.createHash('sha256');
    const upstreamUrl = await startWsUpstream(cleanup, (socket) => {
      let index = 0;
      const next = (error?: Error) => {
        if (error || sent >= TOTAL || socket.readyState !== WebSocket.OPEN) return;
        const frame = frameBytes(index++);
        sent += frame.length;
        expected.update(frame);
        socket.send(frame, { binary: true }, next);
      };
      next();
    });
    // Small frame captures: the test is about the relay's queue, not about the log's memory.
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null, frameCap: 1024 });
    cleanup.add(() => core.close());
    const route = await core.addRoute({ listenPort: 0, upstream: upstreamUrl });

    const client = new WebSocket(`ws://${LOOPBACK}:${route.listen.port}/`);
    cleanup.add(() => client.terminate());
    const received = crypto.createHash('sha256');
    let receivedBytes = 0;
    let inOrder = true;
    let expectedIndex = 0;
    const allReceived = new Promise<void>((resolve) => {
      client.on('message', (data: Buffer) => {
        if (data.readUInt32BE(0) !== expectedIndex++) inOrder = false;
        received.update(data);
        receivedBytes += data.length;
        if (receivedBytes >= TOTAL) resolve();
      });
    });
    await within(new Promise<void>((resolve) => client.once('open', () => resolve())), 5_000, 'the client to connect');
    client.pause();

    // Wait until the upstream stalls: nothing more sent over half a second (bounded to 20 s in all).
    let last = -1;
    for (let i = 0; i < 40 && sent !== last; i++) {
      last = sent;
      await delay(500);
    }
    expect(sent).toBe(last);
    expect(sent).toBeLessThan(STALL_BOUND);

    client.resume();
    await within(allReceived, 60_000, 'every frame to reach the client');
    expect(receivedBytes).toBe(TOTAL);
    expect(inOrder).toBe(true);
    expect(received.digest('hex')).toBe(expected.digest('hex'));
    const frames = core.log.all().filter((e) => e.kind === 'ws.frame' && e.direction === 'upstream-to-client');
    expect(frames).toHaveLength(TOTAL / FRAME);
  }, 90_000);
});
