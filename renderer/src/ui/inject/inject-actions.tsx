/**
 * Where injection starts: "Send result…" on a realtime call, "Send frame…" on a connection, "Resend" and
 * "Edit and send…" on a captured frame, and the "injected" mark of a frame Toolscope sent itself. On a closed
 * connection (or a recorded session) the buttons are disabled and say why.
 */
import { useState } from 'react';
import type { FunctionCall } from '../../../../shared/analysis/model.js';
import type { EventOf } from '../../../../shared/events.js';
import { INJECTABLE_RESULT_PROTOCOLS, frameFormatOf, injectBlockedReason } from '../../../../shared/inject/inject-compose.js';
import { getBridge } from '../../bridge/get-bridge.js';
import { useInjectStore } from '../../state/inject-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { useViewStore } from '../../state/view-store.js';
import './inject.css';

function useBlocked(connectionId: string): string | null {
  const connection = useTrafficStore((s) => s.traffic.connections.get(connectionId));
  const readOnly = useViewStore((s) => s.session !== null);
  return injectBlockedReason(connection, readOnly);
}

/** Shown on the Call tab of a realtime call (OpenAI Realtime, NavTalk, RTVI, ElevenLabs). */
export function SendResultButton({ call }: { call: FunctionCall }) {
  const connectionId = call.source.kind === 'connection' ? call.source.id : '';
  const blocked = useBlocked(connectionId);
  if (call.source.kind !== 'connection' || !INJECTABLE_RESULT_PROTOCOLS.has(call.protocol)) return null;
  return (
    <>
      <button
        type="button"
        className="dp-small-button"
        disabled={blocked !== null}
        title={blocked ?? `Compose the result of this call and send it to the server as if the client had`}
        onClick={() => useInjectStore.getState().openResult(call.key, connectionId)}
      >
        Send result…
      </button>
      {blocked && <span className="visually-hidden">{blocked}</span>}
    </>
  );
}

/** Shown on a connection: the button, and the reason when it is disabled. */
export function SendFrameButton({ connectionId, compact = false }: { connectionId: string; compact?: boolean }) {
  const blocked = useBlocked(connectionId);
  return (
    <span className="inject-actions">
      <button
        type="button"
        className="dp-small-button"
        disabled={blocked !== null}
        title={blocked ?? 'Send a frame of your own on this connection, either way'}
        onClick={() => useInjectStore.getState().openFrame({ connectionId, direction: 'client-to-upstream', format: 'json', text: '{\n  "type": ""\n}' })}
      >
        Send frame…
      </button>
      {blocked && <span className={compact ? 'visually-hidden' : 'muted inject-reason'}>{blocked}</span>}
    </span>
  );
}

/** Under a captured frame: send it again as it was, or start the composer from it. */
export function FrameInjectActions({ frame }: { frame: EventOf<'ws.frame'> }) {
  const blocked = useBlocked(frame.connectionId);
  const [state, setState] = useState<{ error: string | null; notice: string | null; busy: boolean }>({ error: null, notice: null, busy: false });
  const cut = frame.truncated ? `Only ${frame.data.length.toLocaleString()} characters of this frame were captured, so it cannot be sent again exactly.` : null;
  const resend = async () => {
    setState({ error: null, notice: null, busy: true });
    try {
      const { seq } = await getBridge().call('injectFrame', {
        connectionId: frame.connectionId,
        direction: frame.direction,
        opcode: frame.opcode,
        data: frame.data,
        resentOf: frame.seq,
      });
      setState({ error: null, notice: `Sent again as event #${seq} ${frame.direction === 'client-to-upstream' ? 'to the server' : 'to the client'}.`, busy: false });
    } catch (e) {
      setState({ error: `Not sent: ${(e as Error).message}`, notice: null, busy: false });
    }
  };
  const reason = blocked ?? cut;
  return (
    <div className="inject-actions" role="group" aria-label="Send this frame again">
      <button type="button" className="dp-small-button" disabled={reason !== null || state.busy} title={reason ?? 'Send this frame again, the same way'} onClick={() => void resend()}>
        Resend
      </button>
      <button
        type="button"
        className="dp-small-button"
        disabled={blocked !== null}
        title={blocked ?? 'Edit this frame, then send it'}
        onClick={() =>
          useInjectStore.getState().openFrame({
            connectionId: frame.connectionId,
            direction: frame.direction,
            format: frameFormatOf(frame.opcode, frame.data),
            text: frame.opcode === 'text' && frameFormatOf(frame.opcode, frame.data) === 'json' ? pretty(frame.data) : frame.data,
            resentOf: frame.seq,
          })
        }
      >
        Edit and send…
      </button>
      {reason && <span className="muted inject-reason">{reason}</span>}
      {state.error && (
        <span className="form-error" role="alert">
          {state.error}
        </span>
      )}
      {state.notice && (
        <span className="inject-notice" role="status">
          {state.notice}
        </span>
      )}
    </div>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The mark of a frame Toolscope sent itself (injected from the UI, or a mock's reply). */
export function FrameOriginBadge({ frame, short = false }: { frame: Pick<EventOf<'ws.frame'>, 'origin' | 'resentOf'>; short?: boolean }) {
  if (frame.origin === 'inject')
    return (
      <span className="frame-origin frame-injected" title={frame.resentOf !== undefined ? `Sent from the Toolscope UI again (a resend of event #${frame.resentOf}); the other side never sent it` : 'Sent from the Toolscope UI; the other side never sent it'}>
        {frame.resentOf === undefined ? 'injected' : short ? 'resent' : `injected (resend of #${frame.resentOf})`}
      </span>
    );
  if (frame.origin === 'mock')
    return (
      <span className="frame-origin frame-mock" title="Sent by a mock rule; the other side never sent it">
        mock
      </span>
    );
  return null;
}
