/**
 * The desktop window's lock-down, as data: its `webPreferences` and the Content Security Policy that main.ts
 * puts on every response. Kept apart from main.ts (which needs the Electron binary) so a plain Node test can
 * check them: the window shows bytes from the network, which must never become code.
 */

/** The subset of Electron's `WebPreferences` that main.ts sets (structurally compatible with it). */
export interface LockedWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  spellcheck: false;
}

export function windowWebPreferences(preload: string): LockedWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/**
 * Scripts only from the app's own files (no inline script, no eval, nothing remote); styles may be inline
 * (React sets style attributes; a style cannot run code); the UI talks to the core over IPC, never the network.
 */
export const WINDOW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A CSP string as directive name -> source list (names lower-cased; the first occurrence wins, as browsers do). */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter((t) => t !== '');
    const [name, ...sources] = tokens;
    if (!name) continue;
    const key = name.toLowerCase();
    if (!directives.has(key)) directives.set(key, sources);
  }
  return directives;
}
