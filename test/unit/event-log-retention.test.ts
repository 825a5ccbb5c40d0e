/**
 * The event log's memory bound: sinks (the session file) see every event, the log keeps only the most recent
 * ones within its limits, and a subscriber's snapshot plus its live batches stay a gap-free, duplicate-free run
 * of sequence numbers whatever is dropped in between.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventLog } from '../../electron/core/event-log.js';
import { estimateEventBytes } from '../../shared/event-size.js';
import type { LogEvent, NewEvent } from '../../shared/events.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function frame(bytes: number): NewEvent {
  return { kind: 'ws.frame', connectionId: 'c1', direction: 'client-to-upstream', opcode: 'text', data: 'x'.repeat(bytes), size: bytes, truncated: false, cap: 1 << 20 } as unknown as NewEvent;
}

function open(connectionId: string): NewEvent {
  return { kind: 'ws.open', connectionId, routeId: 'r1', url: '/', upstreamUrl: 'ws://x/', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' } as unknown as NewEvent;
}

function seqs(events: readonly LogEvent[]): number[] {
  return events.map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

describe('EventLog retention', () => {
  it('keeps everything below the limits', () => {
    const log = new EventLog({ maxEvents: 100, maxBytes: 1 << 20 });
    for (let i = 0; i < 50; i++) log.append(frame(10));
    expect(log.size).toBe(50);
    expect(log.dropped).toBe(0);
    expect(seqs(log.all())).toEqual(range(1, 50));
  });

  it('drops the oldest past the count limit, down to three quarters, while sinks see every event', () => {
    const log = new EventLog({ maxEvents: 100, maxBytes: 1 << 30 });
    const sunk: number[] = [];
    const droppedChunks: number[][] = [];
    log.addSink((e) => sunk.push(e.seq));
    log.onDrop((chunk) => droppedChunks.push(seqs(chunk)));
    for (let i = 0; i < 101; i++) log.append(frame(10));
    expect(log.size).toBe(75);
    expect(log.dropped).toBe(26);
    expect(seqs(log.all())).toEqual(range(27, 101));
    expect(droppedChunks).toEqual([range(1, 26)]);
    expect(sunk).toEqual(range(1, 101));
    expect(log.appended).toBe(101);
  });

  it('drops the oldest past the byte budget and keeps the retained estimate under it', () => {
    const budget = 100_000;
    const log = new EventLog({ maxBytes: budget, maxEvents: 1_000_000 });
    for (let i = 0; i < 1000; i++) {
      log.append(frame(4096));
      expect(log.retainedBytes).toBeLessThanOrEqual(budget);
    }
    const retained = log.all();
    expect(retained.reduce((sum, e) => sum + estimateEventBytes(e), 0)).toBe(log.retainedBytes);
    expect(retained.length + log.dropped).toBe(1000);
    expect(retained[retained.length - 1]!.seq).toBe(1000);
  });

  it('keeps the newest event even when it alone is over the budget', () => {
    const log = new EventLog({ maxBytes: 1000, maxEvents: 10 });
    log.append(frame(10));
    log.append(frame(5000));
    expect(seqs(log.all())).toEqual([2]);
    expect(log.dropped).toBe(1);
  });

  it('tells a late subscriber how many events were dropped, and a reset starts from 0 again', () => {
    const log = new EventLog({ maxEvents: 8, maxBytes: 1 << 30 });
    for (let i = 0; i < 20; i++) log.append(frame(1));
    const snapshots: Array<{ seqs: number[]; dropped: number }> = [];
    log.subscribe((events, { dropped }) => snapshots.push({ seqs: seqs(events), dropped }), () => {});
    expect(snapshots[0]!.dropped).toBe(snapshots[0]!.seqs[0]! - 1);
    expect(snapshots[0]!.seqs.at(-1)).toBe(20);
    log.reset([{ kind: 'route.down', routeId: 'r1' } as NewEvent]);
    expect(snapshots[1]).toEqual({ seqs: [1], dropped: 0 });
    expect(log.dropped).toBe(0);
    expect(log.appended).toBe(1);
  });

  it('keeps the anchors of what is still open (route, connection, exchange) and lets them go when it closes', () => {
    const log = new EventLog({ maxEvents: 8, maxBytes: 1 << 30 });
    log.append({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 1 }, upstream: 'ws://x/', timeoutMs: 1 } as NewEvent);
    log.append(open('c1'));
    log.append({ kind: 'http.request', exchangeId: 'x1', routeId: 'r1', method: 'POST', url: '/', httpVersion: '1.1', headers: [], remoteAddress: '', upstreamUrl: 'http://x/' } as NewEvent);
    for (let i = 0; i < 30; i++) log.append(frame(10));
    expect(seqs(log.all()).slice(0, 3)).toEqual([1, 2, 3]);
    expect(log.size).toBeLessThanOrEqual(8);
    log.append({ kind: 'ws.close', connectionId: 'c1', code: 1000, reason: '', by: 'client' } as NewEvent);
    log.append({ kind: 'http.error', exchangeId: 'x1', cause: 'refused', code: 'ECONNREFUSED', message: 'refused', statusSent: 502 } as NewEvent);
    // The route is still up: its route.up stays; the closed connection's and exchange's anchors are gone.
    expect(seqs(log.all())[0]).toBe(1);
    expect(seqs(log.all())).not.toContain(2);
    expect(seqs(log.all())).not.toContain(3);
    expect(log.size + log.dropped).toBe(log.appended);
  });

  it('property: sinks see all, all() is bounded, open anchors stay, every subscriber gets each event once, in order', async () => {
    type Op =
      | { type: 'append'; bytes: number }
      | { type: 'open'; id: number }
      | { type: 'close'; id: number }
      | { type: 'subscribe' }
      | { type: 'unsubscribe'; which: number }
      | { type: 'tick' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 3000 }).map((bytes) => ({ type: 'append' as const, bytes })) },
      { weight: 2, arbitrary: fc.nat(4).map((id) => ({ type: 'open' as const, id })) },
      { weight: 2, arbitrary: fc.nat(4).map((id) => ({ type: 'close' as const, id })) },
      { weight: 1, arbitrary: fc.constant({ type: 'subscribe' as const }) },
      { weight: 1, arbitrary: fc.nat(5).map((which) => ({ type: 'unsubscribe' as const, which })) },
      { weight: 2, arbitrary: fc.constant({ type: 'tick' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 500, max: 40_000 }), fc.array(op, { maxLength: 200 }), async (maxEvents, maxBytes, ops) => {
        const log = new EventLog({ maxEvents, maxBytes });
        const sunk: number[] = [];
        log.addSink((e) => sunk.push(e.seq));
        let droppedSeen = 0;
        log.onDrop((chunk) => (droppedSeen += chunk.length));
        /** Connection id -> seq of its ws.open, while open. */
        const openAnchors = new Map<number, number>();
        interface Sub { received: number[]; dropped: number; at: number; active: boolean; stop: () => void }
        const subs: Sub[] = [];
        for (const step of ops) {
          if (step.type === 'append') {
            log.append(frame(step.bytes));
          } else if (step.type === 'open') {
            if (!openAnchors.has(step.id)) openAnchors.set(step.id, log.append(open(`c${step.id}`)).seq);
          } else if (step.type === 'close') {
            if (openAnchors.delete(step.id)) log.append({ kind: 'ws.close', connectionId: `c${step.id}`, code: 1000, reason: '', by: 'client' } as NewEvent);
          } else if (step.type === 'subscribe') {
            const sub: Sub = { received: [], dropped: -1, at: log.appended, active: true, stop: () => {} };
            sub.stop = log.subscribe(
              (events, info) => {
                sub.received = seqs(events);
                sub.dropped = info.dropped;
              },
              (batch) => {
                if (!sub.active) throw new Error('a batch after unsubscribe');
                sub.received.push(...seqs(batch));
              },
            );
            expect(sub.received.length + sub.dropped).toBe(sub.at);
            if (sub.at > 0) expect(sub.received.at(-1)).toBe(sub.at);
            subs.push(sub);
          } else if (step.type === 'unsubscribe') {
            const sub = subs[step.which];
            if (sub?.active) {
              sub.active = false;
              sub.stop();
            }
          } else {
            await tick();
          }
          // Bounded: by the limits, plus the anchors of what is open (at most 5 here) and the newest event.
          expect(log.size).toBeLessThanOrEqual(maxEvents + openAnchors.size + 1);
        }
        await tick();
        const total = log.appended;
        expect(sunk).toEqual(range(1, total));
        expect(log.dropped).toBe(droppedSeen);
        const retained = seqs(log.all());
        expect(retained.length + log.dropped).toBe(total);
        expect(retained.every((seq, i) => i === 0 || seq > retained[i - 1]!)).toBe(true);
        for (const seq of openAnchors.values()) expect(retained).toContain(seq);
        if (total > 0) expect(retained.at(-1)).toBe(total);
        for (const sub of subs) {
          if (!sub.active) continue;
          // Snapshot then batches: strictly increasing, and every event after the snapshot exactly once.
          expect(sub.received.every((seq, i) => i === 0 || seq > sub.received[i - 1]!)).toBe(true);
          expect(sub.received.filter((seq) => seq > sub.at)).toEqual(range(sub.at + 1, total));
        }
      }),
      { numRuns: 150 },
    );
  });
});
