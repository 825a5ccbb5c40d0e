/**
 * Edit and resend: the captured request (method, URL, headers, body) in editors, changed and sent from the
 * core; the answer is compared with the captured one in the Replay dialog.
 *
 * For a known dialect (Daily `arguments`, Vapi `toolCallList[i].function.arguments`, Vapi legacy
 * `functionCall.parameters`) an Arguments editor edits only the arguments of one call and rebuilds the body
 * around them (shared/replay/call-arguments.ts); "Whole body" edits the body itself. JSON that does not parse
 * is never sent: the error names its line and column and the cursor goes there.
 */
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { HeaderList } from '../../../../shared/events.js';
import type { OutgoingBody, OutgoingRequest } from '../../../../shared/bridge.js';
import { parseJsonText } from '../../../../shared/json/json-syntax.js';
import { argumentsText, findArguments, jsonEqual, replaceArguments, serialiseLike, type ArgumentsTarget } from '../../../../shared/replay/call-arguments.js';
import { expectsJson, headersToText, parseHeadersText, replayRequestOf, withoutFramingHeaders } from '../../../../shared/replay/replay-request.js';
import { useDialogStore } from '../../state/dialog-store.js';
import { labelOf, useReplayStore, type ResendTarget } from '../../state/replay-store.js';
import { JsonEditor, type JsonEditorHandle } from '../code/json-editor.js';
import { locateJsonError } from '../code/json-error-locator.js';
import { ModalDialog } from '../modal-dialog.js';
import './replay.css';

