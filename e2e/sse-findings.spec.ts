/**
 * A silent failure made visible: a Daily Bots streaming webhook answers with an `update-config` whose
 * `options` is an object instead of a list of {name, value} (the bot ignores the whole update). The user
 * finds it from the calls timeline, down to the bytes, and jumps to the event in the traffic view.
 */
import { expect, test } from '@playwright/test';
import { BAD_UPDATE_CONFIG_DATA, callWebhook } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { marks, openUi, screenshots, ui } from './support/ui.js';

const env = proxiedToolBackend();

test('a bad update-config in an SSE answer: finding badge, marked raw bytes, and Show event', async ({ page }) => {
  const { calls, details, tabs, traffic, trafficView, callsView } = ui(page);
  await openUi(page, env.serve);
  const answer = await callWebhook(env.serve.routes[0]!, '/stream', { name: 'get_weather', id: 'call_7', args: { city: 'Paris' } });
  expect(answer.text).toContain(BAD_UPDATE_CONFIG_DATA);

  // The timeline: the call is ok (its result arrived) but carries one error finding, shown as a badge.
  const call = calls.getByRole('option', { name: /^Call get_weather ok .*, 1 finding$/ });
  await expect(call).toBeVisible();
  await expect(call).toContainText('✖ 1');
  await call.click();
  await expect(call).toHaveAttribute('aria-selected', 'true');
  await expect(details.getByRole('article', { name: 'Call get_weather' })).toBeVisible();
  await expect(tabs.getByRole('tab', { name: 'Call' })).toHaveAttribute('aria-selected', 'true');
  await expect(details.getByRole('group', { name: 'Arguments' })).toContainText('Paris');
  await expect(details.getByRole('group', { name: 'Result' })).toContainText('temperature');

  // The SSE events tab: one row per event; only the update-config row carries the rule.
  await tabs.getByRole('tab', { name: 'SSE events' }).click();
  const table = details.getByRole('table', { name: 'SSE events' });
  await expect(table.getByRole('row')).toHaveCount(4);
  const badRow = table.getByRole('row').filter({ hasText: 'update-config' });
  await expect(badRow).toContainText('rtvi/options-not-list');
  await expect(table.getByRole('row').filter({ hasText: 'rtvi/' })).toHaveCount(1);
  await badRow.click();
  await expect(badRow).toHaveAttribute('aria-selected', 'true');
  const raw = details.getByLabel('Raw event');
  await expect(raw).toContainText('event: update-config');
  const mark = marks(raw);
  await expect(mark).toHaveCount(1);
  await expect(mark).toContainText('"options":{"voice":"en-gb"}');
  await raw.scrollIntoViewIfNeeded();
  await screenshots(page, 'sse-finding-raw-event');

  // The Findings tab names the rule; "Show event" jumps to the event in the traffic view.
  await tabs.getByRole('tab', { name: 'Findings' }).click();
  const finding = details.getByRole('list', { name: 'Findings' }).getByRole('listitem', { name: 'error rtvi/options-not-list' });
  await expect(finding).toBeVisible();
  await expect(finding).toContainText('"options"');
  await screenshots(page, 'sse-finding-findings');
  await finding.getByRole('button', { name: 'Show event' }).click();
  await expect(trafficView).toBeChecked();
  await expect(callsView).not.toBeChecked();
  await expect(page).toHaveURL(/#view=traffic$/);
  const eventRow = traffic.getByRole('option', { name: /^SSE update-config / });
  await expect(eventRow).toHaveAttribute('aria-selected', 'true');
  await expect(traffic.getByRole('option', { selected: true })).toHaveCount(1);
  await expect(tabs.getByRole('tab', { name: 'SSE events' })).toHaveAttribute('aria-selected', 'true');
  await expect(details.getByRole('table', { name: 'SSE events' }).getByRole('row', { selected: true })).toContainText('update-config');
  await expect(marks(details.getByLabel('Raw event'))).toContainText('"options":{"voice":"en-gb"}');
  await screenshots(page, 'sse-finding-show-event');
});

// Regression (was a bug in renderer/src/ui/detail/show-event.ts, showEvent): "Show event" selects the event's traffic row
// and switches to the traffic view but keeps the filter, which the calls view shares; when the filter hides
// that row (here the text "Paris", which the call's arguments match but the update-config event does not),
// the traffic list shows no selected row and the event is nowhere in the list. The jump must make the event
// visible (e.g. clear the filter, or the parts of it that hide the row).
test('Show event makes the event visible in the traffic view even when a filter would hide it', async ({ page }) => {
  const { calls, details, tabs, traffic, trafficView, filter } = ui(page);
  await openUi(page, env.serve);
  await callWebhook(env.serve.routes[0]!, '/stream', { name: 'get_weather', id: 'call_7', args: { city: 'Paris' } });
  await filter.fill('paris');
  const call = calls.getByRole('option', { name: /^Call get_weather ok .*, 1 finding$/ });
  await call.click();
  await tabs.getByRole('tab', { name: 'Findings' }).click();
  await details.getByRole('list', { name: 'Findings' }).getByRole('button', { name: 'Show event' }).click();
  await expect(trafficView).toBeChecked();
  await expect(traffic.getByRole('option', { name: /^SSE update-config / })).toHaveAttribute('aria-selected', 'true', { timeout: 2000 });
});
