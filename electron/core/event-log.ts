/**
 * The authoritative, append-only event log of one session. Producers (proxy listeners) append facts; the
 * log stamps each with a sequence number and a high-resolution time, hands it synchronously to its sinks
 * (the session file writer, which must see events in order and immediately), and notifies subscribers in
 * batches on the next turn of the event loop, so the proxy's hot path never waits for the UI.
 */
import { performance } from 'node:perf_hooks';
import type { LogEvent, NewEvent } from '../../shared/events.js';

export type EventSink = (event: LogEvent) => void;
export type BatchListener = (events: readonly LogEvent[]) => void;

interface Subscription {
  onSnapshot: BatchListener;
  listener: BatchListener;
  /** Events up to this sequence number were in the snapshot; a flush must not deliver them again. */
  skipUntilSeq: number;
}

export class EventLog {
  private events: LogEvent[] = [];
  private readonly sinks = new Set<EventSink>();
  private readonly subscriptions = new Set<Subscription>();
  private pending: LogEvent[] = [];
  private flushScheduled = false;
  private seq = 0;

  append(partial: NewEvent): LogEvent {
    const event = { ...partial, seq: ++this.seq, t: now() } as LogEvent;
    this.events.push(event);
    for (const sink of this.sinks) sink(event);
    if (this.subscriptions.size > 0) {
      this.pending.push(event);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    }
    return event;
  }

  /** Everything so far. Callers must not modify it. */
  all(): readonly LogEvent[] {
    return this.events;
  }

  get size(): number {
    return this.events.length;
  }

  addSink(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /**
   * Calls `onSnapshot` with everything so far, then `listener` with each later batch. Both happen in order:
   * no event is delivered twice or skipped, whatever arrives in between.
   */
  subscribe(onSnapshot: BatchListener, listener: BatchListener): () => void {
    // Events already waiting for the next flush are part of the snapshot; the flush only reaches listeners
    // that subscribed before those events arrived.
    const subscription: Subscription = { onSnapshot, listener, skipUntilSeq: this.seq };
    onSnapshot(this.events.slice());
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  /**
   * Starts a new log (New session): numbering starts at 1 again, the sinks see `initial` as the first events,
   * and every subscriber gets the new log as a fresh snapshot, which tells it to drop what it holds.
   */
  reset(initial: readonly NewEvent[]): void {
    this.events = [];
    this.pending = [];
    this.seq = 0;
    for (const partial of initial) {
      const event = { ...partial, seq: ++this.seq, t: now() } as LogEvent;
      this.events.push(event);
      for (const sink of this.sinks) sink(event);
    }
    for (const subscription of this.subscriptions) {
      subscription.skipUntilSeq = this.seq;
      try {
        subscription.onSnapshot(this.events.slice());
      } catch {
        // As in flush: one broken subscriber must not stop the others.
      }
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    for (const subscription of this.subscriptions) {
      const skip = subscription.skipUntilSeq;
      const fresh = batch[0]!.seq <= skip ? batch.filter((e) => e.seq > skip) : batch;
      if (fresh.length === 0) continue;
      try {
        subscription.listener(fresh);
      } catch {
        // A failing subscriber (a UI socket that went away) must not stop the others or the proxy.
      }
    }
  }
}

/** Epoch milliseconds with sub-millisecond resolution, monotonic within the process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
