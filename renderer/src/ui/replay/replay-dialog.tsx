/**
 * The Replay dialog: one replay and its comparison, or "Replay calls…": choose the calls and where to send
 * them, then watch them go one at a time (a progress bar, Stop) and read the results (same, different with
 * the differences, error, skipped with the reason). A result opens its own comparison.
 */
import { useCallback, useId, useState } from 'react';
import { parseBaseUrl } from '../../../../shared/replay/replay-request.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { DEFAULT_REPLAY_TIMEOUT_MS, useReplayStore, type BatchItem, type BatchRun, type BatchScope } from '../../state/replay-store.js';
import { ModalDialog } from '../modal-dialog.js';
import { DiffLines, ReplayView } from './replay-view.js';
import './replay.css';

export function ReplayDialog() {
  const close = useDialogStore((s) => s.close);
  const mode = useReplayStore((s) => s.mode);
  const run = useReplayStore((s) => s.run);
  const batch = useReplayStore((s) => s.batch);
  const onClose = useCallback(() => close(), [close]);
  const label = mode === 'batch' ? 'Replay calls' : run?.edited ? 'Edit and resend: result' : 'Replay';
  return (
    <ModalDialog label={label} className="replay-dialog" onClose={onClose}>
      {mode === 'batch' ? <BatchView /> : run ? <ReplayView key={run.serial} run={run} fromBatch={batch !== null} /> : <p className="muted">Nothing replayed yet.</p>}
    </ModalDialog>
  );
}

function BatchView() {
  const batch = useReplayStore((s) => s.batch);
  const scopes = useReplayStore((s) => s.scopes);
  if (!batch) return <BatchSetup scopes={scopes} />;
  return <BatchProgress batch={batch} />;
}

function BatchSetup({ scopes }: { scopes: BatchScope[] }) {
  const [scopeId, setScopeId] = useState(scopes[0]?.id ?? 'shown');
  const [target, setTarget] = useState<'captured' | 'other'>('captured');
  const [base, setBase] = useState('');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(DEFAULT_REPLAY_TIMEOUT_MS / 1000));
  const [error, setError] = useState<string | null>(null);
  const name = useId();
  const scope = scopes.find((s) => s.id === scopeId) ?? scopes[0];
  const start = () => {
    if (!scope) return;
    let against: string | null = null;
    if (target === 'other') {
      const parsed = parseBaseUrl(base);
      if (!parsed.ok) return setError(parsed.error);
      against = parsed.origin;
    }
    const seconds = Number(timeoutSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) return setError('The timeout is a number of seconds, more than 0 and at most 600');
    setError(null);
    void useReplayStore.getState().startBatch(scope, against, Math.round(seconds * 1000));
  };
  return (
    <form
      className="replay-batch-setup"
      onSubmit={(event) => {
        event.preventDefault();
        start();
      }}
    >
      <fieldset className="dialog-fieldset">
        <legend>Calls</legend>
        {scopes.map((s) => (
          <label key={s.id}>
            <input type="radio" name={`${name}-scope`} checked={s.id === scope?.id} onChange={() => setScopeId(s.id)} />
            {s.title}: {s.calls.length} call{s.calls.length === 1 ? '' : 's'}
          </label>
        ))}
        <span className="dialog-hint">Webhook calls only (a realtime call cannot be sent again on its own); replays are left out. One at a time, in the order they started.</span>
      </fieldset>
      <fieldset className="dialog-fieldset">
        <legend>Send to</legend>
        <label>
          <input type="radio" name={`${name}-target`} checked={target === 'captured'} onChange={() => setTarget('captured')} />
          Each call's captured upstream
        </label>
        <label>
          <input type="radio" name={`${name}-target`} checked={target === 'other'} onChange={() => setTarget('other')} />
          Another base URL{' '}
          <input
            type="text"
            className="mono replay-base-input"
            aria-label="Base URL"
            placeholder="http://127.0.0.1:9000"
            value={base}
            onFocus={() => setTarget('other')}
            onChange={(event) => {
              setBase(event.target.value);
              setTarget('other');
            }}
          />
        </label>
        <span className="dialog-hint">The origin is replaced; each call's path and query stay as captured.</span>
        <label>
          Timeout per call{' '}
          <input type="number" min={1} max={600} className="replay-timeout-input" aria-label="Timeout per call in seconds" value={timeoutSeconds} onChange={(e) => setTimeoutSeconds(e.target.value)} />
          &nbsp;s
        </label>
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={!scope || scope.calls.length === 0}>
          Replay {scope ? `${scope.calls.length} call${scope.calls.length === 1 ? '' : 's'}` : ''}
        </button>
        <span className="dialog-hint">Each replay is recorded in the live session as a new exchange linked to its original.</span>
      </div>
    </form>
  );
}

