/**
 * The Toolscope UI as a user finds it: its controls by role and accessible name, and screenshots in light
 * and dark to e2e/artifacts/.
 */
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { repoRoot, type ServeProcess } from './toolscope-serve.js';

export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');

/** Opens the UI of a running `toolscope serve` and waits for its live connection. */
export async function openUi(page: Page, serve: ServeProcess, hash = ''): Promise<void> {
  await page.goto(`${serve.uiUrl}${hash}`);
  await expect(page.getByRole('status', { name: 'Connection open' })).toBeVisible();
}

export function ui(page: Page) {
  const facets = page.getByRole('group', { name: 'Facets' });
  return {
    viewToggle: page.getByRole('radiogroup', { name: 'View' }),
    callsView: page.getByRole('radiogroup', { name: 'View' }).getByRole('radio', { name: 'Calls' }),
    trafficView: page.getByRole('radiogroup', { name: 'View' }).getByRole('radio', { name: 'Traffic' }),
    calls: page.getByRole('listbox', { name: 'Function calls' }),
    traffic: page.getByRole('listbox', { name: 'Traffic' }),
    details: page.getByRole('region', { name: 'Details' }),
    tabs: page.getByRole('region', { name: 'Details' }).getByRole('tablist', { name: 'Detail tabs' }),
    filter: page.getByRole('searchbox', { name: 'Filter' }),
    facets,
    protocol: facets.getByRole('combobox', { name: 'Protocol' }),
    fn: facets.getByRole('combobox', { name: 'Function' }),
    route: facets.getByRole('combobox', { name: 'Route' }),
    statusChips: facets.getByRole('group', { name: 'Status' }),
    /** A status chip by its word (the icon before it is decoration). */
    statusChip: (word: string) => facets.getByRole('group', { name: 'Status' }).getByRole('button', { name: new RegExp(`^(\\S+ )?${word}$`) }),
    onlyProblems: facets.getByRole('checkbox', { name: 'Only problems' }),
    groupByConnection: facets.getByRole('checkbox', { name: 'Group by connection' }),
    hideAudio: facets.getByRole('checkbox', { name: 'Hide audio' }),
    clearFilter: facets.getByRole('button', { name: 'Clear filter' }),
    shown: page.getByRole('status', { name: 'Shown' }),
    pause: page.getByRole('button', { name: 'Pause', exact: true }),
    resume: page.getByRole('button', { name: 'Resume' }),
    held: page.getByRole('status', { name: 'Held while paused' }),
    clear: page.getByRole('button', { name: 'Clear', exact: true }),
  };
}

/**
 * Saves `<name>-light.png` and `<name>-dark.png` of the whole window, then restores the light scheme.
 * Waits for the page's fonts and one animation frame so that a live batch is painted before the shot.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => {
      const raf = (globalThis as unknown as { requestAnimationFrame(callback: () => void): number }).requestAnimationFrame;
      return new Promise<void>((resolve) => raf(() => raf(resolve)));
    });
    await page.screenshot({ path: path.join(artifactsDir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The `<mark>`s inside an element, by their ARIA role `mark` (ARIA 1.3: Chromium exposes it and Playwright
 * matches it, but Playwright's type for roles does not list it yet).
 */
export function marks(within: Locator): Locator {
  return within.getByRole('mark' as Parameters<Locator['getByRole']>[0]);
}

/** The text on the page's clipboard (the context needs the clipboard-read permission). */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
}

/** Scrolls a scrollable element (a list) to its top, as a user dragging its scrollbar would. */
export async function scrollToTop(scrollable: Locator): Promise<void> {
  await scrollable.evaluate((element) => {
    (element as unknown as { scrollTop: number }).scrollTop = 0;
  });
}
