/**
 * The UI's own memory bound for the live session. The core keeps at most its retention limits of events in
 * memory, but a UI that stays connected folds every event it is sent: after hours of Realtime audio a tab
 * would hold gigabytes. When what the UI received since its last snapshot passes the core's limits by half,
 * the UI asks for a fresh snapshot, which the core bounds, and says the earlier events are only in the file.
 */
import type { RetentionLimits } from '../bridge.js';
import type { LogEvent } from '../events.js';
import { estimateEventBytes } from '../event-size.js';

/** How far past the core's limits the UI may grow before it takes a new snapshot. */
export const LIVE_SLACK = 1.5;

export class LiveBudget {
  private bytes = 0;
  private events = 0;

  constructor(private readonly limits: RetentionLimits) {}

  /** A snapshot replaced what the UI holds: counting starts again from it. */
  reset(): void {
    this.bytes = 0;
    this.events = 0;
  }

  /** Counts a batch; true once the UI holds more than the core's limits allow, with the slack. */
  add(events: readonly LogEvent[]): boolean {
    for (const event of events) this.bytes += estimateEventBytes(event);
    this.events += events.length;
    return this.bytes > this.limits.maxBytes * LIVE_SLACK || this.events > this.limits.maxEvents * LIVE_SLACK;
  }
}
