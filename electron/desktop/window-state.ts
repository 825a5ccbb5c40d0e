/**
 * The window's size and position, remembered between launches. What is restored is always reachable: a
 * window saved on a monitor that has since been unplugged, or with its title bar above the screen, comes back
 * centred on a display that exists, because a window the user cannot grab is worse than a forgotten size.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { writeFileAtomically } from './write-file-atomically.js';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rectangle {
  maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
/** Below this the timeline, the details pane and the toolbar no longer fit side by side. */
export const MIN_WINDOW_SIZE = { width: 800, height: 500 } as const;
/** How much of the window, from its top edge down, must be on one display for it to count as on screen. */
export const MIN_VISIBLE = { width: 200, height: 150 } as const;

const windowStateSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
  maximized: z.boolean().default(false),
});

/**
 * `displays` are the work areas (the screen without taskbar, dock and menu bar), the primary display first.
 * The default is centred on the primary one.
 */
export function defaultWindowState(displays: readonly Rectangle[]): WindowState {
  const primary = displays[0];
  if (!primary) return { x: 0, y: 0, ...DEFAULT_WINDOW_SIZE, maximized: false };
  return { ...centredOn(primary, DEFAULT_WINDOW_SIZE), maximized: false };
}

/** The state in the file's text, or null when it is not one (then the caller uses the default). */
export function parseWindowState(text: string): WindowState | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = windowStateSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Whole pixels, at least the minimum size, and on screen (else centred on the display that shows most of it). */
export function fitToDisplays(state: WindowState, displays: readonly Rectangle[]): WindowState {
  const bounds = boundingBox(displays);
  const size = {
    width: clamp(Math.round(state.width), MIN_WINDOW_SIZE.width, Math.max(MIN_WINDOW_SIZE.width, bounds?.width ?? Infinity)),
    height: clamp(Math.round(state.height), MIN_WINDOW_SIZE.height, Math.max(MIN_WINDOW_SIZE.height, bounds?.height ?? Infinity)),
  };
  const window = { x: Math.round(state.x), y: Math.round(state.y), ...size };
  if (displays.length === 0 || displays.some((area) => isReachableOn(window, area))) {
    return { ...window, maximized: state.maximized };
  }
  const target = displayShowingMostOf(window, displays);
  return { ...centredOn(target, size), maximized: state.maximized };
}

/** Reads the state saved by `saveWindowState`; a missing or broken file gives the default. */
export function loadWindowState(file: string, displays: readonly Rectangle[]): WindowState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return defaultWindowState(displays);
  }
  const saved = parseWindowState(text);
  return saved ? fitToDisplays(saved, displays) : defaultWindowState(displays);
}

/** The file's text. Callers compare it with what they wrote last, so moving a window does not rewrite the file needlessly. */
export function serialiseWindowState(state: WindowState): string {
  const { x, y, width, height, maximized } = state;
  return `${JSON.stringify({ x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height), maximized })}\n`;
}

export function saveWindowState(file: string, state: WindowState): void {
  writeFileAtomically(file, serialiseWindowState(state));
}

/**
 * The title bar must be grabbable: the top MIN_VISIBLE.height pixels of the window lie inside this display
 * vertically, and at least MIN_VISIBLE.width of them horizontally (less only when the display itself is smaller).
 */
export function isReachableOn(window: Rectangle, area: Rectangle): boolean {
  const needWidth = Math.min(MIN_VISIBLE.width, area.width, window.width);
  const needHeight = Math.min(MIN_VISIBLE.height, area.height, window.height);
  const overlapWidth = Math.min(window.x + window.width, area.x + area.width) - Math.max(window.x, area.x);
  return overlapWidth >= needWidth && window.y >= area.y && window.y + needHeight <= area.y + area.height;
}

function centredOn(area: Rectangle, size: { width: number; height: number }): Rectangle {
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(size.width, area.width));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(size.height, area.height));
  // A window larger than a small display starts at its top-left corner, so the title bar stays on it.
  return {
    x: area.x + Math.max(0, Math.floor((area.width - width) / 2)),
    y: area.y + Math.max(0, Math.floor((area.height - height) / 2)),
    width,
    height,
  };
}

function displayShowingMostOf(window: Rectangle, displays: readonly Rectangle[]): Rectangle {
  let best = displays[0]!;
  let bestArea = 0;
  for (const area of displays) {
    const overlap = overlapArea(window, area);
    if (overlap > bestArea) {
      best = area;
      bestArea = overlap;
    }
  }
  return best;
}

function overlapArea(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** Spanning all displays is allowed; anything larger is a broken file, not a choice. */
function boundingBox(displays: readonly Rectangle[]): Rectangle | null {
  if (displays.length === 0) return null;
  const left = Math.min(...displays.map((d) => d.x));
  const top = Math.min(...displays.map((d) => d.y));
  const right = Math.max(...displays.map((d) => d.x + d.width));
  const bottom = Math.max(...displays.map((d) => d.y + d.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
