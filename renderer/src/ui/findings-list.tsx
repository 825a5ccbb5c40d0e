/** The findings of an exchange or connection: what is wrong, its rule id, and the event it points at. */
import type { Finding, Severity } from '../../../shared/analysis/model.js';
import { DetailSection } from './detail-section.js';

const ICON: Record<Severity, string> = { error: '✖', warning: '▲', info: 'ℹ' };

export function severityIcon(severity: Severity): string {
  return ICON[severity];
}

export function worstSeverity(findings: readonly Finding[]): Severity | null {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return findings.length > 0 ? 'info' : null;
}

export function FindingsList({ findings }: { findings: readonly Finding[] | undefined }) {
  if (!findings || findings.length === 0) return null;
  return (
    <DetailSection title={`Findings (${findings.length})`}>
      <ul className="findings" aria-label="Findings">
        {findings.map((f, i) => (
          <li key={`${f.rule}-${f.ref.seq}-${i}`} className={`finding finding-${f.severity}`} aria-label={`${f.severity} ${f.rule}`}>
            <span className="finding-icon" aria-hidden="true">
              {ICON[f.severity]}
            </span>
            <span className="finding-message">{f.message}</span>
            <span className="finding-meta mono">
              {f.rule} · event {f.ref.seq}
              {f.ref.path ? ` · ${f.ref.path}` : ''}
              {f.ref.byteOffset !== undefined ? ` · bytes ${f.ref.byteOffset}–${f.ref.byteOffset + (f.ref.byteLength ?? 0)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </DetailSection>
  );
}
