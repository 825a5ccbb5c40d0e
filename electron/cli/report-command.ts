/**
 * `toolscope report FILE [--json]`: the function calls and findings of a session file, a HAR file, a raw
 * SSE stream or one JSON payload. Exit 1 when there is an error finding, 0 otherwise, 2 for unreadable input.
 */
import fs from 'node:fs';
import type { LogEvent } from '../../shared/events.js';
import { analyseEvents, formatReportText, hasErrors, type SessionReport } from '../../shared/analysis/session-report.js';
import { readRealtimeFrame, realtimeDialects } from '../../shared/analysis/realtime/realtime-dialects.js';
import { isRecord, tryParseJson } from '../../shared/analysis/model.js';
import { eventsFromHar, looksLikeHar } from '../../shared/import/har-events.js';
import { eventsFromFrame, eventsFromSseText, eventsFromWebhookRequest } from '../../shared/import/synthetic-log.js';
import { SESSION_FORMAT } from '../../shared/session-format.js';
import { readSessionFile } from '../session/session-reader.js';
import { UsageError } from './usage-error.js';
import { readConfigFile } from './config-file.js';
import { analysisOptionsFrom } from '../../shared/config/toolscope-config.js';

export interface ReportFlags {
  json?: boolean;
  budget?: string;
  config?: string;
}

export async function reportCommand(file: string, flags: ReportFlags): Promise<number> {
  const { events, notes, singleMessage } = await loadInput(file);
  const budget = flags.budget === undefined ? undefined : Number(flags.budget);
  if (budget !== undefined && (!Number.isFinite(budget) || budget <= 0)) throw new UsageError(`--budget "${flags.budget}" is not a positive number of milliseconds`);
  const options = flags.config ? analysisOptionsFrom(readConfigFile(flags.config)) : {};
  if (budget) options.latencyBudgetMs = budget;
  const { report: full } = analyseEvents(events, options);
  // One message alone cannot be matched with the call it answers: that is the input, not a problem of it.
  const report = singleMessage ? withoutFindings(full, 'call/unknown-call-id') : full;
  if (report !== full) notes.push('one message alone: a result is not matched with its call, which is not in the file');
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const note of notes) process.stdout.write(`note  ${note}\n`);
    process.stdout.write(formatReportText(report));
  }
  return hasErrors(report) ? 1 : 0;
}

function withoutFindings(report: SessionReport, rule: string): SessionReport {
  if (!report.findings.some((f) => f.rule === rule)) return report;
  return {
    calls: report.calls.map((c) => ({ ...c, findings: c.findings.filter((f) => f.rule !== rule) })),
    findings: report.findings.filter((f) => f.rule !== rule),
  };
}

async function loadInput(file: string): Promise<{ events: LogEvent[]; notes: string[]; singleMessage: boolean }> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.indexOf('\n') === -1 ? undefined : body.indexOf('\n'));
  if (firstLine.includes(`"${SESSION_FORMAT}"`)) {
    const loaded = await readSessionFile(file).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    return { events: loaded.events, notes: loaded.warnings.map((w) => `line ${w.line} skipped: ${w.message}`), singleMessage: false };
  }
  const json = tryParseJson(body);
  if (json.ok) {
    if (looksLikeHar(json.value)) {
      const har = eventsFromHar(json.value);
      if (har.error) throw new UsageError(`${file}: ${har.error}`);
      return { events: har.events, notes: [], singleMessage: false };
    }
    if (isRecord(json.value)) return { events: eventsFromPayload(json.value, body), notes: [], singleMessage: true };
    throw new UsageError(`${file}: a JSON payload must be an object (a webhook request or a realtime message)`);
  }
  if (/^(data|event|id|retry)\s*:|^:/m.test(body)) {
    return { events: eventsFromSseText(text), notes: ['an SSE stream alone: read as a Daily Bots streaming answer, its call rebuilt from its function_result'], singleMessage: false };
  }
  throw new UsageError(`${file}: not a Toolscope session, a HAR file, an SSE stream or a JSON payload`);
}

/**
 * A realtime message when a realtime reader recognises it, sent in the direction that message travels
 * (the one its reader does not call unexpected); else a webhook request.
 */
function eventsFromPayload(json: Record<string, unknown>, text: string): LogEvent[] {
  const dialects = realtimeDialects();
  let fallback: 'upstream-to-client' | 'client-to-upstream' | null = null;
  for (const direction of ['upstream-to-client', 'client-to-upstream'] as const) {
    const reading = readRealtimeFrame({ seq: 2, t: 0, direction, json, text }, dialects);
    if (!reading) continue;
    const wrongWay = reading.findings.some((f) => /unexpected-direction$|not-a-client-event$/.test(f.rule));
    if (!wrongWay) return eventsFromFrame(text, direction);
    fallback ??= direction;
  }
  return fallback ? eventsFromFrame(text, fallback) : eventsFromWebhookRequest(text);
}
