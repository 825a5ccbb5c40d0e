/**
 * The waterfall's shared time axis: it spans from the first start to the last end, pending calls running to
 * `now`; every bar lies within [0, 1] with at least the minimum width; a single instant still gets an axis.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunctionCall } from '../../shared/analysis/model.js';
import { barOf, waterfallSpan } from '../../shared/timeline/waterfall.js';
import { foldAll, mixedSession } from './timeline-support.js';

const { traffic, analysis } = foldAll(mixedSession().events);
const base = analysis.calls.get('x1/call_order')!;

/** A call with the given times (the rest taken from a real call). */
const timed = (startT: number, endT: number | null): FunctionCall => ({ ...base, startT, endT, status: endT === null ? 'pending' : 'ok' });

const EPS = 1e-9;

/** Bars are fractions: equal up to floating-point rounding (1 - (1 - w) is not always exactly w). */
function expectBar(bar: { left: number; width: number }, expected: { left: number; width: number }): void {
  expect(bar.left).toBeCloseTo(expected.left, 12);
  expect(bar.width).toBeCloseTo(expected.width, 12);
}

describe('waterfallSpan', () => {
  it('is null without calls', () => {
    expect(waterfallSpan([], 1_000)).toBeNull();
  });

  it('spans from the earliest start to the latest end', () => {
    expect(waterfallSpan([timed(100, 150), timed(50, 80), timed(120, 400)], 0)).toEqual({ t0: 50, t1: 400 });
  });

  it('runs pending calls to now', () => {
    expect(waterfallSpan([timed(100, 150), timed(120, null)], 900)).toEqual({ t0: 100, t1: 900 });
    // An answered call that ends after now still sets the end.
    expect(waterfallSpan([timed(100, 1_500), timed(120, null)], 900)).toEqual({ t0: 100, t1: 1_500 });
  });

  it('never lets a pending call end before it started (now behind its start)', () => {
    expect(waterfallSpan([timed(100, 120), timed(500, null)], 200)).toEqual({ t0: 100, t1: 500 });
  });

  it('gives a single instant an axis of 1 ms', () => {
    expect(waterfallSpan([timed(300, 300)], 0)).toEqual({ t0: 300, t1: 301 });
    expect(waterfallSpan([timed(300, null)], 300)).toEqual({ t0: 300, t1: 301 });
    expect(waterfallSpan([timed(300, 300.4), timed(300.2, 300.5)], 0)).toEqual({ t0: 300, t1: 301 });
    // 1 ms or more is kept as it is.
    expect(waterfallSpan([timed(300, 301)], 0)).toEqual({ t0: 300, t1: 301 });
    expect(waterfallSpan([timed(300, 302.5)], 0)).toEqual({ t0: 300, t1: 302.5 });
  });

  it('spans the calls of a real session, pending ones to the log\'s last time', () => {
    const calls = [...analysis.calls.values()];
    const now = traffic.lastT!;
    expect(waterfallSpan(calls, now)).toEqual({ t0: Math.min(...calls.map((c) => c.startT)), t1: now });
    expect(waterfallSpan(calls, now)).toEqual({ t0: 1_000, t1: 3_230 });
    const answered = calls.filter((c) => c.endT !== null);
    expect(waterfallSpan(answered, now)).toEqual({ t0: 1_000, t1: Math.max(...answered.map((c) => c.endT!)) });
  });
});

describe('barOf', () => {
  const span = { t0: 1_000, t1: 2_000 };

  it('places a bar by its start and length on the axis', () => {
    expect(barOf(timed(1_000, 1_500), span, 0)).toEqual({ left: 0, width: 0.5 });
    expect(barOf(timed(1_250, 1_750), span, 0)).toEqual({ left: 0.25, width: 0.5 });
    expect(barOf(timed(1_000, 2_000), span, 0)).toEqual({ left: 0, width: 1 });
  });

  it('runs a pending bar to now', () => {
    expect(barOf(timed(1_500, null), span, 1_750)).toEqual({ left: 0.5, width: 0.25 });
    expect(barOf(timed(1_500, null), span, 2_000)).toEqual({ left: 0.5, width: 0.5 });
  });

  it('gives a zero-length or negative-length bar the minimum width', () => {
    expect(barOf(timed(1_500, 1_500), span, 0)).toEqual({ left: 0.5, width: 0.004 });
    expect(barOf(timed(1_500, 1_400), span, 0)).toEqual({ left: 0.5, width: 0.004 });
    expect(barOf(timed(1_500, null), span, 1_000)).toEqual({ left: 0.5, width: 0.004 });
    expect(barOf(timed(1_500, 1_501), span, 0, 0.05)).toEqual({ left: 0.5, width: 0.05 });
  });

  it('keeps a bar at the very end visible inside the axis', () => {
    expectBar(barOf(timed(2_000, 2_000), span, 0), { left: 1 - 0.004, width: 0.004 });
    expectBar(barOf(timed(2_000, null), span, 2_000, 0.1), { left: 0.9, width: 0.1 });
  });

  it('clamps a bar outside the axis into it', () => {
    // Started before the axis (a span computed from other calls).
    expect(barOf(timed(500, 1_500), span, 0)).toEqual({ left: 0, width: 1 });
    // Ends after the axis.
    expectBar(barOf(timed(1_800, 3_000), span, 0), { left: 0.8, width: 0.2 });
    // Entirely after it.
    expectBar(barOf(timed(5_000, 6_000), span, 0), { left: 1 - 0.004, width: 0.004 });
  });

  it('keeps every bar within [0, 1], at least minWidth wide, for any calls and now', () => {
    const time = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });
    const call = fc.tuple(time, fc.option(fc.double({ min: -1e4, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: null }));
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 20 }), time, fc.double({ min: 0, max: 0.5, noNaN: true }), (raw, now, minWidth) => {
        const calls = raw.map(([start, length]) => timed(start, length === null ? null : start + length));
        const span = waterfallSpan(calls, now)!;
        // 1 ms at least, up to rounding of t0 + 1 at large times.
        expect(span.t1 - span.t0).toBeGreaterThanOrEqual(1 - 1e-6);
        for (const c of calls) {
          expect(c.startT).toBeGreaterThanOrEqual(span.t0);
          expect(c.endT ?? Math.max(now, c.startT)).toBeLessThanOrEqual(span.t1);
          const bar = barOf(c, span, now, minWidth);
          expect(bar.left).toBeGreaterThanOrEqual(0);
          expect(bar.left).toBeLessThanOrEqual(1);
          expect(bar.width).toBeGreaterThanOrEqual(minWidth - EPS);
          expect(bar.width).toBeLessThanOrEqual(1);
          expect(bar.left + bar.width).toBeLessThanOrEqual(1 + EPS);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('draws the earliest call from 0 and the call that ends last up to 1', () => {
    const calls = [...analysis.calls.values()];
    const now = traffic.lastT!;
    const span = waterfallSpan(calls, now)!;
    const first = barOf(analysis.calls.get('x1/call_order')!, span, now);
    expect(first.left).toBe(0);
    expect(first.width).toBeCloseTo(40 / 2_230, 12);
    const pending = barOf(analysis.calls.get('w1/call_b')!, span, now);
    expect(pending.left).toBeCloseTo((3_220 - 1_000) / 2_230, 12);
    expect(pending.left + pending.width).toBeCloseTo(1, 12);
    // A call that started at the last instant is still drawn with the minimum width.
    expectBar(barOf(analysis.calls.get('w2/call_c')!, span, now), { left: 1 - 0.004, width: 0.004 });
  });
});
