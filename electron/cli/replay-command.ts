/**
 * `toolscope replay FILE [--against URL] [--function NAME] [--ignore PATH]… [--timeout MS] [--json]`: sends the
 * webhook calls of a session file again and compares each answer with the captured one. Exit 1 when any call
 * differs or could not be sent, 0 when all are the same (skipped calls do not count), 2 for bad input.
 */
import { parseIgnorePaths } from '../../shared/replay/result-diff.js';
import { DEFAULT_REPLAY_TIMEOUT_MS, replayWebhookCalls, type ReplayedCall, type ReplayOptions } from '../replay/webhook-replayer.js';
import { readSessionFile } from '../session/session-reader.js';
import { readConfigFile } from './config-file.js';
import { UsageError } from './usage-error.js';

export interface ReplayFlags {
  against?: string;
  function?: string;
  ignore: string[];
  timeout?: string;
  config?: string;
  json?: boolean;
}

export async function replayCommand(file: string, flags: ReplayFlags): Promise<number> {
  // Flags and config first: a typo should stop the command before any request is sent.
  const config = flags.config ? readConfigFile(flags.config) : null;
  const ignore = parseIgnorePaths([...(config?.replay?.ignore ?? []), ...flags.ignore]);
  if (!ignore.ok) throw new UsageError(`--ignore: ${ignore.error}`);
  const timeoutMs = flags.timeout === undefined ? DEFAULT_REPLAY_TIMEOUT_MS : Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout "${flags.timeout}" is not a positive number of milliseconds`);
  if (flags.against !== undefined && !/^https?:$/.test(urlProtocol(flags.against))) {
    throw new UsageError(`--against "${flags.against}" is not an http:// or https:// URL`);
  }

  const loaded = await readSessionFile(file).catch((error: Error) => {
    throw new UsageError(error.message.includes(file) ? error.message : `${file}: ${error.message}`);
  });
  for (const warning of loaded.warnings) process.stderr.write(`toolscope: ${file} line ${warning.line} skipped: ${warning.message}\n`);

  const options: ReplayOptions = { timeoutMs, ignore: ignore.paths };
  if (flags.against !== undefined) options.against = flags.against;
  if (flags.function !== undefined) options.functionName = flags.function;
  const calls = await replayWebhookCalls(loaded.events, options);

  const summary = {
    same: calls.filter((c) => c.status === 'same').length,
    different: calls.filter((c) => c.status === 'different').length,
    errors: calls.filter((c) => c.status === 'error').length,
    skipped: calls.filter((c) => c.status === 'skipped').length,
  };
  if (flags.json) {
    const json = calls.map((c) => ({ name: c.name, callId: c.callId, status: c.status, url: c.url, diff: c.diff, ...(c.error !== undefined ? { error: c.error } : {}) }));
    process.stdout.write(`${JSON.stringify({ calls: json, summary }, null, 2)}\n`);
  } else {
    for (const call of calls) process.stdout.write(formatCall(call));
    const none = calls.length === 0 ? (flags.function !== undefined ? ` (no webhook call of ${flags.function})` : ' (no webhook calls in the session)') : '';
    process.stdout.write(`${summary.same} same, ${summary.different} different, ${summary.errors} errors, ${summary.skipped} skipped${none}\n`);
  }
  return summary.different + summary.errors > 0 ? 1 : 0;
}

const LABELS = { same: 'same', different: 'DIFF', error: 'ERROR', skipped: 'skip' } as const;

function formatCall(call: ReplayedCall): string {
  const lines = [`${LABELS[call.status].padEnd(6)}${call.name || '(unnamed)'} ${call.callId ?? ''}`.trimEnd()];
  if (call.error !== undefined) lines.push(`      ${call.status === 'error' ? 'error' : 'note'}: ${call.error}`);
  for (const line of call.diff) lines.push(`      ${line}`);
  return `${lines.join('\n')}\n`;
}

function urlProtocol(text: string): string {
  try {
    return new URL(text).protocol;
  } catch {
    return '';
  }
}
