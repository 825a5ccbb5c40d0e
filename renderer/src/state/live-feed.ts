/**
 * Connects the bridge's pushed batches to the traffic store. Batches can arrive hundreds of times a second
 * (the core flushes on every turn of its event loop); they are coalesced and folded at most once per frame,
 * because each fold copies the row list and each store change wakes the subscribed components.
 */
import type { EventBatch, ToolscopeBridge } from '../../../shared/bridge.js';
import type { LogEvent } from '../../../shared/events.js';
import { analysisOptionsFrom } from '../../../shared/config/toolscope-config.js';
import { LiveBudget } from '../../../shared/store/live-budget.js';
import { configureAnalysis, useTrafficStore } from './traffic-store.js';
import { useTimelineStore } from './timeline-store.js';
import { create } from 'zustand';

/**
 * How many of the live session's earlier events the core no longer keeps in memory (its retention limit): the
 * UI shows the rest and says these are only in the session file.
 */
export const useLiveRetention = create<{ dropped: number }>(() => ({ dropped: 0 }));

/** Background tabs get no animation frames; this bounds how long events wait there. */
const MAX_WAIT_MS = 250;

export function startLiveFeed(bridge: ToolscopeBridge): () => void {
  let pendingReset = false;
  let pendingDropped = 0;
  let pending: LogEvent[] = [];
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
    // Paused: keep everything for later (a snapshot too), so resuming shows exactly what a live view would have.
    if (useTimelineStore.getState().paused) {
      useTimelineStore.setState({ held: pending.length });
      return;
    }
    const reset = pendingReset;
    const events = pending;
    pendingReset = false;
    pending = [];
    // A core that restarted numbers its events from 1 again: a clear mark from before would hide them all.
    const lastSeq = events.length > 0 ? events[events.length - 1]!.seq : 0;
    if (reset && lastSeq < useTimelineStore.getState().clearedAfterSeq) useTimelineStore.setState({ clearedAfterSeq: 0 });
    if (reset && useLiveRetention.getState().dropped !== pendingDropped) useLiveRetention.setState({ dropped: pendingDropped });
    if (reset || events.length > 0) useTrafficStore.getState().apply(reset, events);
  };

  // Set once the core says how much it keeps; a core that does not say leaves the UI unbounded, as before.
  let budget: LiveBudget | null = null;
  /** A fresh snapshot was asked for and has not come yet: no second request meanwhile. */
  let awaitingSnapshot = false;

  const onBatch = (batch: EventBatch) => {
    if (batch.reset) {
      pendingReset = true;
      pendingDropped = batch.dropped ?? 0;
      pending = batch.events.slice();
      budget?.reset();
      budget?.add(batch.events);
      awaitingSnapshot = false;
    } else {
      for (const event of batch.events) pending.push(event);
      // Past the budget, a fresh snapshot from the core (bounded by its limits) replaces what this UI holds;
      // the banner then says how many earlier events are only in the session file.
      if (budget?.add(batch.events) && !awaitingSnapshot) {
        awaitingSnapshot = true;
        bridge.resnapshot();
      }
    }
    if (frame === null) frame = requestAnimationFrame(flush);
    if (timer === null) timer = setTimeout(flush, MAX_WAIT_MS);
  };

  // The analysis must use the core's config (latency budget, bot config, tools) before the first event is
  // folded; if the core cannot be asked, the defaults apply and the feed starts anyway.
  const stopWatchingPause = useTimelineStore.subscribe((s, before) => {
    if (before.paused && !s.paused) {
      useTimelineStore.setState({ held: 0 });
      flush();
    }
  });
  let unsubscribe: (() => void) | null = null;
  let stopped = false;
  const start = () => {
    if (!stopped) unsubscribe = bridge.subscribe(onBatch);
  };
  bridge.call('info', {}).then(
    (info) => {
      if (info.config) configureAnalysis(analysisOptionsFrom(info.config));
      if (info.retention) budget = new LiveBudget(info.retention);
      start();
    },
    () => start(),
  );
  return () => {
    stopped = true;
    unsubscribe?.();
    stopWatchingPause();
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
  };
}
