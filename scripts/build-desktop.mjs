// Builds electron/main.ts and electron/preload.ts, which need the `electron` package's types. That package
// is optional (its binary download fails without internet), so without it this step says so and skips.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(path.join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  console.log('build:desktop skipped: the optional `electron` package is not installed (the browser UI works without it)');
  process.exit(0);
}
const check = process.argv.includes('--check');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const extra = check ? ['--noEmit'] : [];
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.electron.json', ...extra], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.preload.json', ...extra], { cwd: root, stdio: 'inherit' });
if (check) {
  console.log('electron/main.ts and electron/preload.ts type-check');
  process.exit(0);
}
mkdirSync(path.join(root, 'dist', 'preload'), { recursive: true });
// The package is ESM; a sandboxed preload must be CommonJS, so its folder says so.
writeFileSync(path.join(root, 'dist', 'preload', 'package.json'), '{ "type": "commonjs" }\n');
console.log('build:desktop done');