export function ResendDialog() {
  const close = useDialogStore((s) => s.close);
  const target = useReplayStore((s) => s.resend);
  const onClose = useCallback(() => close(), [close]);
  return (
    <ModalDialog label="Edit and resend" className="resend-dialog" onClose={onClose}>
      {target ? <ResendForm key={target.serial} target={target} /> : <p className="muted">Select a webhook call or an exchange first.</p>}
    </ModalDialog>
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

type Mode = 'arguments' | 'body';

interface ArgsState {
  targets: ArgumentsTarget[];
  index: number;
  /** Bumped to start the arguments editor over with new text. */
  serial: number;
  text: string;
}

function ResendForm({ target }: { target: ResendTarget }) {
  const { start, original } = target;
  const binary = start.body?.encoding === 'base64';
  const startText = start.body && start.body.encoding === 'utf8' ? start.body.data : '';
  const jsonBody = expectsJson(start.headers, original.exchange.requestBody) || looksJson(startText);

  const [method, setMethod] = useState(start.method);
  const [url, setUrl] = useState(start.url);
  const [headersText, setHeadersText] = useState(headersToText(start.headers));
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const bodyText = useRef(startText);
  const bodyEditor = useRef<JsonEditorHandle>(null);
  const argsEditor = useRef<JsonEditorHandle>(null);
  const [bodySerial, setBodySerial] = useState(0);
  const methodsId = useId();

  const initialArgs = useMemo<ArgsState | null>(() => {
    if (binary || !jsonBody) return null;
    const parsed = parseJsonText(startText);
    const targets = parsed.ok ? findArguments(parsed.value) : [];
    if (targets.length === 0) return null;
    // The call the user started from, when the request carries several.
    const index = Math.max(0, targets.findIndex((t) => original.callId !== null && t.callId === original.callId));
    return { targets, index, serial: 0, text: argumentsText(targets[index]!) };
  }, [binary, jsonBody, startText, original.callId]);
  const [args, setArgs] = useState<ArgsState | null>(initialArgs);
  const [mode, setMode] = useState<Mode>(initialArgs ? 'arguments' : 'body');

  /** Puts the arguments editor's text into the body; false (with the error shown) when it is not JSON. */
  const applyArguments = (): boolean => {
    if (mode !== 'arguments' || !args) return true;
    const text = argsEditor.current?.text() ?? args.text;
    const parsed = parseJsonText(text, locateJsonError);
    if (!parsed.ok) {
      setError(`Arguments: ${parsed.message}. Nothing was sent.`);
      argsEditor.current?.showError(parsed.offset);
      return false;
    }
    const at = args.targets[args.index]!;
    const base = parseJsonText(bodyText.current);
    if (!base.ok) {
      setError(`Request body: ${base.message}`);
      return false;
    }
    const current = findArguments(base.value)[args.index];
    // Unchanged arguments leave the body's bytes exactly as they were.
    if (current && jsonEqual(current.value, parsed.value)) return true;
    try {
      bodyText.current = serialiseLike(bodyText.current, replaceArguments(base.value, at, parsed.value));
    } catch (e) {
      setError(`The arguments could not be put back: ${(e as Error).message}`);
      return false;
    }
    return true;
  };

  const switchTo = (next: Mode) => {
    if (next === mode) return;
    setError(null);
    if (next === 'body') {
      if (!applyArguments()) return;
      setBodySerial((n) => n + 1);
      setMode('body');
      return;
    }
    const text = bodyEditor.current?.text() ?? bodyText.current;
    const parsed = parseJsonText(text, locateJsonError);
    if (!parsed.ok) {
      setError(`Request body: ${parsed.message}`);
      bodyEditor.current?.showError(parsed.offset);
      return;
    }
    bodyText.current = text;
    const targets = findArguments(parsed.value);
    if (targets.length === 0) {
      setError('This body has no call arguments Toolscope knows how to edit (Daily "arguments", Vapi "toolCallList"); edit the whole body instead.');
      return;
    }
    const index = Math.min(args?.index ?? 0, targets.length - 1);
    setArgs({ targets, index, serial: (args?.serial ?? 0) + 1, text: argumentsText(targets[index]!) });
    setMode('arguments');
  };

  const pickCall = (index: number) => {
    if (!args || index === args.index) return;
    setError(null);
    if (!applyArguments()) return;
    const parsed = parseJsonText(bodyText.current);
    const targets = parsed.ok ? findArguments(parsed.value) : args.targets;
    setArgs({ targets, index, serial: args.serial + 1, text: argumentsText(targets[index]!) });
  };

  const send = async () => {
    setError(null);
    setNotes([]);
    const verb = method.trim().toUpperCase();
    if (!/^[A-Z]+$/.test(verb)) return setError('The method is a word such as GET or POST. Nothing was sent.');
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url.trim());
    } catch {
      return setError(`"${url.trim()}" is not an absolute URL (http://host:port/path). Nothing was sent.`);
    }
    if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') return setError('Only http:// and https:// URLs can be sent to. Nothing was sent.');
    const headers = parseHeadersText(headersText);
    if (!headers.ok) return setError(`${headers.error}. Nothing was sent.`);
    const framed = withoutFramingHeaders(headers.headers);

    let body: OutgoingBody | null;
    if (binary) body = start.body;
    else {
      if (mode === 'body') bodyText.current = bodyEditor.current?.text() ?? bodyText.current;
      else if (!applyArguments()) return;
      const text = bodyText.current;
      if (expectsJson(framed.headers, original.exchange.requestBody) && text.trim() !== '') {
        const parsed = parseJsonText(text, locateJsonError);
        if (!parsed.ok) {
          setError(`Request body: ${parsed.message}. Nothing was sent.`);
          if (mode === 'body') bodyEditor.current?.showError(parsed.offset);
          return;
        }
      }
      body = text === '' && start.body === null ? null : { encoding: 'utf8', data: text };
    }
    const request: OutgoingRequest = { method: verb, url: url.trim(), headers: framed.headers, body };
    if (framed.dropped.length > 0) setNotes([`Left out ${framed.dropped.join(', ')}: the sender frames the body and names the host itself.`]);
    setBusy(true);
    try {
      // Edited means: not what a plain Replay would send.
      const plain = replayRequestOf(original.exchange);
      const edited = 'refused' in plain || !sameRequest(request, plain.request);
      await useReplayStore.getState().send(original, request, { edited, against: null, warnings: target.warnings });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="resend-form"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <p className="replay-what">
        From exchange <span className="mono">{original.exchange.id}</span> (<span className="mono">{labelOf(original.exchange)}</span>)
        {original.sessionLabel !== null && <> in the opened session; it is sent and recorded in the live session</>}.
      </p>
      {target.warnings.map((warning) => (
        <p key={warning} className="dp-note warn-text">
          {warning}
        </p>
      ))}
      <div className="resend-line">
        <label className="resend-method">
          Method
          <input type="text" className="mono" list={methodsId} value={method} onChange={(e) => setMethod(e.target.value)} />
          <datalist id={methodsId}>
            {METHODS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label className="resend-url">
          URL
          <input type="text" className="mono" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
      </div>
      <label className="resend-headers">
        Headers <span className="dialog-hint">one a line, Name: value (Content-Length and Host are set when sending)</span>
        <textarea className="mono" rows={Math.min(8, Math.max(3, headersText.split('\n').length + 1))} value={headersText} onChange={(e) => setHeadersText(e.target.value)} spellCheck={false} />
      </label>
      {binary ? (
        <p className="dp-note">The body is binary ({start.body?.data.length ?? 0} base64 characters); it is sent as captured.</p>
      ) : (
        <>
          {(initialArgs || mode === 'arguments') && (
            <div className="segmented resend-mode" role="radiogroup" aria-label="Edit">
              {(['arguments', 'body'] as const).map((m) => (
                <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'active' : ''} onClick={() => switchTo(m)}>
                  {m === 'arguments' ? 'Arguments' : 'Whole body'}
                </button>
              ))}
            </div>
          )}
          {mode === 'arguments' && args ? (
            <div className="resend-args">
              <div className="resend-args-head">
                {args.targets.length > 1 ? (
                  <label>
                    Call{' '}
                    <select value={args.index} onChange={(e) => pickCall(Number(e.target.value))}>
                      {args.targets.map((t, i) => (
                        <option key={i} value={i}>
                          {i + 1}. {t.label}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <span className="mono">{args.targets[args.index]!.label}</span>
                )}
                <span className="dialog-hint">{argumentsHint(args.targets[args.index]!)}</span>
              </div>
              <JsonEditor key={`args-${args.serial}`} ref={argsEditor} className="resend-editor" initialText={args.text} label="Arguments" autoFocus onChange={() => setError(null)} />
            </div>
          ) : (
            <JsonEditor
              key={`body-${bodySerial}`}
              ref={bodyEditor}
              className="resend-editor"
              initialText={bodyText.current}
              label="Request body"
              plain={!jsonBody}
              onChange={() => setError(null)}
            />
          )}
        </>
      )}
      {error && (
        <p className="form-error resend-error" role="alert">
          {error}
        </p>
      )}
      {notes.map((note) => (
        <p key={note} className="dialog-hint">
          {note}
        </p>
      ))}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
        <button type="button" onClick={() => useDialogStore.getState().close()}>
          Cancel
        </button>
        <span className="dialog-hint">Sent from Toolscope and recorded as a new exchange linked to {original.exchange.id}; the answer is compared with the captured one.</span>
      </div>
    </form>
  );
}

function argumentsHint(target: ArgumentsTarget): string {
  const where =
    target.dialect === 'daily'
      ? 'Daily "arguments"'
      : target.dialect === 'vapi'
        ? `Vapi message.toolCallList[${target.index}].function.arguments${target.callId ? ` (and the copies of ${target.callId} in toolCalls and toolWithToolCallList)` : ''}`
        : 'Vapi message.functionCall.parameters';
  return `${where}${target.encoding === 'json-string' ? ', sent as a JSON string' : ''}; the rest of the body is kept.`;
}

function looksJson(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function sameHeaders(a: HeaderList, b: HeaderList): boolean {
  return a.length === b.length && a.every(([name, value], i) => name === b[i]![0] && value === b[i]![1]);
}

function sameRequest(a: OutgoingRequest, b: OutgoingRequest): boolean {
  const bodyA = a.body ? `${a.body.encoding}:${a.body.data}` : null;
  const bodyB = b.body ? `${b.body.encoding}:${b.body.data}` : null;
  return a.method === b.method && a.url === b.url && sameHeaders(a.headers, b.headers) && bodyA === bodyB;
}
