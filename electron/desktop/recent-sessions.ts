/**
 * The session files opened lately, newest first, for the "Open recent" menu on Linux and Windows (macOS keeps
 * its own list, fed by `app.addRecentDocument`). Stored as a JSON array in the app's data folder; a missing or
 * broken file is an empty list, never an error, because the list is only a convenience.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { writeFileAtomically } from './write-file-atomically.js';

export const MAX_RECENT_SESSIONS = 10;

const recentSessionsSchema = z.array(z.string().min(1));

/** Puts `file` first, once, and keeps the newest ten. */
export function addRecentSession(list: readonly string[], file: string): string[] {
  return [file, ...list.filter((entry) => entry !== file)].slice(0, MAX_RECENT_SESSIONS);
}

export function removeRecentSession(list: readonly string[], file: string): string[] {
  return list.filter((entry) => entry !== file);
}

export function parseRecentSessions(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const parsed = recentSessionsSchema.safeParse(json);
  return parsed.success ? [...new Set(parsed.data)].slice(0, MAX_RECENT_SESSIONS) : [];
}

export function serialiseRecentSessions(list: readonly string[]): string {
  return `${JSON.stringify(list, null, 2)}\n`;
}

export function loadRecentSessions(file: string): string[] {
  try {
    return parseRecentSessions(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

export function saveRecentSessions(file: string, list: readonly string[]): void {
  writeFileAtomically(file, serialiseRecentSessions(list));
}
