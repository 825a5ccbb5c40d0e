/**
 * The editor of one held item: a held request (method, URL, headers, body), a held response (status, headers,
 * body) or a held frame (its data), with Release (as it is), Release edited, Answer (requests only: the bot
 * gets your status and body, the upstream never sees the request) and Drop, and the time left before it goes on
 * by itself. An edit that breaks JSON is refused here with line and column; a refusal of the core is shown.
 */
import { useRef, useState } from 'react';
import type { OutgoingBody, ReleasePauseParams } from '../../../../shared/bridge.js';
import { describeHeld, secondsLeft, type HeldItem } from '../../../../shared/breakpoints/held-items.js';
import type { HeaderList } from '../../../../shared/events.js';
import { checkFrameText, frameFormatOf } from '../../../../shared/inject/inject-compose.js';
import { useBreakpointsStore } from '../../state/breakpoints-store.js';
import { useTrafficStore } from '../../state/traffic-store.js';
import { JsonEditor, type JsonEditorHandle } from '../code/json-editor.js';
import { locateJsonError } from '../code/json-error-locator.js';
import { bodyDraft, checkBodyText, headersText, parseHeadersText, parseStatus, type BodyDraft, type Checked } from './held-edit.js';

type Act = (params: ReleasePauseParams, done: string) => Promise<void>;

