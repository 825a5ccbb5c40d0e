/** Names of session files: stamped so that a folder listing sorts by time, and never reused. */
import fs from 'node:fs';
import path from 'node:path';

/** session-2026-11-23_16-57-03-<pid>.ndjson */
export function stampedSessionFile(directory: string, at: Date, prefix = 'session'): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return path.join(directory, `${prefix}-${stamp}-${process.pid}.ndjson`);
}

/** Two New sessions within one second would share a stamp; a recorded session is never overwritten. */
export function uniquePath(file: string): string {
  if (!fs.existsSync(file)) return file;
  const { dir, name, ext } = path.parse(file);
  for (let i = 2; i < 1000; i++) {
    const candidate = path.join(dir, `${name}-${i}${ext}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find a free file name next to ${file}`);
}
