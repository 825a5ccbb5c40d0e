/**
 * Where the app's own files are, found from this module's location so it works the same from source
 * (tests), from dist/ (the CLI) and inside the packaged desktop app.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'toolscope') return dir;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the toolscope package root');
}

export const packageRoot = findPackageRoot();

export const appVersion: string = (
  JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** The built renderer (vite build output). */
export const rendererDir = path.join(packageRoot, 'dist', 'renderer');

/** Where sessions go by default: $TOOLSCOPE_HOME/sessions, else ~/.toolscope/sessions. */
export function defaultSessionFile(startTime: Date = new Date()): string {
  const home = process.env.TOOLSCOPE_HOME ?? path.join(os.homedir(), '.toolscope');
  const stamp = startTime.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return path.join(home, 'sessions', `session-${stamp}-${process.pid}.ndjson`);
}
