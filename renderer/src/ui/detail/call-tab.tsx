/**
 * The Call tab: one function call as the analysis understood it: status, timings, ids, its arguments and
 * result as foldable JSON, the tool's declared schema when one was seen, and what is wrong with it.
 */
import { STATUS_ICON } from '../call-status-icon.js';
import { memo, useMemo } from 'react';
import type { Finding, FunctionCall } from '../../../../shared/analysis/model.js';
import { rowBySeq } from '../../state/detail-subject.js';
import { selectRow } from '../../state/selection-store.js';
import { useTimelineStore } from '../../state/timeline-store.js';
import { useAnalysis } from '../../state/use-analysis.js';
import { currentTraffic, useTraffic } from '../../state/use-traffic.js';
import { formatClock, formatDuration, formatRelativeMs } from '../format.js';
import { KvList } from '../kv-list.js';
import { MockedByNote, MockThisButton } from '../mocks/mock-this.js';
import { PauseCallsButton, PauseHistory } from '../breakpoints/pause-actions.js';
import { SendResultButton } from '../inject/inject-actions.js';
import { ReplayButtons, ReplayLinks } from '../replay/replay-links.js';
import { ProblemBox } from '../problem-box.js';
import { FindingsList } from './findings-list.js';
import { JsonGroup } from './json-group.js';
import { JsonTree } from './json-tree.js';

const NO_FINDINGS: readonly Finding[] = [];

export function CallStatusBadge({ status }: { status: FunctionCall['status'] }) {
  return (
    <span className={`dp-status status-${status}`}>
      <span aria-hidden="true">{STATUS_ICON[status]}</span> {status}
    </span>
  );
}

/** A string result that is itself JSON (OpenAI's `output`, many tools' results) is shown parsed. */
function parsedString(value: unknown): { value: unknown; parsed: boolean } {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value) || value.length > 1_000_000) return { value, parsed: false };
  try {
    return { value: JSON.parse(value) as unknown, parsed: true };
  } catch {
    return { value, parsed: false };
  }
}

