/**
 * Findings: what is wrong, its rule id, where it points, and a "Show event" jump to the event in the traffic
 * view. `severityIcon` and `worstSeverity` are shared with the lists.
 */
import { memo, useState } from 'react';
import type { Finding, Severity } from '../../../../shared/analysis/model.js';
import { showEvent } from './show-event.js';

const ICON: Record<Severity, string> = { error: '✖', warning: '▲', info: 'ℹ' };
const SHOWN = 300;

export function severityIcon(severity: Severity): string {
  return ICON[severity];
}

export function worstSeverity(findings: readonly Finding[]): Severity | null {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return findings.length > 0 ? 'info' : null;
}

/** "2 errors · 1 warning", for headings and tooltips. */
export function countBySeverity(findings: readonly Finding[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const parts: string[] = [];
  if (counts.error) parts.push(`${counts.error} error${counts.error === 1 ? '' : 's'}`);
  if (counts.warning) parts.push(`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`);
  if (counts.info) parts.push(`${counts.info} note${counts.info === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** Where a finding points, in one short line: event, JSON path, byte range. */
export function findingWhere(f: Finding): string {
  let where = `event ${f.ref.seq}`;
  if (f.ref.path) where += ` · ${f.ref.path}`;
  if (f.ref.byteOffset !== undefined) where += ` · bytes ${f.ref.byteOffset}–${f.ref.byteOffset + (f.ref.byteLength ?? 0)}`;
  return where;
}

export function FindingsList({ findings, jump = true }: { findings: readonly Finding[]; jump?: boolean }) {
  const [all, setAll] = useState(false);
  const [lost, setLost] = useState<number | null>(null);
  const shown = all || findings.length <= SHOWN ? findings : findings.slice(0, SHOWN);
  return (
    <>
      <ul className="dp-findings" role="list" aria-label="Findings">
        {shown.map((f, i) => (
          <li key={`${f.rule}-${f.ref.seq}-${f.ref.byteOffset ?? ''}-${i}`} className="dp-finding" aria-label={`${f.severity} ${f.rule}`}>
            <span className={`dp-finding-icon finding-${f.severity}`} aria-hidden="true" title={f.severity}>
              {ICON[f.severity]}
            </span>
            <div className="dp-finding-text">
              <p className="dp-finding-message">{f.message}</p>
              <p className="dp-finding-meta">
                <span className="mono dp-rule">{f.rule}</span> · {findingWhere(f)}
                {lost === i && <span className="dp-finding-lost"> · this event is no longer in the view</span>}
              </p>
            </div>
            {jump && (
              <button type="button" className="dp-small-button" onClick={() => setLost(showEvent(f.ref.seq) ? null : i)}>
                Show event
              </button>
            )}
          </li>
        ))}
      </ul>
      {shown.length < findings.length && (
        <button type="button" className="link-button dp-more" onClick={() => setAll(true)}>
          Show all {findings.length.toLocaleString()} findings
        </button>
      )}
    </>
  );
}

/** The Findings tab: every finding of the subject. */
export const FindingsTab = memo(function FindingsTab({ findings, what }: { findings: readonly Finding[]; what: string }) {
  if (findings.length === 0) {
    return <p className="dp-empty">No findings: Toolscope found nothing wrong with this {what}.</p>;
  }
  return (
    <div className="dp-findings-tab">
      <p className="dp-summary">{countBySeverity(findings)}</p>
      <FindingsList findings={findings} />
    </div>
  );
});
