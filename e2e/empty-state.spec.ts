/**
 * Before any traffic the UI says where to point a bot: examples for Daily Bots, Vapi and a realtime client,
 * with the route's real address, each copyable.
 */
import { expect, test } from '@playwright/test';
import { callWebhook } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { openUi, readClipboard, screenshots, ui } from './support/ui.js';

const env = proxiedToolBackend();

test('the empty state shows examples with the route port, copyable', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const route = env.serve.routes[0]!;
  const address = route.replace('http://', '');
  await openUi(page, env.serve);
  const empty = page.getByRole('note', { name: 'No traffic yet' });
  await expect(empty).toBeVisible();
  await expect(ui(page).shown).toHaveText('0 calls');
  const examples = empty.getByRole('region', { name: `Examples for ${address}` });
  await expect(examples).toContainText(`Requests to ${route} are forwarded to ${env.backend.url}`);
  for (const title of ['Daily Bots webhook_tools', 'Vapi server URL', 'Realtime WebSocket client']) {
    await expect(examples.getByRole('heading', { name: title })).toBeVisible();
    await expect(examples.getByRole('button', { name: `Copy ${title} example` })).toBeVisible();
  }
  await expect(examples).toContainText(`"url": "${route}/get_weather"`);
  await expect(examples).toContainText(`${route}/vapi/webhook`);
  await expect(examples).toContainText(`ws://${address}/v1/realtime?model=gpt-realtime`);
  await screenshots(page, 'empty-state');

  // Copy puts exactly the example on the clipboard.
  const copyVapi = examples.getByRole('button', { name: 'Copy Vapi server URL example' });
  await copyVapi.click();
  await expect(copyVapi).toHaveText('Copied');
  expect(await readClipboard(page)).toBe(`${route}/vapi/webhook`);
  await examples.getByRole('button', { name: 'Copy Realtime WebSocket client example' }).click();
  expect(await readClipboard(page)).toBe(`ws://${address}/v1/realtime?model=gpt-realtime`);

  // The first call replaces the examples.
  await callWebhook(route, '/get_weather', { name: 'get_weather', id: 'c1', args: { city: 'Paris' } });
  await expect(ui(page).calls.getByRole('option', { name: /^Call get_weather ok/ })).toBeVisible();
  await expect(empty).toHaveCount(0);
});
