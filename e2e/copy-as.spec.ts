/**
 * "Copy as…" against the real `toolscope serve`: a webhook call through the route, its Request tab, Copy as →
 * curl (bash) puts a command on the clipboard that, run by bash, sends the same call to the tool backend
 * again; through Toolscope it goes via the route; and when the clipboard is refused the command is shown to
 * copy by hand.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { callWebhook } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { artifactsDir, openUi, readClipboard, ui } from './support/ui.js';

const run = promisify(execFile);
const env = proxiedToolBackend();

test('copies a webhook request as curl (bash) that sends the same call again', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.serve.uiUrl).origin });
  const route = env.serve.routes[0]!;
  const { traffic, details, tabs, trafficView } = ui(page);
  await openUi(page, env.serve);
  const call = { name: 'get_weather', id: 'call_c1', args: { city: "Saint-Jean-d'Angély", note: 'a "quoted" $HOME `x`' } };
  await callWebhook(route, '/weather', call);
  const body = JSON.stringify({ function_name: call.name, tool_call_id: call.id, arguments: call.args });

  await trafficView.click();
  await traffic.getByRole('option', { name: 'POST /weather 200' }).click();
  await tabs.getByRole('tab', { name: 'Request' }).click();
  const panel = details.getByRole('tabpanel');
  const button = panel.getByRole('button', { name: 'Copy as…' });
  await button.click();
  const menu = panel.getByRole('menu', { name: 'Copy as' });
  await expect(menu).toBeVisible();
  // The menu opens on its first item, the target the copy goes to.
  await expect(menu.getByRole('menuitemradio', { name: /^To the upstream/ })).toBeFocused();
  await expect(menu.getByRole('menuitemradio', { name: /^To the upstream/ })).toHaveAttribute('aria-checked', 'true');
  await expect(menu.getByRole('menuitemradio', { name: /^Through Toolscope/ })).toContainText(route.replace('http://', ''));
  await expect(menu.getByRole('menuitem')).toHaveText(['curl (bash)', 'curl (PowerShell)', 'fetch']);
  await page.screenshot({ path: path.join(artifactsDir, 'copy-as.png') });

  await menu.getByRole('menuitem', { name: 'curl (bash)' }).click();
  await expect(menu).toHaveCount(0);
  await expect(panel.getByRole('status')).toHaveText('Copied curl (bash), to the upstream');
  const command = await readClipboard(page);
  const lines = command.split(' \\\n  ');
  expect(lines[0]).toBe(`curl '${env.backend.url}/weather'`);
  expect(lines).toContain("-H 'content-type: application/json'");
  expect(lines.at(-1)).toMatch(/^--data-binary \$'\{"function_name":"get_weather","tool_call_id":"call_c1","arguments":\{"city":"Saint-Jean-d\\'Ang/);
  // Headers of the old connection stay out; curl computes its own.
  expect(lines.filter((line) => /^-H '(host|content-length|connection):/i.test(line))).toEqual([]);

  // Run it: the tool backend gets the same call a second time, the body intact.
  const before = env.backend.paths.length;
  const { stdout } = await run('bash', ['-c', `${command} --silent`]);
  expect(JSON.parse(stdout)).toEqual({ temperature: 21, unit: 'C', received: call.args });
  expect(env.backend.paths.slice(before)).toEqual(['/weather']);

  // Through Toolscope: the same request to the route, so it shows up in the traffic again.
  await button.click();
  await menu.getByRole('menuitemradio', { name: /^Through Toolscope/ }).click();
  await expect(menu.getByRole('menuitemradio', { name: /^Through Toolscope/ })).toHaveAttribute('aria-checked', 'true');
  await menu.getByRole('menuitem', { name: 'curl (bash)' }).click();
  await expect(panel.getByRole('status')).toHaveText('Copied curl (bash), through Toolscope');
  const viaRoute = await readClipboard(page);
  expect(viaRoute.startsWith(`curl '${route}/weather'`)).toBe(true);
  await run('bash', ['-c', `${viaRoute} --silent`]);
  await expect(traffic.getByRole('option', { name: 'POST /weather 200' })).toHaveCount(2);

  // The keyboard: Down opens the menu, End and Enter pick fetch, Esc closes without closing the details.
  await button.focus();
  await page.keyboard.press('ArrowDown');
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();
  await expect(details.getByRole('article', { name: 'Exchange POST /weather' })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'fetch' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('status')).toHaveText('Copied fetch, through Toolscope');
  const code = await readClipboard(page);
  expect(code).toContain(`await fetch("${route}/weather", {`);
  expect(code).toContain(`body: ${JSON.stringify(body)}`);
});

test('shows the command to copy by hand when the clipboard is refused', async ({ page }) => {
  const route = env.serve.routes[0]!;
  const { traffic, details, tabs, trafficView } = ui(page);
  await openUi(page, env.serve);
  await callWebhook(route, '/weather', { name: 'get_weather', id: 'call_c2', args: { city: 'Paris' } });
  await page.evaluate(() => {
    const clipboard = (globalThis as unknown as { navigator: { clipboard: { writeText(text: string): Promise<void> } } }).navigator.clipboard;
    clipboard.writeText = () => Promise.reject(new Error('NotAllowedError'));
  });
  await trafficView.click();
  await traffic.getByRole('option', { name: 'POST /weather 200' }).click();
  await tabs.getByRole('tab', { name: 'Request' }).click();
  const panel = details.getByRole('tabpanel');
  await panel.getByRole('button', { name: 'Copy as…' }).click();
  await panel.getByRole('menu', { name: 'Copy as' }).getByRole('menuitem', { name: 'curl (PowerShell)' }).click();
  const box = panel.getByRole('textbox', { name: 'Command' });
  await expect(box).toBeVisible();
  await expect(box).toHaveAttribute('readonly', '');
  await expect(box).toHaveValue(/^Invoke-WebRequest -UseBasicParsing `\n {2}-Uri '.+\/weather' `/);
  await expect(box).toBeFocused();
  await expect(panel).toContainText('The browser did not allow copying to the clipboard.');
  await page.screenshot({ path: path.join(artifactsDir, 'copy-as-refused.png') });
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(box).toHaveCount(0);
});
