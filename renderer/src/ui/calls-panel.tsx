/**
 * The function calls found in the traffic, newest last: protocol, name, status, latency and the worst
 * finding. A first view of the analysis; the full timeline replaces it later. Clicking a call shows the
 * exchange or connection that carried it.
 */
import { useMemo } from 'react';
import type { FunctionCall } from '../../../shared/analysis/model.js';
import { useAnalysis } from '../state/use-analysis.js';
import { currentTraffic } from '../state/use-traffic.js';
import { useSelectionStore } from '../state/selection-store.js';
import { formatDuration } from './format.js';
import { severityIcon, worstSeverity } from './findings-list.js';

/** Sessions rarely have more; past this the newest are shown and the count says so. */
const SHOWN = 300;

const STATUS_ICON: Record<FunctionCall['status'], string> = {
  pending: '…',
  ok: '✔',
  error: '✖',
  unanswered: '⊘',
  mocked: '◆',
  replayed: '↻',
};

export function CallsPanel() {
  const order = useAnalysis((a) => a.callOrder);
  const calls = useAnalysis((a) => a.calls);
  const findings = useAnalysis((a) => a.findings);
  const byCall = useMemo(() => {
    const map = new Map<string, typeof findings[number][]>();
    for (const f of findings) if (f.callKey) map.set(f.callKey, [...(map.get(f.callKey) ?? []), f]);
    return map;
  }, [findings]);
  if (order.length === 0) return null;
  const shown = order.slice(-SHOWN);
  return (
    <section className="calls-panel" aria-label="Function calls">
      <h2 className="calls-title">
        Function calls <span className="muted">({order.length}{order.length > SHOWN ? `, newest ${SHOWN} shown` : ''})</span>
      </h2>
      <ul className="calls-list">
        {shown.map((key) => {
          const call = calls.get(key);
          if (!call) return null;
          const own = byCall.get(key) ?? [];
          const worst = worstSeverity(own);
          const latency = call.latencyMs === null ? '' : formatDuration(call.latencyMs);
          return (
            <li key={key}>
              <button
                type="button"
                className="call-row"
                aria-label={`Call ${call.name || 'unnamed'} ${call.status}${latency ? ` ${latency}` : ''}${worst ? `, ${own.length} finding${own.length === 1 ? '' : 's'}` : ''}`}
                onClick={() => showSource(call)}
              >
                <span className={`protocol protocol-${call.protocol}`}>{call.protocol}</span>
                <span className="call-name mono">{call.name || '(unnamed)'}</span>
                <span className="call-id mono muted">{call.callId ?? ''}</span>
                <span className={`call-status status-${call.status}`}>
                  <span aria-hidden="true">{STATUS_ICON[call.status]}</span> {call.status}
                </span>
                <span className="call-latency mono">{latency}</span>
                <span className={`call-findings ${worst ? `finding-${worst}` : ''}`}>
                  {worst ? `${severityIcon(worst)} ${own.length}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function showSource(call: FunctionCall): void {
  const rows = currentTraffic().rows;
  const { kind, id } = call.source;
  const row = rows.find((r) => (kind === 'exchange' ? r.kind === 'exchange' && r.id === id : r.kind === 'connection' && r.id === id));
  if (row) useSelectionStore.getState().select(row);
}
