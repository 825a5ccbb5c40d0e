/** Starts a new route: a local port to listen on and the upstream it forwards to. */
import { useState, type FormEvent } from 'react';
import { getBridge } from '../bridge/get-bridge.js';

export function AddRouteForm() {
  const [port, setPort] = useState('');
  const [upstream, setUpstream] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const listenPort = port.trim() === '' ? 0 : Number(port);
    if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
      setError('The listen port must be a whole number from 0 to 65535 (0 picks a free one).');
      return;
    }
    if (!/^(https?|wss?):\/\/\S+$/i.test(upstream.trim())) {
      setError('The upstream must be a URL starting with http://, https://, ws:// or wss://.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The new route shows up in the routes bar through its route.up event; nothing else to confirm.
      await getBridge().call('addRoute', { listenPort, upstream: upstream.trim() });
      setPort('');
      setUpstream('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="add-route" aria-label="Add route" onSubmit={submit}>
      <input
        className="port-input"
        inputMode="numeric"
        placeholder="port (0 = any)"
        aria-label="Listen port"
        value={port}
        onChange={(e) => setPort(e.target.value)}
      />
      <span aria-hidden="true">→</span>
      <input
        className="url-input"
        placeholder="http://127.0.0.1:8000"
        aria-label="Upstream URL"
        value={upstream}
        onChange={(e) => setUpstream(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        Add route
      </button>
      {error && (
        <p className="form-error form-message" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
