/**
 * The live list: it follows the newest call until the user scrolls up; then a pill counts the calls that
 * arrived and jumps back to them. Pause holds new traffic back (and says how much), Resume shows it, Clear
 * empties the list and later calls appear.
 */
import { expect, test } from '@playwright/test';
import { callWebhook } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { openUi, screenshots, scrollToTop, ui } from './support/ui.js';

const env = proxiedToolBackend();

/** Calls `lookup_<from>` … `lookup_<to>`, ten at a time (the batches one after the other). */
async function lookups(from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 10) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i <= Math.min(to, start + 9); i++) batch.push(callWebhook(env.serve.routes[0]!, '/lookup', { name: `lookup_${i}`, id: `id_${i}`, args: { i } }));
    await Promise.all(batch);
  }
}

test('the "N new" pill, pause and resume, and clear', async ({ page }) => {
  const { calls, shown, pause, resume, held, clear } = ui(page);
  const call = (i: number) => calls.getByRole('option', { name: new RegExp(`^Call lookup_${i} `) });
  const pill = page.getByRole('button', { name: /new, jump to newest$|^Jump to newest$/ });
  await openUi(page, env.serve);

  // The newest calls are at the bottom, and the list follows them.
  await lookups(1, 60);
  await expect(shown).toHaveText('60 calls');
  await expect(call(60)).toBeInViewport();
  await expect(pill).toHaveCount(0);

  // Scrolled to the top, new calls do not move the view: a pill counts them.
  await scrollToTop(calls);
  await expect(call(1)).toBeInViewport();
  await lookups(61, 63);
  await expect(shown).toHaveText('63 calls');
  await expect(page.getByRole('button', { name: '3 new, jump to newest' })).toBeVisible();
  await expect(call(1)).toBeInViewport();
  await expect(call(63)).not.toBeInViewport();
  await screenshots(page, 'live-new-pill');
  await page.getByRole('button', { name: '3 new, jump to newest' }).click();
  await expect(call(63)).toBeInViewport();
  await expect(pill).toHaveCount(0);
  // Back at the bottom, the list follows again.
  await lookups(64, 64);
  await expect(call(64)).toBeInViewport();
  await expect(call(64)).toHaveAccessibleName(/^Call lookup_64 ok /);
  await expect(pill).toHaveCount(0);

  // Pause holds new traffic back and says how much; Resume shows it.
  await pause.click();
  await expect(resume).toHaveAttribute('aria-pressed', 'true');
  await expect(held).toHaveText(/^\d+ held$/);
  await lookups(65, 66);
  // Held counts events: each exchange is at least its request and its response.
  await expect.poll(async () => Number(/^(\d+) held$/.exec((await held.textContent()) ?? '')?.[1] ?? 0)).toBeGreaterThanOrEqual(4);
  await expect(shown).toHaveText('64 calls');
  await expect(call(65)).toHaveCount(0);
  await screenshots(page, 'live-paused');
  await resume.click();
  await expect(pause).toHaveAttribute('aria-pressed', 'false');
  await expect(held).toHaveCount(0);
  await expect(shown).toHaveText('66 calls');
  await expect(call(66)).toBeInViewport();

  // Clear empties the list; calls made afterwards appear.
  await clear.click();
  await expect(shown).toHaveText('0 calls');
  await expect(calls.getByRole('option')).toHaveCount(0);
  await screenshots(page, 'live-cleared');
  await lookups(67, 68);
  await expect(shown).toHaveText('2 calls');
  await expect(calls.getByRole('option')).toHaveCount(2);
  await expect(call(67)).toBeVisible();
  await expect(call(68)).toBeVisible();
});

// Regression (was a bug in renderer/src/ui/no-calls-note.tsx): after "Clear", the calls view says "No function calls yet in
// 2 HTTP exchanges and 0 WebSocket connections": it counts the cleared exchanges (traffic.exchanges.size
// ignores the clear mark) and claims they carried no calls, when each carried one. After a clear, no note
// may describe cleared traffic.
test('after Clear, the calls view does not describe the cleared traffic', async ({ page }) => {
  const { calls, shown, clear } = ui(page);
  await openUi(page, env.serve);
  await lookups(1, 2);
  await expect(shown).toHaveText('2 calls');
  await clear.click();
  await expect(calls.getByRole('option')).toHaveCount(0);
  await expect(page.getByRole('note').filter({ hasText: /HTTP exchange/ })).toHaveCount(0, { timeout: 2000 });
});
