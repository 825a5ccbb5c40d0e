/**
 * Each event is serialised once, by the event log, and that text is what the session file and the bridge send:
 * it must be exactly the event as JSON, line up with its event in every batch (also the partial batch a
 * subscriber gets right after its snapshot), and the batch message made of it must be the message the UI parses.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventLog } from '../../electron/core/event-log.js';
import { batchMessageJson } from '../../shared/bridge-batch-json.js';
import type { LogEvent, NewEvent } from '../../shared/events.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function frame(data: string): NewEvent {
  return { kind: 'ws.frame', connectionId: 'c1', direction: 'upstream-to-client', opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false } as unknown as NewEvent;
}

describe('one JSON text per event', () => {
  it('gives sinks and subscribers the event as JSON, index for index, also after a mid-batch subscribe', async () => {
    const log = new EventLog();
    const sunk: Array<[LogEvent, string]> = [];
    log.addSink((event, json) => sunk.push([event, json]));
    const early: Array<[readonly LogEvent[], readonly string[]]> = [];
    log.subscribe(() => {}, (events, jsons) => early.push([events, jsons]));
    log.append(frame('before "quoted" \u2028 é'));
    log.append(frame('{"type":"response.done"}'));
    // Subscribes while two events wait for the flush: those come in its snapshot, not again in its first batch.
    const late: Array<[readonly LogEvent[], readonly string[]]> = [];
    let snapshot: readonly LogEvent[] = [];
    log.subscribe((events) => (snapshot = events), (events, jsons) => late.push([events, jsons]));
    log.append(frame('after \u0000 nul'));
    await tick();

    expect(sunk.map(([event, json]) => json === JSON.stringify(event))).toEqual([true, true, true]);
    expect(early).toHaveLength(1);
    expect(early[0]![1]).toEqual(early[0]![0].map((event) => JSON.stringify(event)));
    expect(snapshot.map((e) => e.seq)).toEqual([1, 2]);
    expect(late).toHaveLength(1);
    expect(late[0]![0].map((e) => e.seq)).toEqual([3]);
    expect(late[0]![1]).toEqual([JSON.stringify(late[0]![0][0])]);
  });

  it('builds the same batch message text as JSON.stringify of the message', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.boolean(), fc.nat(5), (events, reset, dropped) => {
        const text = batchMessageJson(reset, events.map((event) => JSON.stringify(event)), dropped);
        const message = { type: 'batch', reset, events, ...(dropped > 0 ? { dropped } : {}) };
        expect(text).toBe(JSON.stringify(message));
      }),
    );
  });
});
