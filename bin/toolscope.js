#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/node/electron/cli/toolscope.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('toolscope: not built yet; run `npm run build` in the toolscope folder first\n');
  process.exit(2);
}
await import(entry);
