/**
 * A UI that stays connected holds no more of the live session than the core keeps (with some slack): past its
 * budget it asks the bridge for a fresh snapshot, and gets what the core still keeps plus how many earlier
 * events it dropped. Here over the real UI server's bridge socket, and the budget on its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { startUiServer } from '../../electron/server/ui-server.js';
import { bridgeServerMessageSchema, coreInfoSchema } from '../../shared/bridge.js';
import type { NewEvent } from '../../shared/events.js';
import { estimateEventBytes } from '../../shared/event-size.js';
import { LIVE_SLACK, LiveBudget } from '../../shared/store/live-budget.js';
import { tempDir } from '../support/core-process.js';
import { Cleanup } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function frame(data: string): NewEvent {
  return { kind: 'ws.frame', connectionId: 'c1', direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false } as unknown as NewEvent;
}

interface Batch {
  reset: boolean;
  events: { seq: number }[];
  dropped?: number;
}

describe('the UI budget for the live session', () => {
  it('is over once what was received passes the limits by the slack, and starts again at a snapshot', () => {
    const event = { ...frame('x'.repeat(9_800)), seq: 1, t: 1 } as never;
    // The core's own estimate of the event (what its byte budget counts), with the frame's text its bulk.
    const size = estimateEventBytes(event);
    expect(size).toBeGreaterThan(9_800);
    const budget = new LiveBudget({ maxBytes: 10 * size, maxEvents: 1_000_000 });
    expect(budget.add(Array.from({ length: 15 }, () => event))).toBe(false); // exactly 1.5 × the limit
    expect(budget.add([event])).toBe(true);
    budget.reset();
    expect(budget.add([event])).toBe(false);
    const counted = new LiveBudget({ maxBytes: 1e12, maxEvents: 10 });
    expect(counted.add(Array.from({ length: 10 * LIVE_SLACK }, () => ({ kind: 'route.down', seq: 1, t: 1 }) as never))).toBe(false);
    expect(counted.add([{ kind: 'route.down', seq: 2, t: 2 } as never])).toBe(true);
  });

  it('a connected UI that asks for a snapshot gets what the core keeps and how many events it dropped', async () => {
    const dir = tempDir('resnapshot');
    cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, 'static'));
    fs.writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>t</title>');
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null, retention: { maxEvents: 100 } });
    cleanup.add(() => core.close());
    const ui = await startUiServer(core, { host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'static') });
    cleanup.add(() => ui.close());

    const own = `127.0.0.1:${ui.port}`;
    const socket = new WebSocket(`ws://${own}/api/bridge?token=${ui.token}`, { headers: { host: own, origin: `http://${own}` } });
    cleanup.add(() => socket.terminate());
    const batches: Batch[] = [];
    const results: unknown[] = [];
    socket.on('message', (data: RawData) => {
      const message = bridgeServerMessageSchema.parse(JSON.parse(data.toString()));
      if (message.type === 'batch') batches.push(message as unknown as Batch);
      else results.push(message);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const until = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(done(), what).toBe(true);
    };
    await until(() => batches.length >= 1, 'the first snapshot');
    expect(batches[0]!.reset).toBe(true);

    // The core tells the UI its limits (the UI's budget comes from them).
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'info', params: {} }));
    await until(() => results.length >= 1, 'the info answer');
    const info = coreInfoSchema.parse((results[0] as { value: unknown }).value);
    expect(info.retention).toEqual({ maxBytes: 256 * 1024 * 1024, maxEvents: 100 });

    for (let i = 0; i < 300; i++) core.log.append(frame(`{"type":"input_audio_buffer.append","n":${i}}`));
    await until(() => batches.reduce((n, b) => n + b.events.length, 0) >= 300, 'the live batches');
    // Connected all along, the UI got all 300, more than the core keeps.
    expect(core.log.size).toBeLessThanOrEqual(100);

    const before = batches.length;
    socket.send(JSON.stringify({ type: 'resnapshot' }));
    await until(() => batches.length > before, 'the fresh snapshot');
    const snapshot = batches[before]!;
    expect(snapshot.reset).toBe(true);
    expect(snapshot.events.length).toBe(core.log.size);
    expect(snapshot.events.at(-1)!.seq).toBe(core.log.appended);
    expect(snapshot.dropped).toBe(core.log.dropped);
    expect(snapshot.dropped! + snapshot.events.length).toBe(300);

    // Live batches go on after it, in order, without the snapshot's events again.
    core.log.append(frame('after'));
    await until(() => batches.length > before + 1, 'a live batch after the snapshot');
    expect(batches.at(-1)!.reset).toBe(false);
    expect(batches.at(-1)!.events.map((e) => e.seq)).toEqual([core.log.appended]);
  });
});
