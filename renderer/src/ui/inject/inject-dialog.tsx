/**
 * The inject dialog: "Send result…" composes a realtime call's result message in its dialect (with the call's
 * id, from the captured result or empty) and sends it to the server as if the client had, optionally followed
 * by `response.create`; "Send frame…" sends any frame either way. Text is checked here first (JSON syntax with
 * line and column, base64), then each frame goes to the core with `injectFrame`; a refusal (a socket that has
 * closed meanwhile) is shown as the core words it.
 */
import { useRef, useState } from 'react';
import type { WsDirection } from '../../../../shared/events.js';
import {
  RESPONSE_CREATE_TEXT,
  checkFrameText,
  composeResult,
  injectBlockedReason,
  needsResponseCreate,
  type FrameFormat,
} from '../../../../shared/inject/inject-compose.js';
import { getBridge } from '../../bridge/get-bridge.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { useInjectStore, type InjectTarget } from '../../state/inject-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { useViewStore } from '../../state/view-store.js';
import { JsonEditor, type JsonEditorHandle } from '../code/json-editor.js';
import { locateJsonError } from '../code/json-error-locator.js';
import { ModalDialog } from '../modal-dialog.js';
import './inject.css';

export function InjectDialog() {
  const close = useDialogStore((s) => s.close);
  const target = useInjectStore((s) => s.target);
  const serial = useInjectStore((s) => s.serial);
  if (!target) return null;
  return (
    <ModalDialog label={target.kind === 'result' ? 'Send result' : 'Send frame'} className="inject-dialog" onClose={close}>
      {target.kind === 'result' ? <ResultComposer key={serial} target={target} /> : <FrameComposer key={serial} target={target} />}
    </ModalDialog>
  );
}

/** Why the connection cannot take a frame now (closed, a recorded session on screen), or null. */
function useBlocked(connectionId: string): string | null {
  const connection = useTrafficStore((s) => s.traffic.connections.get(connectionId));
  const readOnly = useViewStore((s) => s.session !== null);
  return injectBlockedReason(connection, readOnly);
}

interface Outgoing {
  direction: WsDirection;
  opcode: 'text' | 'binary';
  data: string;
  resentOf?: number;
}

/** Sends frames in order; stops at the first refusal. Returns the seqs sent and the refusal, if any. */
async function sendAll(connectionId: string, frames: readonly Outgoing[]): Promise<{ seqs: number[]; error: string | null }> {
  const seqs: number[] = [];
  for (const frame of frames) {
    try {
      const { seq } = await getBridge().call('injectFrame', { connectionId, ...frame });
      seqs.push(seq);
    } catch (e) {
      return { seqs, error: (e as Error).message };
    }
  }
  return { seqs, error: null };
}

function sentSentence(seqs: readonly number[], way: string): string {
  return `Sent ${seqs.length === 1 ? 'the frame' : `${seqs.length} frames`} ${way} (event ${seqs.map((s) => `#${s}`).join(', ')}); the frames list marks ${seqs.length === 1 ? 'it' : 'them'} "injected".`;
}

function ResultComposer({ target }: { target: Extract<InjectTarget, { kind: 'result' }> }) {
  const call = useTrafficStore((s) => s.analysis.calls.get(target.callKey));
  const blocked = useBlocked(target.connectionId);
  const editor = useRef<JsonEditorHandle>(null);
  // Composed once, from the call as it is when the dialog opens: a result that arrives meanwhile does not overwrite edits.
  const [composed] = useState(() => (call ? composeResult(call) : null));
  const [responseCreate, setResponseCreate] = useState(() => (call ? needsResponseCreate(call.protocol) : false));
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!call) return <p className="dp-empty">This call is not in the live traffic.</p>;
  if (!composed) return <p className="dp-empty">A result for a {call.protocol} call cannot be composed here.</p>;
  const withCreate = needsResponseCreate(call.protocol);

  const send = async () => {
    const handle = editor.current;
    if (!handle) return;
    setNotice(null);
    const checked = checkFrameText('json', handle.text(), { compact: true, locate: locateJsonError });
    if (!checked.ok) {
      setError(checked.message);
      if (checked.offset !== undefined) handle.showError(checked.offset);
      return;
    }
    const frames: Outgoing[] = [{ direction: 'client-to-upstream', opcode: 'text', data: checked.data }];
    if (withCreate && responseCreate) frames.push({ direction: 'client-to-upstream', opcode: 'text', data: RESPONSE_CREATE_TEXT });
    setBusy(true);
    setError(null);
    const { seqs, error: refused } = await sendAll(target.connectionId, frames);
    setBusy(false);
    if (seqs.length > 0) setNotice(sentSentence(seqs, 'to the server'));
    if (refused) setError(`${seqs.length > 0 ? `Only ${seqs.length} of ${frames.length} frames were sent. ` : 'Not sent: '}${refused}`);
  };

  return (
    <section className="inject-composer" role="group" aria-label="Result composer">
      <p className="dialog-hint">
        The result of <span className="mono">{call.name || '(unnamed)'}</span>
        {call.callId !== null && (
          <>
            {' '}
            (call id <span className="mono">{call.callId}</span>)
          </>
        )}{' '}
        as the {PROTOCOL_NAME[call.protocol] ?? call.protocol} client sends it, to the server as if the client had sent it.{' '}
        {call.resultRaw === null ? 'The call has no result yet: the output starts empty.' : 'It starts from the captured result.'}
      </p>
      <JsonEditor ref={editor} className="inject-editor" initialText={composed.text} label="Result message" autoFocus onChange={() => setError(null)} />
      {withCreate && (
        <label className="dp-check inject-check">
          <input type="checkbox" checked={responseCreate} onChange={(e) => setResponseCreate(e.target.checked)} />
          Then send <span className="mono">response.create</span> (without it the model stays silent about the result)
        </label>
      )}
      <Outcome blocked={blocked} error={error} notice={notice} />
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={busy || blocked !== null} title={blocked ?? undefined} onClick={() => void send()}>
          Send to server
        </button>
        <button type="button" onClick={() => useDialogStore.getState().close()}>
          Close
        </button>
      </div>
    </section>
  );
}

