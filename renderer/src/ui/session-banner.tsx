/** Says plainly that a saved session is on screen, not live traffic, and offers the way back. */
import { useSelectionStore } from '../state/selection-store.js';
import { useViewStore } from '../state/view-store.js';

export function SessionBanner() {
  const session = useViewStore((s) => s.session);
  if (!session) return null;
  const back = () => {
    useSelectionStore.getState().select(null);
    useViewStore.getState().showLive();
  };
  return (
    <div className="session-banner" role="region" aria-label="Session file">
      <span>
        Viewing <strong>{session.path}</strong> (read-only) · recorded {new Date(session.header.startedAt).toLocaleString()} ·{' '}
        {session.traffic.eventCount.toLocaleString()} events
        {session.warnings.length > 0 && (
          <span className="form-error" title={session.warnings.map((w) => `line ${w.line}: ${w.message}`).join('\n')}>
            {' '}
            · {session.warnings.length} unreadable line{session.warnings.length === 1 ? '' : 's'} skipped
          </span>
        )}
      </span>
      <button type="button" onClick={back}>
        Back to live
      </button>
    </div>
  );
}
