/**
 * `toolscope export FILE --har OUT [--no-redact] [--config FILE]`: a session file as a HAR 1.2 file, with
 * secrets redacted unless the user asks otherwise. The session file itself is only read, never changed.
 */
import fs from 'node:fs';
import { appVersion } from '../app-paths.js';
import { buildHar } from '../../shared/export/har-export.js';
import { DEFAULT_REDACTION_RULES, mergeRedactionRules, redactHar } from '../../shared/export/redaction.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { readSessionFile } from '../session/session-reader.js';
import { readConfigFile } from './config-file.js';
import { UsageError } from './usage-error.js';

export interface ExportFlags {
  har: string;
  /** False with --no-redact. */
  redact: boolean;
  config?: string;
}

export async function exportCommand(file: string, flags: ExportFlags): Promise<void> {
  // The config is read first: a typo in it should stop the export before any file is written.
  const config = flags.config ? readConfigFile(flags.config) : null;
  const loaded = await readSessionFile(file).catch((error: Error) => {
    throw new UsageError(error.message.includes(file) ? error.message : `${file}: ${error.message}`);
  });
  for (const warning of loaded.warnings) process.stderr.write(`toolscope: ${file} line ${warning.line} skipped: ${warning.message}\n`);

  const traffic = foldEvents(emptyTrafficState(), loaded.events);
  let har = buildHar(traffic, { creator: { name: 'Toolscope', version: appVersion } });
  let redacted: number | null = null;
  if (flags.redact) {
    const rules = mergeRedactionRules(DEFAULT_REDACTION_RULES, config?.redaction ?? {});
    ({ har, redacted } = redactHar(har, rules));
  }

  try {
    fs.writeFileSync(flags.har, `${JSON.stringify(har, null, 2)}\n`);
  } catch (error) {
    throw new UsageError(`cannot write ${flags.har}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const websocket = har.log.entries.filter((entry) => entry._resourceType === 'websocket').length;
  const http = har.log.entries.length - websocket;
  const redaction = redacted === null ? 'not redacted' : `${redacted} values redacted`;
  process.stdout.write(`wrote ${flags.har}: ${har.log.entries.length} entries (${http} HTTP, ${websocket} WebSocket), ${redaction}\n`);
}
