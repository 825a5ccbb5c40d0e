/**
 * The authoritative, append-only event log of one session. Producers (proxy listeners) append facts; the
 * log stamps each with a sequence number and a high-resolution time, hands it synchronously to its sinks
 * (the session file writer, which must see events in order and immediately), and notifies subscribers in
 * batches on the next turn of the event loop, so the proxy's hot path never waits for the UI.
 *
 * Memory: the sinks get every event, but the log keeps in memory only the most recent ones, within a budget
 * of estimated bytes and a count (`RetentionLimits`). Past either limit it drops the oldest events down to
 * three quarters of the limits (so dropping happens in chunks, not on every append); a UI that subscribes
 * later gets the retained window and the number of earlier events, which are only in the session file.
 * Anchors are kept while what they open is still open (see `anchorOf`): a route's `route.up` while it is up,
 * a connection's `ws.open` until its close, an exchange's request and response heads and request body until it
 * ends. Without them the retained frames and SSE events of a long Realtime session or stream would belong to
 * nothing a late UI knows. They come first in a snapshot (their seq is older than the rest), in seq order.
 */
import { performance } from 'node:perf_hooks';
import type { LogEvent, NewEvent } from '../../shared/events.js';
import { serializeEvent } from '../../shared/session-format.js';
import type { RetentionLimits } from '../../shared/bridge.js';
import { estimateEventBytes } from '../../shared/event-size.js';

export type { RetentionLimits };

/** `json` is the event as one line of JSON, made once per event for every sink and subscriber. */
export type EventSink = (event: LogEvent, json: string) => void;
/** `jsons[i]` is `events[i]` as JSON (the same text the session file gets), so a bridge need not serialise again. */
export type BatchListener = (events: readonly LogEvent[], jsons: readonly string[]) => void;
export type DropListener = (events: readonly LogEvent[]) => void;
/** `dropped`: events of this session before the snapshot's first one, no longer held in memory. */
export type SnapshotListener = (events: readonly LogEvent[], info: { dropped: number }) => void;

export const DEFAULT_RETAINED_BYTES = 256 * 1024 * 1024;
export const DEFAULT_RETAINED_EVENTS = 1_000_000;
/** Dropping stops at this share of the limits, so a full log drops a chunk once in a while, not an event per append. */
const LOW_WATER = 0.75;

interface Subscription {
  onSnapshot: SnapshotListener;
  listener: BatchListener;
  /** Events up to this sequence number were in the snapshot; a flush must not deliver them again. */
  skipUntilSeq: number;
}

export class EventLog {
  /** Retained events are `parked`, then `events[head..]`; `head` is 0 except while a chunk is being dropped. */
  private events: LogEvent[] = [];
  private sizes: number[] = [];
  private head = 0;
  /** Anchors older than the retained run, kept because what they open is still open; in seq order. */
  private parked: LogEvent[] = [];
  /** Anchors by what they open (`route:r1`, `ws:c3`, `http:x7`), wherever they are. */
  private readonly anchors = new Map<string, LogEvent[]>();
  private readonly pinned = new Set<LogEvent>();
  private readonly parkedSet = new Set<LogEvent>();
  private bytes = 0;
  private droppedCount = 0;
  private readonly limits: RetentionLimits;
  private readonly sinks = new Set<EventSink>();
  private readonly dropListeners = new Set<DropListener>();
  private readonly subscriptions = new Set<Subscription>();
  private pending: LogEvent[] = [];
  private pendingJson: string[] = [];
  private flushScheduled = false;
  private seq = 0;

  constructor(limits: Partial<RetentionLimits> = {}) {
    this.limits = {
      maxBytes: positiveOr(limits.maxBytes, DEFAULT_RETAINED_BYTES),
      maxEvents: positiveOr(limits.maxEvents, DEFAULT_RETAINED_EVENTS),
    };
  }

