/**
 * Collects the Content Security Policy violations Chromium reports on a page's console: the editors and
 * dialogs must work under the UI's CSP (no eval, no inline script), and a violation is otherwise silent.
 */
import type { Page } from '@playwright/test';

export function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
