/**
 * Filtering the calls timeline: by function, by problems, by free text over the arguments, by status; the
 * filter lives in the URL hash, so it survives a reload and can be linked; "Clear filter" resets it.
 */
import { expect, test } from '@playwright/test';
import { callWebhook, startToolBackend, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';

let backend: ToolBackend;
let serve: ServeProcess;

test.beforeEach(async () => {
  backend = await startToolBackend();
  serve = await startServe([backend.url]);
  const route = serve.routes[0]!;
  // Five calls: three get_weather (one with a bad SSE answer), a failing book_table and a get_time.
  await callWebhook(route, '/weather', { name: 'get_weather', id: 'c1', args: { city: 'Paris' } });
  await callWebhook(route, '/stream', { name: 'get_weather', id: 'c2', args: { city: 'Lisbon' } });
  await callWebhook(route, '/fail', { name: 'book_table', id: 'c3', args: { guests: 4, name: 'Zanzibar' } });
  await callWebhook(route, '/time', { name: 'get_time', id: 'c4', args: { zone: 'CET' } });
  await callWebhook(route, '/weather', { name: 'get_weather', id: 'c5', args: { city: 'Reykjavik' } });
});

test.afterEach(async () => {
  await serve?.stop();
  await backend?.close();
});

test('filters by function, problems, text and status; the filter survives a reload and clears', async ({ page }) => {
  const { calls, shown, fn, onlyProblems, filter, statusChip, clearFilter, trafficView, callsView, traffic } = ui(page);
  await openUi(page, serve);
  await expect(shown).toHaveText('5 calls');
  await expect(calls.getByRole('option')).toHaveCount(5);
  await expect(clearFilter).toHaveCount(0);

  // By function.
  await fn.selectOption('get_weather');
  await expect(shown).toHaveText('3 of 5 calls');
  await expect(calls.getByRole('option')).toHaveCount(3);
  await expect(calls.getByRole('option', { name: /^Call get_weather / })).toHaveCount(3);
  await expect(page).toHaveURL(/#fn=get_weather$/);

  // And only problems: the call whose SSE answer carries an error finding.
  await onlyProblems.check();
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toHaveCount(1);
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call get_weather ok .*, 1 finding$/);
  await expect(calls.getByRole('option')).toContainText('Lisbon');
  await expect(page).toHaveURL(/#fn=get_weather&problems=1$/);

  // The whole filter survives a reload (it is in the URL hash).
  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection open' })).toBeVisible();
  await expect(fn).toHaveValue('get_weather');
  await expect(onlyProblems).toBeChecked();
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toContainText('Lisbon');

  // "Clear filter" resets everything, the hash included.
  await clearFilter.click();
  await expect(shown).toHaveText('5 calls');
  await expect(fn).toHaveValue('');
  await expect(onlyProblems).not.toBeChecked();
  await expect(clearFilter).toHaveCount(0);
  await expect(page).not.toHaveURL(/#./);

  // Free text matches an argument value, whatever its case.
  await filter.fill('reykjavik');
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call get_weather ok/);
  await expect(calls.getByRole('option')).toContainText('Reykjavik');
  await expect(page).toHaveURL(/#q=reykjavik$/);
  await filter.fill('zanzibar');
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call book_table error/);
  // Esc in the box empties it.
  await filter.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(shown).toHaveText('5 calls');

  // A status chip.
  const error = statusChip('error');
  await expect(error).toHaveAttribute('aria-pressed', 'false');
  await error.click();
  await expect(error).toHaveAttribute('aria-pressed', 'true');
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call book_table error, 1 finding$/);
  await statusChip('ok').click();
  await expect(shown).toHaveText('5 of 5 calls');
  await statusChip('error').click();
  await expect(shown).toHaveText('4 of 5 calls');
  await expect(calls.getByRole('option', { name: /^Call book_table/ })).toHaveCount(0);
  await expect(page).toHaveURL(/#status=ok$/);
  await screenshots(page, 'filtered-calls');

  // The traffic view keeps the filter but its call-only facets are off.
  await trafficView.click();
  await expect(fn).toBeDisabled();
  await expect(statusChip('ok')).toBeDisabled();
  await filter.fill('lisbon');
  await expect(traffic.getByRole('option', { name: 'POST /stream 200' })).toBeVisible();
  await expect(traffic.getByRole('option', { name: /^POST \/weather/ })).toHaveCount(0);
  await page.reload();
  await expect(trafficView).toBeChecked();
  await expect(filter).toHaveValue('lisbon');
  await expect(traffic.getByRole('option', { name: 'POST /stream 200' })).toBeVisible();
  await callsView.click();
  await expect(statusChip('ok')).toHaveAttribute('aria-pressed', 'true');
  await expect(shown).toHaveText('1 of 5 calls');
  await clearFilter.click();
  await expect(shown).toHaveText('5 calls');
});

test('a link with a filter in its hash opens filtered', async ({ page }) => {
  const { calls, shown, fn, statusChip } = ui(page);
  await openUi(page, serve, '#fn=get_time&status=ok');
  await expect(fn).toHaveValue('get_time');
  await expect(statusChip('ok')).toHaveAttribute('aria-pressed', 'true');
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call get_time ok/);
  // A hash changed in place (a link followed in the same tab, an edit of the address) applies too.
  await page.goto(`${serve.uiUrl}#status=error`);
  await expect(fn).toHaveValue('');
  await expect(statusChip('error')).toHaveAttribute('aria-pressed', 'true');
  await expect(statusChip('ok')).toHaveAttribute('aria-pressed', 'false');
  await expect(shown).toHaveText('1 of 5 calls');
  await expect(calls.getByRole('option')).toHaveAccessibleName(/^Call book_table error/);
});