  /**
   * Stamps `partial` in place and keeps it: the caller hands the object over. (A copy by spread cost about
   * 2 µs per event, as each event kind has its own shape: a quarter of what capture cost a webhook call.)
   */
  append(partial: NewEvent): LogEvent {
    const event = partial as Stamped;
    event.seq = ++this.seq;
    event.t = now();
    this.retain(event);
    this.trackAnchor(event);
    // Serialised once here for the session file and every UI: JSON.stringify was a fifth of the proxy thread's
    // time per WebSocket frame, and it ran once for the file and again for each bridge batch.
    const json = this.sinks.size > 0 || this.subscriptions.size > 0 ? serializeEvent(event) : '';
    for (const sink of this.sinks) sink(event, json);
    if (this.subscriptions.size > 0) {
      this.pending.push(event);
      this.pendingJson.push(json);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    }
    this.enforceLimits();
    return event;
  }

  /** The retained events, oldest first (everything, until the limits are reached). Callers must not modify it. */
  all(): readonly LogEvent[] {
    this.compact();
    return this.parked.length === 0 ? this.events : [...this.parked, ...this.events];
  }

  /** How many events are held in memory. */
  get size(): number {
    return this.parked.length + this.events.length - this.head;
  }

  /** How many events this session has had (retained or not): the last sequence number. */
  get appended(): number {
    return this.seq;
  }

  /** How many of this session's events were dropped from memory (the oldest ones; the sinks had them all). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Estimated bytes of the retained events. */
  get retainedBytes(): number {
    return this.bytes;
  }

  get retention(): Readonly<RetentionLimits> {
    return this.limits;
  }

