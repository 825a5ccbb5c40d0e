/**
 * The report of a session: its function calls with their own findings, and every finding. Shared by
 * `toolscope report` (text and --json) and anything else that needs the same summary.
 */
import type { LogEvent } from '../events.js';
import { emptyTrafficState, foldEvents } from '../store/traffic-state.js';
import { Analyzer, type AnalysisOptions, type AnalysisState } from './analyzer.js';
import type { CallStatus, Finding, FunctionCall, Protocol, Severity } from './model.js';

export interface ReportFinding {
  rule: string;
  severity: Severity;
  message: string;
  callId: string | null;
  callKey: string | null;
  ref: Finding['ref'];
}

export interface ReportCall {
  key: string;
  protocol: Protocol;
  name: string;
  callId: string | null;
  args: unknown;
  argsRaw: string;
  result: unknown;
  resultRaw: string | null;
  status: CallStatus;
  latencyMs: number | null;
  startT: number;
  source: FunctionCall['source'];
  findings: ReportFinding[];
}

export interface SessionReport {
  calls: ReportCall[];
  findings: ReportFinding[];
}

/** Folds events through the traffic store and the analyzer, as the UI does, and summarises. */
export function analyseEvents(events: readonly LogEvent[], options: AnalysisOptions = {}): { analysis: AnalysisState; report: SessionReport } {
  const traffic = foldEvents(emptyTrafficState(), events);
  const analyzer = new Analyzer(options);
  const analysis = analyzer.fold(analyzer.initialState(), events, traffic);
  return { analysis, report: buildReport(analysis) };
}

export function buildReport(analysis: AnalysisState): SessionReport {
  const findings: ReportFinding[] = analysis.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    callId: f.callKey ? (analysis.calls.get(f.callKey)?.callId ?? null) : null,
    callKey: f.callKey ?? null,
    ref: f.ref,
  }));
  const byCall = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    if (!f.callKey) continue;
    const list = byCall.get(f.callKey) ?? [];
    list.push(f);
    byCall.set(f.callKey, list);
  }
  const calls: ReportCall[] = [];
  for (const key of analysis.callOrder) {
    const call = analysis.calls.get(key);
    if (!call) continue;
    calls.push({
      key,
      protocol: call.protocol,
      name: call.name,
      callId: call.callId,
      args: call.args,
      argsRaw: call.argsRaw,
      result: call.result,
      resultRaw: call.resultRaw,
      status: call.status,
      latencyMs: call.latencyMs === null ? null : Math.round(call.latencyMs * 10) / 10,
      startT: call.startT,
      source: call.source,
      findings: byCall.get(key) ?? [],
    });
  }
  return { calls, findings };
}

export function hasErrors(report: SessionReport): boolean {
  return report.findings.some((f) => f.severity === 'error');
}

/** One line per call (time, protocol, name, status, latency), its findings indented, then the rest. */
export function formatReportText(report: SessionReport): string {
  const lines: string[] = [];
  const firstT = report.calls[0]?.startT ?? 0;
  for (const call of report.calls) {
    const at = `+${((call.startT - firstT) / 1000).toFixed(3)}s`;
    const latency = call.latencyMs === null ? '' : `${Math.round(call.latencyMs)} ms`;
    lines.push(
      [at.padEnd(10), call.protocol.padEnd(16), (call.name || '(unnamed)').padEnd(24), call.status.padEnd(11), latency].join(' ').trimEnd(),
    );
    for (const f of call.findings) lines.push(`    ${f.severity.padEnd(7)} ${f.rule}  ${f.message}`);
  }
  const loose = report.findings.filter((f) => !f.callKey);
  if (loose.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Other findings:');
    for (const f of loose) lines.push(`    ${f.severity.padEnd(7)} ${f.rule}  ${f.message}  (event ${f.ref.seq})`);
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  if (lines.length > 0) lines.push('');
  lines.push(`${report.calls.length} call${report.calls.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