const STATE_LOOK: Record<BatchItem['state'], { icon: string; word: string; tone: string }> = {
  waiting: { icon: '·', word: 'waiting', tone: 'pending' },
  sending: { icon: '…', word: 'sending', tone: 'pending' },
  same: { icon: '✓', word: 'same', tone: 'ok' },
  different: { icon: '≠', word: 'different', tone: 'warn' },
  error: { icon: '✕', word: 'error', tone: 'bad' },
  skipped: { icon: '⤼', word: 'skipped', tone: 'pending' },
};

function BatchProgress({ batch }: { batch: BatchRun }) {
  const { stopBatch, showItem } = useReplayStore.getState();
  const total = batch.items.length;
  const finished = batch.items.filter((i) => i.state !== 'waiting' && i.state !== 'sending').length;
  const counts = { same: 0, different: 0, error: 0, skipped: 0 };
  for (const item of batch.items) if (item.state in counts) counts[item.state as keyof typeof counts]++;
  return (
    <div className="replay-batch">
      <p className="replay-what">
        {batch.title}, sent to {batch.against ? <span className="mono">{batch.against}</span> : 'their captured upstreams'} (timeout {batch.timeoutMs / 1000} s each)
      </p>
      <div className="replay-progress">
        <progress max={total} value={finished} aria-label="Replay progress" />
        <span role="status" aria-label="Replay progress text">
          {batch.running ? `${finished} of ${total}` : batch.stopped ? `Stopped: ${finished} of ${total}` : `Done: ${total} of ${total}`}
        </span>
        {batch.running && (
          <button type="button" onClick={stopBatch}>
            Stop
          </button>
        )}
        <span className="replay-counts" aria-label="Replay summary">
          {counts.same} same · {counts.different} different · {counts.error} error{counts.error === 1 ? '' : 's'} · {counts.skipped} skipped
        </span>
      </div>
      <ol className="replay-results" aria-label="Replay results">
        {batch.items.map((item) => {
          const look = STATE_LOOK[item.state];
          return (
            <li key={item.exchangeId} className={`replay-result replay-result-${item.state}`} aria-label={`${item.label}: ${look.word}`}>
              <div className="replay-result-head">
                <span className={`replay-result-state tone-${look.tone}`}>
                  <span aria-hidden="true">{look.icon}</span> {look.word}
                </span>
                <span className="mono">{item.label}</span>
                <span className="mono muted">{item.exchangeId}</span>
                {item.detail && <span className={item.state === 'error' ? 'form-error' : 'muted'}>{item.detail}</span>}
                {item.run && !item.run.sending && (
                  <button type="button" className="link-button" onClick={() => showItem(item.run!)}>
                    Show comparison
                  </button>
                )}
              </div>
              {item.lines.length > 0 && <DiffLines lines={item.lines} />}
            </li>
          );
        })}
      </ol>
      {!batch.running && (
        <div className="dialog-actions">
          <button type="button" onClick={() => useReplayStore.setState({ batch: null })}>
            Replay other calls…
          </button>
        </div>
      )}
    </div>
  );
}
