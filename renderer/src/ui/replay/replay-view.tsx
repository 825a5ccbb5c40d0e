/**
 * One replay (or edited resend) and how its answer compares with the captured one: a status line (same, N
 * differences, error), one line per difference, then both answers side by side with the differing fields
 * marked; SSE answers event by event, each event marked same, changed, added or removed.
 */
import { useMemo, useState } from 'react';
import type { ResendResult } from '../../../../shared/bridge.js';
import type { ReplayAnswer } from '../../../../shared/replay/result-diff.js';
import {
  changedPaths,
  parseBaseUrl,
  replayRequestOf,
  replayedAnswer,
  requestChanges,
  type ChangeKind,
  type JsonPathKey,
  type ReplayVerdict,
} from '../../../../shared/replay/replay-request.js';
import { differenceLines, labelOf, useReplayStore, type ReplayRun } from '../../state/replay-store.js';
import { selectCallOfExchange } from './replay-links.js';
import { DiffJson } from './diff-json.js';
import { formatDuration } from '../format.js';

export function ReplayView({ run, fromBatch }: { run: ReplayRun; fromBatch: boolean }) {
  const { original, request, result, verdict } = run;
  const marks = useMemo(() => (verdict?.kind === 'different' ? changedPaths(verdict.delta) : { before: new Map(), after: new Map() }), [verdict]);
  const what = original.callName ? `${original.callName} (${labelOf(original.exchange)})` : labelOf(original.exchange);
  return (
    <div className="replay-view">
      <p className="replay-what">
        {run.edited ? 'Edited resend of ' : 'Replay of '}
        <span className="mono">{what}</span>, exchange <span className="mono">{original.exchange.id}</span>
        {original.sessionLabel !== null && (
          <>
            {' '}
            from the opened session <span className="mono">{original.sessionLabel}</span>
          </>
        )}
      </p>
      <StatusLine run={run} />
      <p className="replay-sent">
        <span className="muted">Sent</span>{' '}
        <span className="mono">
          {request.method} {request.url}
        </span>
        {result && <span className="muted"> · {formatDuration(result.durationMs)}</span>}
        {result && <RecordedAs run={run} result={result} />}
      </p>
      {original.sessionLabel !== null && (
        <p className="dp-note" role="note">
          The request was taken from the opened session (read-only); the replay is recorded in the live session, not in that file.
        </p>
      )}
      {run.warnings.map((warning) => (
        <p key={warning} className="dp-note warn-text">
          {warning}
        </p>
      ))}
      {run.ignored.length > 0 && (
        <p className="dialog-hint">
          Left out of the comparison (the config file's <code>replay.ignore</code>): <span className="mono">{run.ignored.join(', ')}</span>
        </p>
      )}
      {run.edited && <RequestChanges run={run} />}
      {verdict?.kind === 'different' && (
        <>
          <h3 className="replay-subhead">Answer differences</h3>
          <DiffLines lines={differenceLines(run)} />
        </>
      )}
      {(result?.response || !run.sending) && <SideBySide run={run} before={marks.before} after={marks.after} />}
      <ReplayActions run={run} fromBatch={fromBatch} />
    </div>
  );
}

/** What the user changed in the request, as the answer differences are listed: one line per change. */
function RequestChanges({ run }: { run: ReplayRun }) {
  const lines = useMemo(() => {
    const plain = replayRequestOf(run.original.exchange);
    if ('refused' in plain) return null;
    return requestChanges(plain.request, run.request);
  }, [run]);
  if (lines === null) return null;
  return (
    <>
      <h3 className="replay-subhead">Request changes</h3>
      {lines.length > 0 ? <DiffLines lines={lines} label="Request changes" /> : <p className="muted">None: the captured request was sent as it was.</p>}
    </>
  );
}

function StatusLine({ run }: { run: ReplayRun }) {
  const verdict = run.verdict;
  let tone = 'pending';
  let icon = '…';
  let text: string;
  if (run.sending) text = 'Sending…';
  else if (run.failure !== null) {
    tone = 'bad';
    icon = '✕';
    text = `Not sent: ${run.failure}`;
  } else text = verdictSentence(verdict);
  if (!run.sending && run.failure === null && verdict) {
    ({ tone, icon } = verdictLook(verdict));
  }
  return (
    <p className={`replay-status replay-status-${tone}`} role="status" aria-label="Replay result">
      <span aria-hidden="true">{icon}</span> {text}
    </p>
  );
}

function verdictSentence(verdict: ReplayVerdict | null): string {
  if (!verdict) return 'No answer yet';
  switch (verdict.kind) {
    case 'same':
      return 'Same answer as captured';
    case 'different':
      return `${verdict.lines.length} difference${verdict.lines.length === 1 ? '' : 's'} from the captured answer`;
    case 'error':
      return `Error: ${verdict.message}`;
    case 'uncompared':
      return `Answered, not compared: ${verdict.reason}`;
  }
}

export function verdictLook(verdict: ReplayVerdict): { tone: string; icon: string } {
  switch (verdict.kind) {
    case 'same':
      return { tone: 'ok', icon: '✓' };
    case 'different':
      return { tone: 'warn', icon: '≠' };
    case 'error':
      return { tone: 'bad', icon: '✕' };
    case 'uncompared':
      return { tone: 'pending', icon: '○' };
  }
}

function RecordedAs({ run, result }: { run: ReplayRun; result: ResendResult }) {
  return (
    <>
      <span className="muted"> · recorded as exchange </span>
      <span className="mono">{result.exchangeId}</span>{' '}
      <button type="button" className="link-button" onClick={() => selectCallOfExchange(result.exchangeId, true)} title="Close this dialog and select the new call in the live session">
        Show the new call
      </button>
      {run.original.sessionLabel === null && (
        <>
          {' · '}
          <button type="button" className="link-button" onClick={() => selectCallOfExchange(run.original.exchange.id, true)}>
            Show the original
          </button>
        </>
      )}
    </>
  );
}

export function DiffLines({ lines, label = 'Differences' }: { lines: readonly string[]; label?: string }) {
  return (
    <ul className="diff-lines mono" aria-label={label}>
      {lines.map((line, i) => (
        <li key={i} className={`diff-${line.startsWith('+') ? 'added' : line.startsWith('-') ? 'removed' : 'changed'}`}>
          {line}
        </li>
      ))}
    </ul>
  );
}

function SideBySide({ run, before, after }: { run: ReplayRun; before: Map<JsonPathKey, ChangeKind>; after: Map<JsonPathKey, ChangeKind> }) {
  const { captured, result, original } = run;
  const response = original.exchange.response;
  const replayed = result?.response ? replayedAnswer(result.response) : null;
  const capturedSide = 'reason' in captured ? null : captured.answer;
  const sse = capturedSide?.kind === 'sse' || replayed?.kind === 'sse';
  return (
    <div className="replay-sides">
      <section className="replay-side" aria-label="Captured answer">
        <h3>
          Captured <span className="mono muted">{original.exchange.id}</span>{' '}
          {response && (
            <span className="mono">
              {response.status} {response.statusMessage}
            </span>
          )}
        </h3>
        {'reason' in captured ? (
          <p className="muted">Not compared: {captured.reason}.</p>
        ) : sse ? (
          <SseSide answer={capturedSide} other={replayed} marks={before} side="captured" />
        ) : (
          <BodySide answer={capturedSide} marks={before} label="Captured body" />
        )}
      </section>
      <section className="replay-side" aria-label="Replayed answer">
        <h3>
          Replayed {result && <span className="mono muted">{result.exchangeId}</span>}{' '}
          {result?.response && (
            <span className="mono">
              {result.response.status} {result.response.statusMessage}
            </span>
          )}
        </h3>
        {run.sending ? (
          <p className="muted">Waiting for the answer…</p>
        ) : run.failure !== null ? (
          <p className="form-error">Nothing was sent: {run.failure}</p>
        ) : !result?.response ? (
          <p className="form-error">No answer: {result?.error ?? 'unknown error'}</p>
        ) : sse ? (
          <SseSide answer={replayed} other={capturedSide} marks={after} side="replayed" />
        ) : (
          <BodySide answer={replayed} marks={after} label="Replayed body" />
        )}
        {result?.response?.body.truncated && <p className="dp-note warn-text">The answer was longer than the capture limit; only its start was kept and compared.</p>}
      </section>
    </div>
  );
}

function comparable(text: string): { json: true; value: unknown } | { json: false; text: string } {
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, text };
  }
}

