/**
 * The calls list by keyboard alone: j/k and the arrows move the selection, Home/End jump, Enter opens the
 * details, Esc closes them and the list keeps its selection, "/" goes to the filter and Esc comes back.
 */
import { expect, test } from '@playwright/test';
import { callWebhook, startToolBackend, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, ui } from './support/ui.js';

let backend: ToolBackend;
let serve: ServeProcess;
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

test.beforeEach(async () => {
  backend = await startToolBackend();
  serve = await startServe([backend.url]);
  for (const [i, name] of NAMES.entries()) await callWebhook(serve.routes[0]!, `/${name}`, { name, id: `c${i}`, args: { n: i } });
});

test.afterEach(async () => {
  await serve?.stop();
  await backend?.close();
});

test('moves through the calls and opens and closes the details by keyboard', async ({ page }) => {
  const { calls, details, tabs, filter } = ui(page);
  await openUi(page, serve);
  await expect(calls.getByRole('option')).toHaveCount(NAMES.length);
  const option = (name: string) => calls.getByRole('option', { name: new RegExp(`^Call ${name} `) });
  const selected = calls.getByRole('option', { selected: true });

  await calls.focus();
  await expect(calls).toBeFocused();
  await expect(selected).toHaveCount(0);
  await page.keyboard.press('ArrowDown');
  await expect(option('alpha')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(option('bravo')).toHaveAttribute('aria-selected', 'true');
  await expect(option('alpha')).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('ArrowDown');
  await expect(option('charlie')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await expect(option('bravo')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(option('alpha')).toHaveAttribute('aria-selected', 'true');
  // At the top, up stays on the first call.
  await page.keyboard.press('k');
  await expect(option('alpha')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(option('echo')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(option('echo')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(option('alpha')).toHaveAttribute('aria-selected', 'true');
  await expect(selected).toHaveCount(1);
  // Moving the cursor alone does not open the details.
  await expect(details).toHaveCount(0);
  // The list tells assistive technology which option is active.
  await expect(calls).toHaveAttribute('aria-activedescendant', (await option('alpha').getAttribute('id'))!);

  // Enter opens the details of the selected call; moving then shows the next call there.
  await page.keyboard.press('Enter');
  await expect(details.getByRole('article', { name: 'Call alpha' })).toBeVisible();
  await page.keyboard.press('j');
  await expect(details.getByRole('article', { name: 'Call bravo' })).toBeVisible();
  // Esc closes them; the list keeps its selection and the keyboard.
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(option('bravo')).toHaveAttribute('aria-selected', 'true');
  await expect(calls).toBeFocused();
  await page.keyboard.press('j');
  await expect(option('charlie')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(details.getByRole('article', { name: 'Call charlie' })).toBeVisible();

  // Esc from inside the pane (a tab has the focus) closes it too and gives the list the keyboard back.
  await tabs.getByRole('tab', { name: 'Findings' }).click();
  await expect(tabs.getByRole('tab', { name: 'Findings' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(calls).toBeFocused();
  await expect(option('charlie')).toHaveAttribute('aria-selected', 'true');

  // "/" focuses the filter; Esc empties it, a second Esc returns to the list.
  await page.keyboard.press('/');
  await expect(filter).toBeFocused();
  await expect(filter).toHaveValue('');
  await page.keyboard.type('delta');
  await expect(calls.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(filter).toBeFocused();
  await expect(calls.getByRole('option')).toHaveCount(NAMES.length);
  await page.keyboard.press('Escape');
  await expect(calls).toBeFocused();
  await page.keyboard.press('j');
  await expect(option('delta')).toHaveAttribute('aria-selected', 'true');

  // The pane's close button closes it as Esc does.
  await page.keyboard.press('Enter');
  await expect(details.getByRole('article', { name: 'Call delta' })).toBeVisible();
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toHaveCount(0);
  await expect(option('delta')).toHaveAttribute('aria-selected', 'true');
});