  addSink(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Called synchronously with each chunk of events dropped from memory, oldest first. */
  onDrop(listener: DropListener): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /**
   * Calls `onSnapshot` with the retained events (and how many earlier ones were dropped), then `listener` with
   * each later batch. Both happen in order: no event after the snapshot's first is delivered twice or skipped,
   * whatever arrives or is dropped in between.
   */
  subscribe(onSnapshot: SnapshotListener, listener: BatchListener): () => void {
    // Events already waiting for the next flush are part of the snapshot; the flush only reaches listeners
    // that subscribed before those events arrived.
    const subscription: Subscription = { onSnapshot, listener, skipUntilSeq: this.seq };
    onSnapshot([...this.parked, ...this.events.slice(this.head)], { dropped: this.droppedCount });
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  /**
   * Starts a new log (New session): numbering starts at 1 again, the sinks see `initial` as the first events,
   * and every subscriber gets the new log as a fresh snapshot, which tells it to drop what it holds.
   */
  reset(initial: readonly NewEvent[]): void {
    this.events = [];
    this.sizes = [];
    this.head = 0;
    this.bytes = 0;
    this.droppedCount = 0;
    this.parked = [];
    this.anchors.clear();
    this.pinned.clear();
    this.parkedSet.clear();
    this.pending = [];
    this.pendingJson = [];
    this.seq = 0;
    for (const partial of initial) {
      const event = { ...partial, seq: ++this.seq, t: now() } as LogEvent;
      this.retain(event);
      this.trackAnchor(event);
      const json = serializeEvent(event);
      for (const sink of this.sinks) sink(event, json);
    }
    for (const subscription of this.subscriptions) {
      subscription.skipUntilSeq = this.seq;
      try {
        subscription.onSnapshot(this.events.slice(this.head), { dropped: 0 });
      } catch {
        // As in flush: one broken subscriber must not stop the others.
      }
    }
  }

  private trackAnchor(event: LogEvent): void {
    const anchor = anchorOf(event);
    if (!anchor) return;
    if (anchor.action === 'close' || anchor.action === 'replace') this.unpin(anchor.key);
    if (anchor.action === 'close') return;
    const list = this.anchors.get(anchor.key);
    if (list) list.push(event);
    else this.anchors.set(anchor.key, [event]);
    this.pinned.add(event);
  }

  /** What `key` opened is closed: its anchors may go; those already parked go now. */
  private unpin(key: string): void {
    const list = this.anchors.get(key);
    if (!list) return;
    this.anchors.delete(key);
    const gone: LogEvent[] = [];
    for (const event of list) {
      this.pinned.delete(event);
      if (this.parkedSet.delete(event)) gone.push(event);
    }
    if (gone.length === 0) return;
    const leaving = new Set(gone);
    this.parked = this.parked.filter((event) => !leaving.has(event));
    for (const event of gone) this.bytes -= estimateEventBytes(event);
    this.droppedCount += gone.length;
    this.notifyDropped(gone);
  }

  private notifyDropped(chunk: readonly LogEvent[]): void {
    for (const listener of this.dropListeners) {
      try {
        listener(chunk);
      } catch {
        // Counting dropped events is bookkeeping; it must never stop an append.
      }
    }
  }

  private retain(event: LogEvent): void {
    const size = estimateEventBytes(event);
    this.events.push(event);
    this.sizes.push(size);
    this.bytes += size;
  }

  private enforceLimits(): void {
    const { maxBytes, maxEvents } = this.limits;
    if (this.bytes <= maxBytes && this.size <= maxEvents) return;
    const lowBytes = maxBytes * LOW_WATER;
    const lowEvents = Math.floor(maxEvents * LOW_WATER);
    const dropped: LogEvent[] = [];
    // The newest event always stays, even when it alone is over the budget. Anchors move to `parked`: they stay
    // in memory (and in the budget) but leave the run that is dropped from.
    while (this.events.length - this.head > 1 && (this.bytes > lowBytes || this.size > lowEvents)) {
      const event = this.events[this.head]!;
      if (this.pinned.has(event)) {
        this.parked.push(event);
        this.parkedSet.add(event);
      } else {
        this.bytes -= this.sizes[this.head]!;
        dropped.push(event);
      }
      this.head++;
    }
    this.droppedCount += dropped.length;
    if (this.dropListeners.size > 0 && dropped.length > 0) this.notifyDropped(dropped);
    this.compact();
  }

  /** Cuts the dropped prefix off the arrays: a chunk is at least a quarter of the log, so this is amortised O(1). */
  private compact(): void {
    if (this.head === 0) return;
    this.events = this.events.slice(this.head);
    this.sizes = this.sizes.slice(this.head);
    this.head = 0;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    const jsons = this.pendingJson;
    this.pending = [];
    this.pendingJson = [];
    if (batch.length === 0) return;
    for (const subscription of this.subscriptions) {
      const skip = subscription.skipUntilSeq;
      // Sequence numbers rise through a batch: what the snapshot already had is a prefix.
      let from = 0;
      while (from < batch.length && batch[from]!.seq <= skip) from++;
      if (from === batch.length) continue;
      try {
        if (from === 0) subscription.listener(batch, jsons);
        else subscription.listener(batch.slice(from), jsons.slice(from));
      } catch {
        // A failing subscriber (a UI socket that went away) must not stop the others or the proxy.
      }
    }
  }
}

/**
 * Events that later events depend on, by what they open: `open` pins the event under `key` until an event
 * with `close` for the same key arrives; `replace` closes the key's earlier anchors and pins this one.
 */
export function anchorOf(event: LogEvent): { key: string; action: 'open' | 'close' | 'replace' } | null {
  switch (event.kind) {
    case 'route.up':
      return { key: `route:${event.routeId}`, action: 'replace' };
    case 'route.down':
      return { key: `route:${event.routeId}`, action: 'close' };
    case 'ws.open':
      return { key: `ws:${event.connectionId}`, action: 'open' };
    case 'ws.close':
    case 'ws.upgrade-failed':
      return { key: `ws:${event.connectionId}`, action: 'close' };
    case 'http.request':
    case 'http.request.body':
    case 'http.response':
      return { key: `http:${event.exchangeId}`, action: 'open' };
    case 'http.response.body':
    case 'http.error':
    case 'http.aborted':
      return { key: `http:${event.exchangeId}`, action: 'close' };
    default:
      return null;
  }
}

/** A new event while it is being stamped: `seq` and `t` are written onto the caller's object. */
type Stamped = NewEvent & { seq: number; t: number };

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Epoch milliseconds with sub-millisecond resolution, monotonic within the process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
