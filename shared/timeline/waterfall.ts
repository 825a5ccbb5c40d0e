/**
 * The waterfall's shared time axis: every call's bar is placed on one axis that spans the calls shown, so a
 * slow tool is a long bar next to short ones. Pending calls run to `now` (the log's latest time).
 */
import type { FunctionCall } from '../analysis/model.js';

export interface TimeSpan {
  t0: number;
  t1: number;
}

export function waterfallSpan(calls: readonly FunctionCall[], now: number): TimeSpan | null {
  if (calls.length === 0) return null;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const call of calls) {
    if (call.startT < t0) t0 = call.startT;
    const end = call.endT ?? Math.max(now, call.startT);
    if (end > t1) t1 = end;
  }
  // A single instant still gets a visible axis.
  if (t1 - t0 < 1) t1 = t0 + 1;
  return { t0, t1 };
}

/** Left offset and width as fractions of the axis (0..1); width never below `minWidth` so a bar stays visible. */
export function barOf(call: FunctionCall, span: TimeSpan, now: number, minWidth = 0.004): { left: number; width: number } {
  const length = span.t1 - span.t0;
  const left = Math.min(1, Math.max(0, (call.startT - span.t0) / length));
  const end = call.endT ?? Math.max(now, call.startT);
  const width = Math.max(minWidth, (end - call.startT) / length);
  return { left: Math.min(left, 1 - minWidth), width: Math.min(width, 1 - Math.min(left, 1 - minWidth)) };
}
