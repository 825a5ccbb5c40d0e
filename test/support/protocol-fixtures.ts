/**
 * The protocol fixtures in ../shared/fixtures/protocols (beside the repo, as CI clones it). Suites that need
 * them skip, saying why in their title, where that folder is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixtureDir = path.resolve(repoRoot, '../shared/fixtures/protocols');
export const haveFixtures = fs.existsSync(fixtureDir);

/** A skipped suite says why in its title. */
export const whenFixtures = (title: string) => (haveFixtures ? title : `${title} — skipped: ${fixtureDir} not found (clone shared/ beside the repo)`);

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(fixtureDir, name), 'utf8');
}

export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(fixtureDir, name));
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}
