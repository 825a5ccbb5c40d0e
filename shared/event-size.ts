/**
 * The one estimate of an event's size in memory, shared by the core's retention budget (electron/core/event-log.ts)
 * and the UI's (shared/store/live-budget.ts), so the UI's "one and a half times what the core keeps" compares like
 * with like.
 */
import type { LogEvent } from './events.js';

/**
 * What an event costs in memory, roughly: its strings by length (V8 stores ASCII and Latin-1 text one byte per
 * character; other text takes twice this), plus a fixed cost per object, array, property and number. Cheap
 * enough for every append: events are small objects whose bulk is in one or two strings.
 */
export function estimateEventBytes(event: LogEvent): number {
  return valueBytes(event, 0);
}

function valueBytes(value: unknown, depth: number): number {
  if (typeof value === 'string') return 16 + value.length;
  if (typeof value !== 'object' || value === null) return 8;
  if (depth > 8) return 64;
  let total = 32;
  if (Array.isArray(value)) {
    for (const item of value) total += 8 + valueBytes(item, depth + 1);
  } else {
    for (const key in value) total += 16 + valueBytes((value as Record<string, unknown>)[key], depth + 1);
  }
  return total;
}
