// `npm test`: unit and integration tests (vitest), then end-to-end tests (Playwright), then one summary line
// `N passed, N failed, N skipped` over both, which CI reads. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'test-results');
mkdirSync(out, { recursive: true });
const vitestJson = path.join(out, 'vitest.json');
const playwrightJson = path.join(out, 'playwright.json');
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const vitest = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], {
  cwd: root,
  stdio: 'inherit',
});
const playwright = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
});

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A file that failed to load has no tests counted; it is still a failure.
  failed += report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} else {
  console.error('vitest wrote no report');
  failed += 1;
}
const flaky = [];
if (existsSync(playwrightJson)) {
  const report = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  const stats = report.stats;
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
  collectFlaky(report.suites ?? [], flaky);
} else {
  console.error('playwright wrote no report');
  failed += 1;
}
const runnersFailed = vitest.status !== 0 || playwright.status !== 0;
if (runnersFailed && failed === 0) failed = 1;
for (const title of flaky) console.log(`flaky (failed, then passed on its retry): ${title}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped${flaky.length > 0 ? `, ${flaky.length} of the passed flaky` : ''}`);
process.exit(failed > 0 ? 1 : 0);

/** Titles of the Playwright tests that failed and then passed on a retry, from its JSON report's suite tree. */
function collectFlaky(suites, into) {
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) if (test.status === 'flaky') into.push(`${spec.file}:${spec.line} › ${spec.title}`);
    }
    collectFlaky(suite.suites ?? [], into);
  }
}
