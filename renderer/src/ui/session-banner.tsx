/**
 * Says plainly that a saved session is on screen, not live traffic, shows how far a big file has loaded, and
 * offers the way back.
 */
import { useLoadProgress, useViewStore } from '../state/view-store.js';
import { useLiveRetention } from '../state/live-feed.js';
import { useDialogStore } from '../state/dialog-store.js';
import { formatBytes } from './format.js';

export function SessionBanner() {
  const session = useViewStore((s) => s.session);
  const opening = useViewStore((s) => s.opening);
  const openError = useViewStore((s) => s.openError);
  const dismiss = useViewStore((s) => s.dismissOpenError);
  const dropped = useLiveRetention((s) => s.dropped);
  if (!session) {
    if (opening) {
      return (
        <div className="session-banner" role="region" aria-label="Session file">
          <span role="status">Opening {opening}…</span>
        </div>
      );
    }
    if (!openError) return dropped > 0 ? <RetentionNotice dropped={dropped} /> : null;
    return (
      <div className="session-banner session-banner-error" role="region" aria-label="Session file">
        <span role="alert">Cannot open: {openError}</span>
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  const calls = session.analysis.callOrder.length;
  return (
    <div className="session-banner" role="region" aria-label="Session file">
      <span>
        Viewing{' '}
        <strong className="session-label" title={session.label}>
          {baseName(session.label)}
        </strong>{' '}
        (read-only) · recorded {new Date(session.header.startedAt).toLocaleString()} ·{' '}
        <span className="num">{session.traffic.eventCount.toLocaleString()}</span> events ·{' '}
        <span className="num">{calls.toLocaleString()}</span> call{calls === 1 ? '' : 's'}
        {session.warnings.length > 0 && (
          <span className="form-error" title={session.warnings.map((w) => (w.line > 0 ? `line ${w.line}: ${w.message}` : w.message)).join('\n')}>
            {' '}
            · {session.warnings.length} warning{session.warnings.length === 1 ? '' : 's'} (unreadable lines skipped)
          </span>
        )}
        {session.error && <span className="form-error"> · {session.error}</span>}
      </span>
      {session.loading && <LoadProgress />}
      <button type="button" onClick={() => useViewStore.getState().showLive()}>
        Back to live
      </button>
    </div>
  );
}

/** The live view starts after the events the core no longer keeps in memory; the session file has them all. */
function RetentionNotice({ dropped }: { dropped: number }) {
  return (
    <div className="session-banner" role="region" aria-label="Earlier events">
      <span role="status">
        <span className="num">{dropped.toLocaleString()}</span> earlier event{dropped === 1 ? ' is' : 's are'} only in the session file
        (Toolscope keeps the most recent ones in memory): open it from Sessions to see them.
      </span>
      <button type="button" onClick={() => useDialogStore.getState().show('sessions')}>
        Sessions…
      </button>
    </div>
  );
}

/** Its own component and store: it moves with every slice, while the lists are redrawn once a second. */
function LoadProgress() {
  const loading = useLoadProgress((s) => s.progress);
  if (!loading) return null;
  return (
    <span className="session-progress">
      <progress
        aria-label="Opening session"
        max={Math.max(1, loading.totalBytes)}
        value={loading.bytesRead}
        aria-valuetext={`${Math.floor((100 * loading.bytesRead) / Math.max(1, loading.totalBytes))}%`}
      />
      <span className="num">
        {formatBytes(loading.bytesRead)} of {formatBytes(loading.totalBytes)}
      </span>
      <button type="button" onClick={() => useViewStore.getState().stopLoading()}>
        Stop
      </button>
    </span>
  );
}

/** The file name is what tells sessions apart; the full path (often a long temporary folder) is in the tooltip. */
function baseName(label: string): string {
  return label.split(/[\\/]/).pop() || label;
}
