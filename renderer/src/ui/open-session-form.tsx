/** Opens a saved session file read-only, by path (the core reads it; the browser cannot). */
import { useState, type FormEvent } from 'react';
import { getBridge } from '../bridge/get-bridge.js';
import { useSelectionStore } from '../state/selection-store.js';
import { useViewStore } from '../state/view-store.js';

export function OpenSessionForm() {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) {
      setError('Enter the path of a session file (.ndjson).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const loaded = await getBridge().call('openSession', { path: path.trim() });
      useSelectionStore.getState().select(null);
      useViewStore.getState().showSession(loaded);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="open-session" aria-label="Open session" onSubmit={submit}>
      <input
        className="path-input"
        placeholder="/path/to/session.ndjson"
        aria-label="Session file path"
        value={path}
        onChange={(e) => setPath(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Opening…' : 'Open session…'}
      </button>
      {error && (
        <p className="form-error form-message" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
