/** The top bar: app name, connection, event count, routes, and the forms that change them. */
import { useConnectionStore } from '../bridge/connection-store.js';
import { useDialogStore } from '../state/dialog-store.js';
import { useTrafficStore } from '../state/traffic-store.js';
import { AddRouteForm } from './add-route-form.js';
import { BreakpointsButton } from './breakpoints/pause-actions.js';
import { ConnectionStatus } from './connection-status.js';
import { RoutesBar } from './routes-bar.js';

export function AppHeader() {
  return (
    <header className="app-header">
      <div className="header-row">
        <h1 className="brand">Toolscope</h1>
        <ConnectionStatus />
        <EventCount />
        <div className="spacer" />
        <SessionButtons />
      </div>
      <div className="header-row routes-row">
        <span className="routes-label" aria-hidden="true">
          Routes
        </span>
        <RoutesBar />
        <AddRouteForm />
      </div>
    </header>
  );
}

function SessionButtons() {
  const show = useDialogStore((s) => s.show);
  return (
    <div className="session-buttons">
      <button type="button" onClick={() => show('sessions')}>
        Sessions…
      </button>
      <button type="button" onClick={() => show('export')}>
        Export HAR…
      </button>
      <button type="button" title="Rules that answer calls in place of the backend" onClick={() => show('mocks')}>
        Mocks…
      </button>
      <BreakpointsButton />
      <button type="button" aria-label="Preferences" title="Preferences" onClick={() => show('preferences')}>
        ⚙
      </button>
    </div>
  );
}

function EventCount() {
  const count = useTrafficStore((s) => s.traffic.eventCount);
  const rejected = useConnectionStore((s) => s.rejectedEvents);
  return (
    <span className="event-count">
      <span className="num">{count.toLocaleString()}</span> live events
      {rejected > 0 && (
        <span className="form-error" title="Events that did not match this UI's event schema were dropped; check that the UI and the core are the same version.">
          {' '}
          · {rejected.toLocaleString()} rejected
        </span>
      )}
    </span>
  );
}