export function HeldEditor({ item, now, onDone }: { item: HeldItem; now: number; onDone: (sentence: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const what = describeHeld(item);
  const act: Act = async (params, done) => {
    setBusy(true);
    setError(null);
    try {
      await useBreakpointsStore.getState().release(params);
      onDone(`${done}: ${what}.`);
    } catch (e) {
      setError(`Not released: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const refuse = (message: string) => setError(message);

  return (
    <div className="held-editor" role="group" aria-label={`Held item editor: ${what}`}>
      <div className="held-editor-head">
        <h3>
          Held: <span className="mono">{what}</span>
        </h3>
        <span className="dialog-hint">{item.ruleName ? `by breakpoint “${item.ruleName}”` : `by breakpoint ${item.ruleId}`}</span>
        <Countdown releaseAt={item.releaseAt} now={now} />
      </div>
      {item.stage === 'request' ? (
        <RequestEditor item={item} busy={busy} act={act} refuse={refuse} />
      ) : item.stage === 'response' ? (
        <ResponseEditor item={item} busy={busy} act={act} refuse={refuse} />
      ) : (
        <FrameEditor item={item} busy={busy} act={act} refuse={refuse} />
      )}
      {error && (
        <p className="form-error held-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Countdown({ releaseAt, now }: { releaseAt: number; now: number }) {
  const left = secondsLeft(releaseAt, now);
  return (
    <span className="held-countdown" aria-live="off">
      {left > 0 ? `Goes on as it is in ${left} s unless you act.` : 'Going on as it is…'}
    </span>
  );
}

interface EditorProps {
  item: HeldItem;
  busy: boolean;
  act: Act;
  refuse(message: string): void;
}

/** The body part of an editor: the JSON editor, or why the body is not editable. */
function BodyField({ draft, label, editor, onChange }: { draft: BodyDraft; label: string; editor: React.RefObject<JsonEditorHandle | null>; onChange(): void }) {
  if (draft.locked) return <p className="dialog-hint held-locked">{draft.locked} It goes on as it was.</p>;
  return (
    <>
      <span className="held-field-label">
        {label}
        {draft.json ? ' (JSON, checked before release)' : ''}
      </span>
      <JsonEditor ref={editor} className="held-code" initialText={draft.text} plain={!draft.json} label={label} onChange={onChange} />
    </>
  );
}

function useHeadersField(initial: HeaderList) {
  const [text, setText] = useState(() => headersText(initial));
  return { text, setText };
}

function RequestEditor({ item, busy, act, refuse }: EditorProps) {
  const exchange = useTrafficStore((s) => (item.exchangeId !== undefined ? s.traffic.exchanges.get(item.exchangeId) : undefined));
  const [method, setMethod] = useState(exchange?.request.method ?? 'POST');
  const [url, setUrl] = useState(exchange?.request.url ?? '/');
  const headers = useHeadersField(exchange?.request.headers ?? []);
  const [draft] = useState(() => bodyDraft(exchange?.requestBody ?? null, exchange?.request.headers ?? []));
  const body = useRef<JsonEditorHandle>(null);
  const [answering, setAnswering] = useState(false);
  if (!exchange) return <MissingDetails item={item} busy={busy} act={act} />;

  const releaseEdited = () => {
    const parsedHeaders = parseHeadersText(headers.text);
    if (!parsedHeaders.ok) return refuse(parsedHeaders.message);
    const checked = editedBody(draft, body.current, 'Request body', refuse);
    if (!checked.ok) return;
    if (!method.trim() || !url.trim()) return refuse('The method and the URL cannot be empty.');
    void act({ pauseId: item.pauseId, action: 'edit', request: { method: method.trim(), url: url.trim(), headers: parsedHeaders.value, body: checked.value } }, 'Released edited');
  };

  return (
    <>
      <div className="held-line">
        <label className="held-field">
          <span className="held-field-label">Method</span>
          <input className="mono held-method" value={method} aria-label="Method" onChange={(e) => setMethod(e.target.value)} />
        </label>
        <label className="held-field held-grow">
          <span className="held-field-label">URL (path on the route's upstream)</span>
          <input className="mono" value={url} aria-label="URL" onChange={(e) => setUrl(e.target.value)} />
        </label>
      </div>
      <label className="held-field">
        <span className="held-field-label">Headers (one “Name: value” a line; the proxy sets Content-Length, Transfer-Encoding and Connection for what it sends)</span>
        <textarea className="mono held-headers" rows={Math.min(6, Math.max(2, exchange.request.headers.length))} value={headers.text} aria-label="Headers" onChange={(e) => headers.setText(e.target.value)} />
      </label>
      <BodyField draft={draft} label="Request body" editor={body} onChange={() => refuse('')} />
      {answering ? (
        <AnswerForm item={item} busy={busy} act={act} refuse={refuse} onCancel={() => setAnswering(false)} />
      ) : (
        <div className="dialog-actions held-actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void act({ pauseId: item.pauseId, action: 'continue' }, 'Released as it was')}>
            Release
          </button>
          <button type="button" disabled={busy} onClick={releaseEdited}>
            Release edited
          </button>
          <button type="button" disabled={busy} title="Answer the bot yourself; the upstream never sees this request" onClick={() => setAnswering(true)}>
            Answer…
          </button>
          <button type="button" disabled={busy} title="The request never reaches the upstream and the bot gets no answer" onClick={() => void act({ pauseId: item.pauseId, action: 'drop' }, 'Dropped')}>
            Drop
          </button>
        </div>
      )}
    </>
  );
}

/** An answer starts empty and is checked as JSON. */
const ANSWER_DRAFT: BodyDraft = { text: '', json: true, locked: null, original: null };

/**
 * The body to release from an editor (a locked one goes on as it was). When it cannot go, the user is told why
 * and the editor's cursor goes to the error.
 */
function editedBody(draft: BodyDraft, editor: JsonEditorHandle | null, what: string, refuse: (message: string) => void): Checked<OutgoingBody | null> {
  const checked = draft.locked ? ({ ok: true, value: draft.original } as const) : checkBodyText(editor?.text() ?? draft.text, draft.json, what);
  if (!checked.ok) {
    refuse(checked.message);
    if (checked.offset !== undefined) editor?.showError(checked.offset);
  }
  return checked;
}

function AnswerForm({ item, busy, act, refuse, onCancel }: EditorProps & { onCancel(): void }) {
  const [status, setStatus] = useState('200');
  const body = useRef<JsonEditorHandle>(null);
  const send = () => {
    const parsedStatus = parseStatus(status);
    if (!parsedStatus.ok) return refuse(parsedStatus.message);
    const checked = editedBody(ANSWER_DRAFT, body.current, 'Answer body', refuse);
    if (!checked.ok) return;
    void act(
      { pauseId: item.pauseId, action: 'answer', response: { status: parsedStatus.value, headers: [['content-type', 'application/json']], body: checked.value } },
      `Answered with ${parsedStatus.value}`,
    );
  };
  return (
    <section className="held-answer" aria-label="Answer">
      <h4>Answer the bot instead of the upstream</h4>
      <label className="held-field">
        <span className="held-field-label">Status</span>
        <input className="mono held-method" value={status} aria-label="Answer status" onChange={(e) => setStatus(e.target.value)} />
      </label>
      <span className="held-field-label">Answer body (JSON, sent as application/json)</span>
      <JsonEditor ref={body} className="held-code" initialText={'{\n  "result": ""\n}'} label="Answer body" autoFocus onChange={() => refuse('')} />
      <div className="dialog-actions held-actions">
        <button type="button" className="primary" disabled={busy} onClick={send}>
          Send answer
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function ResponseEditor({ item, busy, act, refuse }: EditorProps) {
  const held = item.start?.response;
  const [status, setStatus] = useState(String(held?.status ?? 200));
  const headers = useHeadersField(held?.headers ?? []);
  const [draft] = useState(() => bodyDraft(held?.body ?? null, held?.headers ?? []));
  const body = useRef<JsonEditorHandle>(null);
  if (!held) return <MissingDetails item={item} busy={busy} act={act} />;

  const releaseEdited = () => {
    const parsedStatus = parseStatus(status);
    if (!parsedStatus.ok) return refuse(parsedStatus.message);
    const parsedHeaders = parseHeadersText(headers.text);
    if (!parsedHeaders.ok) return refuse(parsedHeaders.message);
    const checked = editedBody(draft, body.current, 'Response body', refuse);
    if (!checked.ok) return;
    void act({ pauseId: item.pauseId, action: 'edit', response: { status: parsedStatus.value, headers: parsedHeaders.value, body: checked.value } }, 'Released edited');
  };

  return (
    <>
      <label className="held-field">
        <span className="held-field-label">Status</span>
        <input className="mono held-method" value={status} aria-label="Status" onChange={(e) => setStatus(e.target.value)} />
      </label>
      <label className="held-field">
        <span className="held-field-label">Headers (one “Name: value” a line; the proxy sets Content-Length, Transfer-Encoding and Connection for what it sends)</span>
        <textarea className="mono held-headers" rows={Math.min(6, Math.max(2, held.headers.length))} value={headers.text} aria-label="Headers" onChange={(e) => headers.setText(e.target.value)} />
      </label>
      <BodyField draft={draft} label="Response body" editor={body} onChange={() => refuse('')} />
      <div className="dialog-actions held-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void act({ pauseId: item.pauseId, action: 'continue' }, 'Released as it was')}>
          Release
        </button>
        <button type="button" disabled={busy} onClick={releaseEdited}>
          Release edited
        </button>
        <button type="button" disabled={busy} title="The bot never gets this answer" onClick={() => void act({ pauseId: item.pauseId, action: 'drop' }, 'Dropped')}>
          Drop
        </button>
      </div>
    </>
  );
}

function FrameEditor({ item, busy, act, refuse }: EditorProps) {
  const held = item.start?.frame;
  const format = held ? frameFormatOf(held.opcode, held.data) : 'text';
  const [initial] = useState(() => (held && format === 'json' ? JSON.stringify(JSON.parse(held.data), null, 2) : (held?.data ?? '')));
  const editor = useRef<JsonEditorHandle>(null);
  if (!held) return <MissingDetails item={item} busy={busy} act={act} />;
  const locked = held.truncated ? `Only part of this frame (${held.size.toLocaleString()} bytes) was captured, so it cannot be edited.` : null;

  const releaseEdited = () => {
    const handle = editor.current;
    if (!handle) return;
    // A frame that came on one line goes on on one line: the editor's indentation is for reading, not for the other side.
    const checked = checkFrameText(format, handle.text(), { locate: locateJsonError, compact: !held.data.includes('\n') });
    if (!checked.ok) {
      refuse(`Frame: ${checked.message}`);
      if (checked.offset !== undefined) handle.showError(checked.offset);
      return;
    }
    void act({ pauseId: item.pauseId, action: 'edit', frame: { opcode: checked.opcode, data: checked.data } }, 'Released edited');
  };

  return (
    <>
      <p className="dialog-hint held-frame-note">
        {item.direction === 'client-to-upstream' ? 'The upstream' : 'The client'} has not got this frame yet, and the frames sent after it on this connection
        the same way wait behind it: they go on in order once it is released or dropped. Frames the other way are not held up.
      </p>
      {locked ? (
        <p className="dialog-hint held-locked">{locked} It can be released as it was or dropped.</p>
      ) : (
        <>
          <span className="held-field-label">
            Frame data ({held.opcode === 'binary' ? 'binary, in base64' : format === 'json' ? 'JSON, checked before release' : 'text'})
          </span>
          <JsonEditor ref={editor} className="held-code" initialText={initial} plain={format !== 'json'} label="Frame data" onChange={() => refuse('')} />
        </>
      )}
      <div className="dialog-actions held-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void act({ pauseId: item.pauseId, action: 'continue' }, 'Released as it was')}>
          Release
        </button>
        <button type="button" disabled={busy || locked !== null} onClick={releaseEdited}>
          Release edited
        </button>
        <button type="button" disabled={busy} title="The other side never gets this frame" onClick={() => void act({ pauseId: item.pauseId, action: 'drop' }, 'Dropped')}>
          Drop
        </button>
      </div>
    </>
  );
}

/** An item the core holds whose details this page has not seen (held before it loaded, or while the view was paused). */
function MissingDetails({ item, busy, act }: Pick<EditorProps, 'item' | 'busy' | 'act'>) {
  return (
    <>
      <p className="dialog-hint">The details of this item are not in this page's traffic (it was held before the page loaded, or while the view is paused), so it cannot be edited here.</p>
      <div className="dialog-actions held-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void act({ pauseId: item.pauseId, action: 'continue' }, 'Released as it was')}>
          Release
        </button>
        <button type="button" disabled={busy} onClick={() => void act({ pauseId: item.pauseId, action: 'drop' }, 'Dropped')}>
          Drop
        </button>
      </div>
    </>
  );
}
