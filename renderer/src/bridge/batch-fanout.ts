/**
 * Hands event batches to any number of subscribers over one upstream subscription. It remembers the events
 * since the last reset, so a subscriber that arrives late still starts with a complete snapshot, as the
 * `ToolscopeBridge.subscribe` contract promises.
 */
import type { EventBatch } from '../../../shared/bridge.js';
import type { LogEvent } from '../../../shared/events.js';

export class BatchFanout {
  private readonly subscribers = new Set<(batch: EventBatch) => void>();
  /** Null until the first snapshot arrives. */
  private received: LogEvent[] | null = null;
  /** The `dropped` of the last snapshot: earlier events the core no longer holds. */
  private dropped = 0;

  publish(batch: EventBatch): void {
    // A first batch without `reset` (it should not happen) still starts the subscribers from scratch.
    const reset = batch.reset || this.received === null;
    if (reset) {
      this.received = batch.events.slice();
      this.dropped = batch.dropped ?? 0;
    } else for (const event of batch.events) this.received!.push(event);
    const delivered = reset === batch.reset ? batch : { reset, events: batch.events, dropped: this.dropped };
    for (const subscriber of this.subscribers) {
      try {
        subscriber(delivered);
      } catch (error) {
        // One broken view must not stop the others from getting events.
        console.error('toolscope: a batch subscriber failed', error);
      }
    }
  }

  subscribe(onBatch: (batch: EventBatch) => void): () => void {
    this.subscribers.add(onBatch);
    if (this.received !== null) onBatch({ reset: true, events: this.received.slice(), ...(this.dropped > 0 ? { dropped: this.dropped } : {}) });
    return () => {
      this.subscribers.delete(onBatch);
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
