/**
 * The UI server's per-launch access token. `toolscope serve` prints `http://127.0.0.1:PORT/?token=…`; the
 * token is kept in sessionStorage so that this tab keeps working after the query string is gone.
 */
const STORAGE_KEY = 'toolscope.token';

export function readBridgeToken(location: Location = window.location): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token in the URL still works for this page load.
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function bridgeSocketUrl(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/bridge?token=${encodeURIComponent(token)}`;
}