function BodySide({ answer, marks, label }: { answer: ReplayAnswer | null; marks: Map<JsonPathKey, ChangeKind>; label: string }) {
  if (!answer || answer.kind !== 'body') return <p className="muted">(no body)</p>;
  if (answer.text === '') return <p className="muted">(empty body)</p>;
  const parsed = comparable(answer.text);
  if (!parsed.json) {
    const changed = marks.size > 0;
    return (
      <pre className={`diff-json code${changed ? ' diff-changed' : ''}`} aria-label={label}>
        {parsed.text}
      </pre>
    );
  }
  return <DiffJson value={parsed.value} marks={marks} label={label} />;
}

type EventMark = 'same' | ChangeKind;

/** Each event's mark, from the paths that differ (`[i, …]` belongs to event i). */
function eventMarks(marks: Map<JsonPathKey, ChangeKind>): Map<number, ChangeKind> {
  const out = new Map<number, ChangeKind>();
  for (const [key, kind] of marks) {
    const path = JSON.parse(key) as (string | number)[];
    if (path.length === 0 || typeof path[0] !== 'number') continue;
    const index = path[0];
    // The whole event added or removed, else something inside it changed.
    out.set(index, path.length === 1 ? kind : 'changed');
  }
  return out;
}

function SseSide({
  answer,
  other,
  marks,
  side,
}: {
  answer: ReplayAnswer | null;
  other: ReplayAnswer | null;
  marks: Map<JsonPathKey, ChangeKind>;
  side: 'captured' | 'replayed';
}) {
  const events = answer?.kind === 'sse' ? answer.events : [];
  const otherCount = other?.kind === 'sse' ? other.events.length : 0;
  const perEvent = eventMarks(marks);
  if (answer?.kind === 'body') return <BodySide answer={answer} marks={marks} label={`${side === 'captured' ? 'Captured' : 'Replayed'} body`} />;
  if (events.length === 0) return <p className="muted">(no events)</p>;
  return (
    <ol className="replay-events" aria-label={`${side === 'captured' ? 'Captured' : 'Replayed'} SSE events`}>
      {events.map((event, i) => {
        const mark: EventMark = perEvent.get(i) ?? (i >= otherCount && other?.kind === 'sse' ? (side === 'captured' ? 'removed' : 'added') : 'same');
        const data = comparable(event.data);
        return (
          <li key={i} className={`replay-event replay-event-${mark}`} aria-label={`Event ${i + 1} ${event.type}: ${mark}`}>
            <div className="replay-event-head">
              <span className="mono">
                #{i + 1} {event.type}
              </span>
              <span className={`replay-event-mark mark-${mark}`}>{MARK_WORDS[mark]}</span>
            </div>
            {data.json ? (
              <DiffJson value={data.value} marks={marks} path={[i, 'data']} label={`Event ${i + 1} data`} />
            ) : (
              <pre className="diff-json code">{data.text}</pre>
            )}
          </li>
        );
      })}
    </ol>
  );
}

