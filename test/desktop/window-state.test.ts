import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_VISIBLE,
  MIN_WINDOW_SIZE,
  defaultWindowState,
  fitToDisplays,
  isReachableOn,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  serialiseWindowState,
  type Rectangle,
  type WindowState,
} from '../../electron/desktop/window-state.js';

/** A 1920×1080 laptop screen with a 40 px taskbar, and a 2560×1440 monitor to its right. */
const laptop: Rectangle = { x: 0, y: 0, width: 1920, height: 1040 };
const monitor: Rectangle = { x: 1920, y: 0, width: 2560, height: 1400 };

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-window-')), 'window-state.json');
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

describe('window state', () => {
  it('defaults to 1280×820 centred on the primary display', () => {
    expect(defaultWindowState([laptop, monitor])).toEqual({ x: 320, y: 110, width: 1280, height: 820, maximized: false });
  });

  it('falls back to the default for a missing, broken or wrong file', () => {
    const file = tempFile();
    expect(loadWindowState(file, [laptop])).toEqual(defaultWindowState([laptop]));
    for (const text of ['{ not json', '[]', '{"x": 1, "y": 2}', '{"x": 0, "y": 0, "width": -5, "height": 600}', '']) {
      fs.writeFileSync(file, text);
      expect(loadWindowState(file, [laptop]), text).toEqual(defaultWindowState([laptop]));
    }
  });

  it('round-trips what it saved', () => {
    const file = tempFile();
    const state: WindowState = { x: 2000, y: 100, width: 1500, height: 900, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file, [laptop, monitor])).toEqual(state);
    expect(parseWindowState(serialiseWindowState(state))).toEqual(state);
  });

  it('reads a file without `maximized` as not maximized', () => {
    expect(parseWindowState('{"x": 10, "y": 20, "width": 900, "height": 600}')).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: false,
    });
  });

  it('brings a window from an unplugged monitor back onto the remaining display', () => {
    const onMonitor: WindowState = { x: 2200, y: 200, width: 1600, height: 1000, maximized: false };
    const fitted = fitToDisplays(onMonitor, [laptop]);
    expect(fitted).toEqual({ x: 160, y: 20, width: 1600, height: 1000, maximized: false });
  });

  it('keeps a window that is partly off screen but still grabbable', () => {
    const hangingOff: WindowState = { x: 1500, y: 300, width: 1280, height: 820, maximized: false };
    expect(fitToDisplays(hangingOff, [laptop])).toEqual(hangingOff);
  });

  it('re-centres a window whose title bar is above the screen', () => {
    const titleBarHidden: WindowState = { x: 100, y: -50, width: 1280, height: 820, maximized: false };
    expect(fitToDisplays(titleBarHidden, [laptop])).toEqual({ ...defaultWindowState([laptop]) });
  });

  it('re-centres a window with too little of it on screen', () => {
    const sliver: WindowState = { x: 1920 - 150, y: 100, width: 1280, height: 820, maximized: true };
    expect(fitToDisplays(sliver, [laptop])).toEqual({ x: 320, y: 110, width: 1280, height: 820, maximized: true });
  });

  it('grows a window below the minimum size, and shrinks one larger than all displays', () => {
    expect(fitToDisplays({ x: 10, y: 10, width: 300, height: 100, maximized: false }, [laptop])).toMatchObject({
      width: MIN_WINDOW_SIZE.width,
      height: MIN_WINDOW_SIZE.height,
    });
    expect(fitToDisplays({ x: 0, y: 0, width: 99_999, height: 99_999, maximized: false }, [laptop, monitor])).toMatchObject({
      width: 4480,
      height: 1400,
    });
  });

  it('rounds to whole pixels', () => {
    expect(fitToDisplays({ x: 10.4, y: 20.6, width: 1000.5, height: 700.2, maximized: false }, [laptop])).toEqual({
      x: 10,
      y: 21,
      width: 1001,
      height: 700,
      maximized: false,
    });
  });

  it('starts a window larger than a small display at its top-left corner', () => {
    const small: Rectangle = { x: 0, y: 0, width: 640, height: 480 };
    expect(defaultWindowState([small])).toEqual({ x: 0, y: 0, width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height, maximized: false });
  });

  it('always yields a window with its top edge and at least 200×150 on some display, at least the minimum size', () => {
    const display = fc.record({
      x: fc.integer({ min: -8000, max: 8000 }),
      y: fc.integer({ min: -8000, max: 8000 }),
      width: fc.integer({ min: 320, max: 7680 }),
      height: fc.integer({ min: 240, max: 4320 }),
    });
    const saved = fc.record({
      x: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      y: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      width: fc.double({ min: 1, max: 1e6, noNaN: true }),
      height: fc.double({ min: 1, max: 1e6, noNaN: true }),
      maximized: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(display, { minLength: 1, maxLength: 4 }), saved, (displays, state) => {
        const fitted = fitToDisplays(state, displays);
        expect(fitted.width).toBeGreaterThanOrEqual(MIN_WINDOW_SIZE.width);
        expect(fitted.height).toBeGreaterThanOrEqual(MIN_WINDOW_SIZE.height);
        expect(Number.isInteger(fitted.x) && Number.isInteger(fitted.y)).toBe(true);
        expect(fitted.maximized).toBe(state.maximized);
        const reachable = displays.filter((area) => isReachableOn(fitted, area));
        expect(reachable.length).toBeGreaterThan(0);
        // Restated without the helper: the visible part is at least 200×150 (or the whole display, if smaller).
        const seen = reachable.some((area) => {
          const visible = overlap(fitted, area);
          return visible.width >= Math.min(MIN_VISIBLE.width, area.width) && visible.height >= Math.min(MIN_VISIBLE.height, area.height);
        });
        expect(seen).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a window that is already reachable where it was', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: laptop.width - MIN_VISIBLE.width }),
        fc.integer({ min: 0, max: laptop.height - MIN_VISIBLE.height }),
        (x, y) => {
          const state: WindowState = { x, y, ...DEFAULT_WINDOW_SIZE, maximized: false };
          expect(fitToDisplays(state, [laptop])).toEqual(state);
        },
      ),
    );
  });
});
