/**
 * `toolscope import HAR --session OUT [--force]`: a HAR file (Chrome, Firefox, HTTP Toolkit, Toolscope's own
 * export) as a Toolscope session file, which `toolscope report`, the app and the browser UI open. An existing
 * OUT is kept unless --force: a session file may be the only record of a call.
 */
import fs from 'node:fs';
import { appVersion } from '../app-paths.js';
import { HarImportError, harSessionText, writeSessionFile, type HarSession } from '../session/har-import.js';
import { UsageError } from './usage-error.js';

export interface ImportFlags {
  session: string;
  force?: boolean;
}

export function importCommand(file: string, flags: ImportFlags): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let session: HarSession;
  try {
    session = harSessionText(text, appVersion);
  } catch (error) {
    if (error instanceof HarImportError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  try {
    writeSessionFile(flags.session, session.text, !flags.force);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${flags.session} exists already: choose another name, or add --force to overwrite it`);
    throw new UsageError(`cannot write ${flags.session}: ${code ?? (error as Error).message}`);
  }
  process.stdout.write(`wrote ${flags.session}: ${session.events} events from ${session.entries} entries (${session.http} HTTP, ${session.webSocket} WebSocket)\n`);
  for (const warning of session.warnings) process.stderr.write(`toolscope: warning: ${warning}\n`);
}