const PROTOCOL_NAME: Partial<Record<string, string>> = { 'openai-realtime': 'OpenAI Realtime', navtalk: 'NavTalk', rtvi: 'Pipecat RTVI', elevenlabs: 'ElevenLabs' };

const FORMATS: readonly { id: FrameFormat; label: string }[] = [
  { id: 'json', label: 'JSON' },
  { id: 'text', label: 'Text' },
  { id: 'binary', label: 'Binary (base64)' },
];

function FrameComposer({ target }: { target: Extract<InjectTarget, { kind: 'frame' }> }) {
  const blocked = useBlocked(target.connectionId);
  const editor = useRef<JsonEditorHandle>(null);
  const text = useRef(target.text);
  const [direction, setDirection] = useState<WsDirection>(target.direction);
  // The editor is rebuilt when the format changes (JSON highlighting or not): it starts from the text so far.
  const [format, setFormat] = useState<{ id: FrameFormat; seed: string }>({ id: target.format, seed: target.text });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    const handle = editor.current;
    if (!handle) return;
    setNotice(null);
    const checked = checkFrameText(format.id, handle.text(), { locate: locateJsonError });
    if (!checked.ok) {
      setError(checked.message);
      if (checked.offset !== undefined) handle.showError(checked.offset);
      return;
    }
    setBusy(true);
    setError(null);
    const frame: Outgoing = { direction, opcode: checked.opcode, data: checked.data, ...(target.resentOf !== undefined ? { resentOf: target.resentOf } : {}) };
    const { seqs, error: refused } = await sendAll(target.connectionId, [frame]);
    setBusy(false);
    if (seqs.length > 0) setNotice(sentSentence(seqs, direction === 'client-to-upstream' ? 'to the server' : 'to the client'));
    if (refused) setError(`Not sent: ${refused}`);
  };

  return (
    <section className="inject-composer" role="group" aria-label="Frame composer">
      {target.resentOf !== undefined && <p className="dialog-hint">Starts from captured frame event #{target.resentOf}; it is recorded as a resend of it.</p>}
      <fieldset className="inject-choice">
        <legend>Send</legend>
        <label>
          <input type="radio" name="inject-direction" checked={direction === 'client-to-upstream'} onChange={() => setDirection('client-to-upstream')} />
          To the server, as the client
        </label>
        <label>
          <input type="radio" name="inject-direction" checked={direction === 'upstream-to-client'} onChange={() => setDirection('upstream-to-client')} />
          To the client, as the server
        </label>
      </fieldset>
      <fieldset className="inject-choice">
        <legend>As</legend>
        {FORMATS.map((f) => (
          <label key={f.id}>
            <input
              type="radio"
              name="inject-format"
              checked={format.id === f.id}
              onChange={() => {
                setError(null);
                setFormat({ id: f.id, seed: text.current });
              }}
            />
            {f.label}
          </label>
        ))}
        <span className="dialog-hint">{format.id === 'json' ? 'Checked before sending.' : format.id === 'text' ? 'Sent exactly as typed.' : 'The bytes, in base64.'}</span>
      </fieldset>
      <JsonEditor
        ref={editor}
        className="inject-editor"
        initialText={format.seed}
        plain={format.id !== 'json'}
        label="Frame data"
        autoFocus
        onChange={(value) => {
          text.current = value;
          setError(null);
        }}
      />
      <Outcome blocked={blocked} error={error} notice={notice} />
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={busy || blocked !== null} title={blocked ?? undefined} onClick={() => void send()}>
          Send frame
        </button>
        <button type="button" onClick={() => useDialogStore.getState().close()}>
          Close
        </button>
      </div>
    </section>
  );
}

function Outcome({ blocked, error, notice }: { blocked: string | null; error: string | null; notice: string | null }) {
  return (
    <>
      {blocked && (
        <p className="inject-blocked" role="note">
          {blocked}
        </p>
      )}
      {error && (
        <p className="form-error inject-error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="inject-notice">
        {notice ?? ''}
      </p>
    </>
  );
}
