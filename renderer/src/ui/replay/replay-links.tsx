/**
 * Where replays show in the details and the timeline: the Replay and Edit and resend buttons of a webhook call
 * (Call tab) and of an exchange (Request tab), "Replay calls…" for several calls, a replayed call's link to
 * the call it repeats, and the original's list of its replays.
 */
import { useMemo, type ReactNode } from 'react';
import type { FunctionCall } from '../../../../shared/analysis/model.js';
import type { ExchangeView } from '../../../../shared/store/traffic-state.js';
import { rowBySeq } from '../../state/detail-subject.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { originalOf, useReplayStore, type BatchScope } from '../../state/replay-store.js';
import { useSelectionStore } from '../../state/selection-store.js';
import { useTimelineStore } from '../../state/timeline-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { useAnalysis } from '../../state/use-analysis.js';
import { useCallRows } from '../../state/use-call-rows.js';
import { currentTraffic, useTraffic } from '../../state/use-traffic.js';
import { useViewStore } from '../../state/view-store.js';
import './replay.css';

/** Only requests that went to an http(s) upstream can be sent again (a WebSocket upgrade cannot). */
export function isReplayable(exchange: ExchangeView | undefined): exchange is ExchangeView {
  return !!exchange && /^https?:/i.test(exchange.request.upstreamUrl) && !/^websocket$/i.test(headerValue(exchange, 'upgrade') ?? '');
}

