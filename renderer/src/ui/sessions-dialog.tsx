/**
 * The Sessions list: recorded session files (newest first) with start time, size, events and calls; open one
 * read-only, start a new session, open a file from this computer, or import a HAR.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { SessionSummary } from '../../../shared/bridge.js';
import { getBridge } from '../bridge/get-bridge.js';
import { useDialogStore } from '../state/dialog-store.js';
import { downloadSessionFile, openCoreSession, openLocalFile, startNewSession } from '../state/session-actions.js';
import { useViewStore } from '../state/view-store.js';
import { formatBytes } from './format.js';
import { ModalDialog } from './modal-dialog.js';

/** Counts of big files are made in the background; the list asks again until they are known (bounded). */
const POLL_MS = 1000;
const MAX_POLLS = 60;

export function SessionsDialog() {
  const close = useDialogStore((s) => s.close);
  const [listing, setListing] = useState<{ directory: string; sessions: SessionSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const openError = useViewStore((s) => s.openError);
  const openingLabel = useViewStore((s) => s.opening);
  const viewing = useViewStore((s) => s.session?.label ?? null);

  useEffect(() => {
    let stopped = false;
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => {
      getBridge()
        .call('listSessions', {})
        .then(
          (result) => {
            if (stopped) return;
            setListing(result);
            setError(null);
            const counting = result.sessions.some((s) => !s.current && s.error === null && s.calls === null);
            if (counting && ++polls < MAX_POLLS) timer = setTimeout(load, POLL_MS);
          },
          (e: Error) => !stopped && setError(e.message),
        );
    };
    load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  const openAndClose = useCallback(
    async (open: () => Promise<boolean>) => {
      if (await open()) close();
    },
    [close],
  );

  return (
    <ModalDialog label="Sessions" className="sessions-dialog" onClose={close}>
      <div className="dialog-actions">
        <button type="button" onClick={() => void startNewSession().then(close, (e: Error) => setError(e.message))}>
          New session
        </button>
        <FileButton label="Open file…" accept=".ndjson,.har,.json" onFile={(file) => void openAndClose(() => openLocalFile(file))} />
        <span className="dialog-hint">or drop a session file or a HAR anywhere on the window</span>
      </div>
      {(error || openError) && (
        <p className="form-error" role="alert">
          {error ?? openError}
        </p>
      )}
      {openingLabel && <p role="status">Opening {openingLabel}…</p>}
      {listing && (
        <>
          <p className="dialog-hint">
            Recorded in <code>{listing.directory || '(no sessions folder)'}</code>
          </p>
          <SessionTable
            sessions={listing.sessions}
            viewing={viewing}
            onOpen={(path) => void openAndClose(() => openCoreSession(path))}
            onDownload={(session) => void downloadSessionFile(session.path, session.fileName).catch((e: Error) => setError(`Download failed: ${e.message}`))}
          />
        </>
      )}
      {!listing && !error && <p role="status">Reading the sessions folder…</p>}
      <OpenByPath onOpen={(path) => void openAndClose(() => openCoreSession(path))} />
    </ModalDialog>
  );
}

function SessionTable(props: {
  sessions: readonly SessionSummary[];
  viewing: string | null;
  onOpen: (path: string) => void;
  onDownload: (session: SessionSummary) => void;
}) {
  if (props.sessions.length === 0) return <p className="dialog-hint">No sessions recorded yet.</p>;
  return (
    <div className="sessions-scroll">
      <table className="sessions-table" aria-label="Recorded sessions">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Events
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.sessions.map((session) => (
            <SessionRow
              key={session.path || 'live'}
              session={session}
              viewing={props.viewing === session.path}
              onOpen={props.onOpen}
              onDownload={props.onDownload}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SessionRow(props: { session: SessionSummary; viewing: boolean; onOpen: (path: string) => void; onDownload: (session: SessionSummary) => void }) {
  const { session } = props;
  const canDownload = getBridge().streamSession !== undefined;
  const counting = session.error === null && session.calls === null;
  return (
    <tr aria-current={props.viewing ? 'true' : undefined}>
      <td>{session.startedAt ? new Date(session.startedAt).toLocaleString() : '—'}</td>
      <td className="session-file" title={session.path}>
        {session.fileName}
        {session.error && <div className="form-error session-error">{session.error}</div>}
      </td>
      <td className="num">{formatBytes(session.bytes)}</td>
      <td className="num">{session.events === null ? (counting ? '…' : '—') : session.events.toLocaleString()}</td>
      <td className="num">{session.calls === null ? (counting ? '…' : '—') : session.calls.toLocaleString()}</td>
      <td className="session-actions">
        {session.current ? (
          <span className="badge live-badge">recording now</span>
        ) : (
          <button type="button" disabled={session.error !== null} aria-label={`Open ${session.fileName}`} onClick={() => props.onOpen(session.path)}>
            Open
          </button>
        )}
        {canDownload && session.path && (
          <button type="button" aria-label={`Download ${session.fileName}`} title="Save a copy of this session file" onClick={() => props.onDownload(session)}>
            Download
          </button>
        )}
      </td>
    </tr>
  );
}

/** A session file elsewhere on the core's machine, by path (the browser cannot browse that machine's disk). */
function OpenByPath(props: { onOpen: (path: string) => void }) {
  const [path, setPath] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) props.onOpen(path.trim());
  };
  return (
    <form className="open-session" aria-label="Open session by path" onSubmit={submit}>
      <input
        className="path-input"
        placeholder="/path/to/session.ndjson on the machine Toolscope runs on"
        aria-label="Session file path"
        value={path}
        onChange={(e) => setPath(e.target.value)}
      />
      <button type="submit" disabled={!path.trim()}>
        Open path
      </button>
    </form>
  );
}

/** A button that opens the file picker (the input itself is hidden, because its look cannot be styled). */
export function FileButton(props: { label: string; accept: string; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        {props.label}
      </button>
      <input
        ref={input}
        type="file"
        accept={props.accept}
        hidden
        aria-label={props.label}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) props.onFile(file);
        }}
      />
    </>
  );
}
