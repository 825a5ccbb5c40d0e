/**
 * Breakpoints where the user is: the header's "Breakpoints" button (with the count of held items), "Pause calls
 * of <fn>" on a call (a webhook call is held as a request, a realtime call as the frame that carries it), the
 * holds a call went through (how each ended; read-only in a recorded session), and the marks in the timeline.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { FunctionCall } from '../../../../shared/analysis/model.js';
import { callPauses, pauseOutcome, isCallHeld, isResultInjected, describeHeld } from '../../../../shared/breakpoints/held-items.js';
import type { BreakpointRule } from '../../../../shared/breakpoints/breakpoint-rule.js';
import { getBridge } from '../../bridge/get-bridge.js';
import { useBreakpointsStore } from '../../state/breakpoints-store.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { useTraffic } from '../../state/use-traffic.js';
import { useViewStore } from '../../state/view-store.js';
import { setBreakpointsNotice, uniqueBreakpointId } from './breakpoints-dialog.js';
import { useHeldItems } from './held-bar.js';
import './breakpoints.css';
import { PauseIcon } from './pause-icon.js';

export function BreakpointsButton() {
  const held = useHeldItems().length;
  return (
    <button
      type="button"
      className={held > 0 ? 'bp-header-button bp-header-held' : 'bp-header-button'}
      title="Rules that hold requests, responses and frames so you can edit them"
      aria-label={held > 0 ? `Breakpoints…, ${held} held` : 'Breakpoints…'}
      onClick={() => useDialogStore.getState().show('breakpoints')}
    >
      Breakpoints…{held > 0 && <span className="bp-held-count"> <PauseIcon /> {held}</span>}
    </button>
  );
}

/** "Pause calls of get_weather": adds an enabled rule at the end of the list and opens the dialog. */
export function PauseCallsButton({ call }: { call: FunctionCall }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!call.name) return null;
  const realtime = call.source.kind === 'connection';
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      const current = await getBridge().call('getBreakpoints', {});
      const rule: BreakpointRule = {
        id: uniqueBreakpointId(call.name, new Set(current.rules.map((r) => r.id))),
        name: `Pause ${call.name}`,
        enabled: true,
        match: { functionName: call.name },
        stage: realtime ? 'frame' : 'request',
        ...(realtime ? { direction: 'upstream-to-client' as const } : {}),
        timeoutMs: 30_000,
      };
      await useBreakpointsStore.getState().setRules([...current.rules, rule]);
      setBreakpointsNotice(
        realtime
          ? `Added “${rule.name}”: the next ${call.name} call from the server is held before the client sees it.`
          : `Added “${rule.name}”: the next ${call.name} request is held before it reaches the upstream.`,
      );
      useDialogStore.getState().show('breakpoints');
    } catch (e) {
      setError(`Could not add the breakpoint: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="dp-small-button"
        disabled={busy}
        title={realtime ? `Hold the next ${call.name} call before the client sees it` : `Hold the next ${call.name} request before it reaches the upstream`}
        onClick={() => void add()}
      >
        Pause calls of {call.name}
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** The holds this call went through, with how they ended; a held one opens in the held bar (live only). */
export function PauseHistory({ call }: { call: FunctionCall }) {
  // Select the owner's own (stable) list, then pick this call's holds: a selector must not return a new array.
  const owned = useTraffic((t) => (call.source.kind === 'exchange' ? t.exchanges.get(call.source.id)?.pauses : t.connections.get(call.source.id)?.pauses));
  const pauses = useMemo(() => (owned && owned.length > 0 ? callPauses(call, owned) : []), [call, owned]);
  const readOnly = useViewStore((s) => s.session !== null);
  const openPause = useBreakpointsStore((s) => s.openPause);
  if (pauses.length === 0) return null;
  return (
    <section className="dp-group" role="group" aria-label="Breakpoint holds">
      <div className="dp-group-head">
        <h3>Held by breakpoints</h3>
      </div>
      <ul className="bp-history">
        {pauses.map((p) => (
          <li key={p.start.pauseId} className={p.end === null ? 'bp-history-held' : undefined}>
            <span className="mono">{describeHeld({ stage: p.start.stage, functionName: p.start.functionName ?? null, direction: p.start.direction, start: p.start })}</span>{' '}
            <span className="muted">by {p.start.ruleName || p.start.ruleId}:</span> {pauseOutcome(p)}
            {p.end?.request && (
              <details className="bp-sent">
                <summary>
                  What went to the upstream instead: <span className="mono">{`${p.end.request.method} ${p.end.request.url}`}</span>
                </summary>
                {p.end.request.body === null ? (
                  <p className="muted">No body.</p>
                ) : p.end.request.body.encoding === 'utf8' ? (
                  <pre className="bp-sent-body">{p.end.request.body.data}</pre>
                ) : (
                  <p className="muted">A binary body of {p.end.request.body.size.toLocaleString()} bytes.</p>
                )}
              </details>
            )}
            {p.end?.action === 'edit' && p.start.response && (
              <details className="bp-sent">
                <summary>
                  What the upstream answered, before the edit: <span className="mono">{`${p.start.response.status} ${p.start.response.statusMessage}`}</span>
                </summary>
                {p.start.response.body.encoding === 'utf8' ? (
                  <pre className="bp-sent-body">{p.start.response.body.data || '(no body)'}</pre>
                ) : (
                  <p className="muted">A binary body of {p.start.response.body.size.toLocaleString()} bytes.</p>
                )}
              </details>
            )}
            {p.end === null && !readOnly && (
              <>
                {' '}
                <button type="button" className="link-button" onClick={() => openPause(p.start.pauseId)}>
                  Open in the held bar
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Marks after a call's name in the timeline: held now by a breakpoint, result injected from the UI. */
export function useCallMarks(call: FunctionCall | undefined): { held: boolean; injected: boolean } {
  const held = useTraffic((t) => (call ? isCallHeld(call, t) : false));
  const injected = useTraffic((t) => (call ? isResultInjected(call, t) : false));
  return { held, injected };
}

/**
 * The timeline's status cell with the marks: a call a breakpoint holds reads "paused" with a pause sign (it is pending, and
 * the bar under the header says what to do); a result injected from the UI gets an "injected" badge.
 */
export function CallMarks({ held, injected, children }: { held: boolean; injected: boolean; children: ReactNode }) {
  if (held)
    return (
      <span className="call-mark-held" title="A breakpoint holds this call now: see the bar under the header">
        <PauseIcon /> paused
      </span>
    );
  return (
    <>
      {children}
      {injected && (
        <span className="frame-origin frame-injected" title="Its result was injected from Toolscope, not sent by the client">
          injected
        </span>
      )}
    </>
  );
}