function headerValue(exchange: ExchangeView, name: string): string | undefined {
  return exchange.request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

/** "Replay" and "Edit and resend…" for the exchange behind a webhook call or a row of the Traffic view. */
export function ReplayButtons({ exchangeId, call }: { exchangeId: string; call?: FunctionCall }) {
  const exchange = useTraffic((s) => s.exchanges.get(exchangeId));
  const refusal = useReplayStore((s) => (s.refusal?.exchangeId === exchangeId ? s.refusal.text : null));
  if (!isReplayable(exchange)) return null;
  const original = () => originalOf(exchangeId, call);
  return (
    <>
      <button
        type="button"
        className="dp-small-button"
        title={`Send this request again to ${exchange.request.upstreamUrl} and compare the answers`}
        onClick={() => {
          const o = original();
          if (o) void useReplayStore.getState().replay(o);
        }}
      >
        Replay
      </button>
      <button
        type="button"
        className="dp-small-button"
        title="Change the method, URL, headers, arguments or body, then send"
        onClick={() => {
          const o = original();
          if (o) useReplayStore.getState().openResend(o);
        }}
      >
        Edit and resend…
      </button>
      {refusal && (
        <span className="form-error" role="alert">
          {refusal}{' '}
          <button type="button" className="link-button" onClick={() => useReplayStore.getState().dismissRefusal()}>
            Dismiss
          </button>
        </span>
      )}
    </>
  );
}

/** The Call tab's line for a replayed call (what it repeats) and for an original (its replays). */
export function ReplayLinks({ call }: { call: FunctionCall }) {
  const exchangeId = call.source.kind === 'exchange' ? call.source.id : null;
  const calls = useAnalysis((a) => a.calls);
  const replays = useMemo(() => {
    if (exchangeId === null) return [];
    const found: FunctionCall[] = [];
    for (const other of calls.values()) if (other.replayOf === exchangeId && other.name === call.name) found.push(other);
    return found;
  }, [calls, exchangeId, call.name]);
  const originalCall = useAnalysis((a) => {
    if (call.replayOf === undefined) return undefined;
    for (const other of a.calls.values()) if (other.source.kind === 'exchange' && other.source.id === call.replayOf) return other;
    return undefined;
  });
  if (call.replayOf === undefined && replays.length === 0) return null;
  return (
    <div className="replay-links" role="note" aria-label="Replays">
      {call.replayOf !== undefined && (
        <p>
          <span aria-hidden="true">↻</span> {call.edited ? 'Edited resend' : 'Replay'} of{' '}
          {originalCall ? (
            <button type="button" className="link-button mono" onClick={() => selectCallOfExchange(call.replayOf!, false)} title="Select the original call">
              {originalCall.name || 'call'} {call.replayOf}
            </button>
          ) : (
            <span className="mono" title="The original is not in this view (it may be in an opened session)">
              {call.replayOf}
            </span>
          )}
          {call.edited && <span className="badge replay-edited-badge">edited</span>}
          <span className="muted"> · sent by Toolscope, not by the bot</span>
        </p>
      )}
      {replays.length > 0 && (
        <p>
          Replayed {replays.length === 1 ? 'once' : `${replays.length} times`}:{' '}
          {replays.map((replay, i) => (
            <span key={replay.key}>
              {i > 0 && ', '}
              <button type="button" className="link-button mono" onClick={() => selectCall(replay.key)}>
                {replay.source.id}
                {replay.edited ? ' (edited)' : ''}
              </button>{' '}
              <span className={`status-${replay.status}`}>{replay.status}</span>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

/**
 * The timeline's mark on a replayed call, before its arguments (`children`): the mark keeps its width and the
 * arguments take what is left, cut with an ellipsis.
 */
export function ReplayBadge({ call, children }: { call: FunctionCall; children: ReactNode }) {
  if (call.replayOf === undefined) return <>{children}</>;
  return (
    <span className="replay-args">
      <span className="replay-badge" title={`${call.edited ? 'Edited resend' : 'Replay'} of exchange ${call.replayOf}`}>
        ↻ {call.edited ? 'edited, ' : ''}replay of {call.replayOf}
      </span>
      <span className="replay-args-text">{children}</span>
    </span>
  );
}

function selectCall(callKey: string): void {
  useTimelineStore.getState().setView('calls');
  useSelectionStore.getState().select({ kind: 'call', callKey });
}

/**
 * Selects the call an exchange carried (its first), else the exchange's row in the Traffic view. A new replay
 * lives in the live session: when a session is open and the exchange is not in it, the live view comes back.
 * The live batch may arrive just after the answer, so a missing exchange is looked for again for a moment.
 */
export function selectCallOfExchange(exchangeId: string, closeDialog: boolean, attempts = 10): void {
  if (closeDialog) useDialogStore.getState().close();
  const view = useViewStore.getState();
  if (view.session && !view.session.traffic.exchanges.has(exchangeId) && useTrafficStore.getState().traffic.exchanges.has(exchangeId)) view.showLive();
  const traffic = currentTraffic();
  const exchange = traffic.exchanges.get(exchangeId);
  if (!exchange) {
    if (attempts > 0) setTimeout(() => selectCallOfExchange(exchangeId, false, attempts - 1), 200);
    return;
  }
  const analysis = useViewStore.getState().session?.analysis ?? useTrafficStore.getState().analysis;
  for (const call of analysis.calls.values()) {
    if (call.source.kind === 'exchange' && call.source.id === exchangeId) {
      selectCall(call.key);
      return;
    }
  }
  const row = rowBySeq(traffic.rows, exchange.request.seq);
  if (row) {
    useTimelineStore.getState().setView('traffic');
    useSelectionStore.getState().select({ kind: 'row', row });
  }
}

/** "Replay calls…": all webhook calls of the selected call's function, or all the filter shows. */
export function openReplayCalls(shown: readonly FunctionCall[], selected: FunctionCall | null): void {
  const analysis = useViewStore.getState().session?.analysis ?? useTrafficStore.getState().analysis;
  const clearedAfterSeq = useViewStore.getState().session ? 0 : useTimelineStore.getState().clearedAfterSeq;
  // Replays are copies: sending them again would only repeat their originals.
  const webhook = (call: FunctionCall) => call.source.kind === 'exchange' && call.replayOf === undefined;
  const scopes: BatchScope[] = [];
  if (selected && selected.source.kind === 'exchange') {
    const calls: FunctionCall[] = [];
    for (const key of analysis.callOrder) {
      const call = analysis.calls.get(key);
      if (call && call.name === selected.name && call.startSeq > clearedAfterSeq && webhook(call)) calls.push(call);
    }
    scopes.push({ id: 'function', title: `All calls of ${selected.name || '(unnamed)'}`, calls });
  }
  scopes.push({ id: 'shown', title: 'All webhook calls the list shows', calls: shown.filter(webhook) });
  useReplayStore.getState().openBatch(scopes);
}

/** The selected call, if the selection is a call. */
export function useSelectedCall(): FunctionCall | null {
  const selection = useSelectionStore((s) => s.selection);
  const callKey = selection?.kind === 'call' ? selection.callKey : null;
  return useAnalysis((a) => (callKey !== null ? (a.calls.get(callKey) ?? null) : null));
}

/** The toolbar's "Replay calls…" (calls view). */
export function ReplayCallsButton() {
  const { matched } = useCallRows();
  const selected = useSelectedCall();
  return (
    <button
      type="button"
      className="replay-calls-button"
      title="Send several webhook calls again, one at a time, and compare each answer with the captured one"
      onClick={() => openReplayCalls(matched, selected)}
    >
      Replay calls…
    </button>
  );
}
