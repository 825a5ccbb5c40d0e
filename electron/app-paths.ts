/**
 * Where the app's own files are, found from this module's location so it works the same from source
 * (tests), from dist/ (the CLI) and inside the packaged desktop app.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stampedSessionFile } from './session/session-file-name.js';

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

/** The sessions folder: $TOOLSCOPE_HOME/sessions, else ~/.toolscope/sessions. */
export function defaultSessionsDirectory(): string {
  const home = process.env.TOOLSCOPE_HOME ?? path.join(os.homedir(), '.toolscope');
  return path.join(home, 'sessions');
}

/** Where a session goes by default: a stamped file in the sessions folder. */
export function defaultSessionFile(startTime: Date = new Date()): string {
  return stampedSessionFile(defaultSessionsDirectory(), startTime);
}