const MARK_WORDS: Record<EventMark, string> = { same: '= same', changed: '~ changed', added: '+ added', removed: '− removed' };

function ReplayActions({ run, fromBatch }: { run: ReplayRun; fromBatch: boolean }) {
  const [base, setBase] = useState(run.against ?? '');
  const [error, setError] = useState<string | null>(null);
  const { replay, openResend, backToBatch, send } = useReplayStore.getState();
  const sendElsewhere = () => {
    const parsed = parseBaseUrl(base);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    void replay(run.original, parsed.origin);
  };
  return (
    <div className="replay-actions">
      <div className="dialog-actions">
        <button
          type="button"
          className="primary"
          disabled={run.sending}
          onClick={() => void (run.edited ? send(run.original, run.request, { edited: true, against: run.against, warnings: run.warnings }) : replay(run.original, run.against))}
        >
          {run.edited ? 'Send again' : 'Replay again'}
        </button>
        <button type="button" disabled={run.sending} onClick={() => openResend(run.original, run.edited ? run.request : undefined)}>
          {run.edited ? 'Edit again…' : 'Edit and resend…'}
        </button>
        {fromBatch && (
          <button type="button" onClick={backToBatch}>
            Back to the results
          </button>
        )}
      </div>
      {!run.edited && (
        <form
          className="replay-elsewhere"
          onSubmit={(event) => {
            event.preventDefault();
            sendElsewhere();
          }}
        >
          <label>
            Replay to another base URL{' '}
            <input
              type="text"
              className="mono"
              value={base}
              placeholder="http://127.0.0.1:9000"
              aria-invalid={error !== null}
              onChange={(event) => {
                setBase(event.target.value);
                setError(null);
              }}
            />
          </label>
          <button type="submit" disabled={run.sending}>
            Replay there
          </button>
          {run.against !== null && (
            <button type="button" className="link-button" disabled={run.sending} onClick={() => void replay(run.original, null)}>
              Replay to the captured upstream
            </button>
          )}
          <span className="dialog-hint">The origin is replaced; the path and query stay as captured.</span>
          {error && (
            <span className="form-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