export const CallTab = memo(function CallTab({ callKey }: { callKey: string }) {
  const call = useAnalysis((a) => a.calls.get(callKey));
  const sourceFindings = useAnalysis((a) =>
    call ? (call.source.kind === 'exchange' ? a.exchanges.get(call.source.id)?.findings : a.connections.get(call.source.id)?.findings) : undefined,
  );
  const findings = useMemo(() => (sourceFindings ?? NO_FINDINGS).filter((f) => f.callKey === callKey), [sourceFindings, callKey]);
  const firstT = useTraffic((s) => s.firstT);
  const result = useMemo(() => parsedString(call?.result), [call?.result]);
  if (!call) return <p className="dp-empty">This call is not in the current view.</p>;

  const unanswered = findings.find((f) => f.rule === 'call/unanswered');
  const argsMissing = call.args === undefined;
  return (
    <div className="dp-call">
      <p className="dp-call-head">
        <span className="mono dp-call-name">{call.name || '(unnamed)'}</span>
        <CallStatusBadge status={call.status} />
        {call.latencyMs !== null && <span className="mono">{formatDuration(call.latencyMs)}</span>}
        <MockThisButton call={call} />
        {call.source.kind === 'exchange' && <ReplayButtons exchangeId={call.source.id} call={call} />}
        <SendResultButton call={call} />
        <PauseCallsButton call={call} />
      </p>
      <MockedByNote call={call} />
      <ReplayLinks call={call} />
      {call.status === 'pending' && (
        <p className="dp-note" role="status">
          Pending: waiting for a result since {formatClock(call.startT)}.
        </p>
      )}
      {call.status === 'unanswered' && (
        <ProblemBox title="This call was never answered">
          <p>No result came back for this call{unanswered ? ' (see the finding below)' : ''}: a bot waiting for a function result stays silent.</p>
        </ProblemBox>
      )}
      <KvList
        entries={[
          ['Started', <Time t={call.startT} firstT={firstT} seq={call.startSeq} />],
          ['Ended', call.endT !== null ? <Time t={call.endT} firstT={firstT} seq={call.endSeq} /> : call.status === 'pending' ? 'not yet' : null],
          ['Call id', call.callId !== null ? <span className="mono">{call.callId}</span> : <span className="muted">none (the protocol has no call ids)</span>],
          ['Protocol', <span className="mono">{call.protocol}</span>],
          ['Carried by', <Source call={call} />],
        ]}
      />
      <PauseHistory call={call} />
      {findings.length > 0 && (
        <div className="dp-group">
          <div className="dp-group-head">
            <h3>Findings</h3>
          </div>
          <FindingsList findings={findings} />
        </div>
      )}
      <JsonGroup
        label="Arguments"
        value={call.args}
        raw={call.argsRaw === '' ? null : call.argsRaw}
        note={
          argsMissing && call.argsRaw !== ''
            ? 'These arguments are not valid JSON; shown as they travelled.'
            : argsMissing && call.status === 'pending'
              ? 'The arguments have not arrived yet.'
              : undefined
        }
      />
      <JsonGroup
        label="Result"
        value={call.resultRaw === null ? undefined : result.value}
        raw={call.resultRaw}
        note={result.parsed ? 'The result is a JSON string; shown parsed.' : undefined}
      >
        {call.resultRaw === null ? (
          <p className="muted">
            {call.status === 'pending'
              ? 'Waiting for a result.'
              : call.status === 'unanswered'
                ? 'No result: the call was never answered.'
                : call.status === 'error'
                  ? 'No result: the call failed (see the findings).'
                  : 'No result was sent back (the platform does not wait for one).'}
          </p>
        ) : undefined}
      </JsonGroup>
      {call.tool ? (
        <section className="dp-group" role="group" aria-label="Declared schema">
          <div className="dp-group-head">
            <h3>Declared schema</h3>
            <span className="muted">
              {call.tool.seq !== null ? `declared in event #${call.tool.seq} (${call.tool.protocol})` : 'from toolscope.config.json'}
            </span>
          </div>
          {call.tool.description && <p className="dp-group-note">{call.tool.description}</p>}
          {call.tool.parameters !== undefined ? (
            <div className="dp-tree-box">
              <JsonTree value={call.tool.parameters} openDepth={4} label="parameters" />
            </div>
          ) : (
            <p className="muted">The tool declares no parameters.</p>
          )}
        </section>
      ) : (
        <p className="dp-hint">No declaration of {call.name ? <span className="mono">{call.name}</span> : 'this tool'} was seen, so its arguments are not checked against a schema.</p>
      )}
    </div>
  );
});

function Time({ t, firstT, seq }: { t: number; firstT: number | null; seq: number | null }) {
  return (
    <>
      {formatClock(t)}
      {firstT !== null && <span className="muted"> · +{formatRelativeMs(t, firstT)} ms</span>}
      {seq !== null && <span className="muted"> · event #{seq}</span>}
    </>
  );
}

function Source({ call }: { call: FunctionCall }) {
  const exchange = useTraffic((s) => (call.source.kind === 'exchange' ? s.exchanges.get(call.source.id) : undefined));
  const connection = useTraffic((s) => (call.source.kind === 'connection' ? s.connections.get(call.source.id) : undefined));
  const seq = exchange?.request.seq ?? connection?.open?.seq ?? connection?.failed?.seq;
  const text = exchange
    ? `${exchange.request.method} ${exchange.request.url}`
    : connection
      ? `WebSocket ${connection.open?.url ?? connection.failed?.url ?? ''}`
      : call.source.kind === 'exchange'
        ? 'an exchange no longer in the view'
        : 'a connection no longer in the view';
  const show = () => {
    const row = seq !== undefined ? rowBySeq(currentTraffic().rows, seq) : null;
    if (!row) return;
    selectRow(row);
    useTimelineStore.getState().setView('traffic');
  };
  return (
    <>
      <span className="mono">{text}</span>
      {seq !== undefined && (
        <>
          {' '}
          <button type="button" className="link-button" onClick={show}>
            Show in traffic
          </button>
        </>
      )}
    </>
  );
}
