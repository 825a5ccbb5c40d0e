/**
 * The desktop window's lock-down, checked under plain Node: main.ts takes its webPreferences and CSP from
 * electron/desktop/window-security.ts, and these tests read them (and the renderer page's own CSP meta tag).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsp, WINDOW_CSP, windowWebPreferences } from '../../electron/desktop/window-security.js';

const root = path.resolve(__dirname, '../..');

/** Why a policy would let a script run that is not one of the app's own files; empty when it would not. */
function scriptSourceProblems(policy: string): string[] {
  const directives = parseCsp(policy);
  const sources = directives.get('script-src') ?? directives.get('default-src');
  if (!sources) return ['no script-src and no default-src: any script may run'];
  const problems: string[] = [];
  for (const source of sources) {
    const s = source.toLowerCase();
    if (s === "'unsafe-inline'") problems.push('inline scripts allowed');
    else if (s === "'unsafe-eval'" || s === "'wasm-unsafe-eval'") problems.push(`eval allowed (${source})`);
    else if (s === "'unsafe-hashes'" || s === "'strict-dynamic'") problems.push(`${source} widens what may run`);
    else if (s === '*' || s.includes('*')) problems.push(`wildcard source ${source}`);
    else if (/^(https?|wss?|data|blob|filesystem):/.test(s)) problems.push(`remote or data source ${source}`);
    else if (s !== "'self'" && s !== "'none'") problems.push(`unexpected source ${source}`);
  }
  for (const name of ['script-src-elem', 'script-src-attr']) {
    if (directives.has(name)) problems.push(`${name} is set: check it too`);
  }
  return problems;
}

function metaCsp(html: string): string {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  if (!match) throw new Error('no Content-Security-Policy meta tag');
  return match[1]!;
}

describe('the CSP checker itself', () => {
  it('flags inline, eval, remote and wildcard script sources, and a policy without any', () => {
    expect(scriptSourceProblems("script-src 'self'")).toEqual([]);
    expect(scriptSourceProblems("default-src 'self'")).toEqual([]);
    expect(scriptSourceProblems("script-src 'self' 'unsafe-inline'")).toEqual(['inline scripts allowed']);
    expect(scriptSourceProblems("script-src 'self' 'unsafe-eval'")).toEqual(["eval allowed ('unsafe-eval')"]);
    expect(scriptSourceProblems("script-src 'self' https://cdn.example.com")).toEqual(['remote or data source https://cdn.example.com']);
    expect(scriptSourceProblems("script-src 'self' http:")).toEqual(['remote or data source http:']);
    expect(scriptSourceProblems('script-src *')).toEqual(['wildcard source *']);
    expect(scriptSourceProblems("img-src 'self'")).toEqual(['no script-src and no default-src: any script may run']);
    // The first script-src counts; a later duplicate is ignored by browsers.
    expect(scriptSourceProblems("script-src 'self'; script-src 'unsafe-inline'")).toEqual([]);
  });
});

describe('the desktop window', () => {
  it('runs with context isolation, sandbox, no Node integration and web security on', () => {
    const preferences = windowWebPreferences('/app/preload.js');
    expect(preferences).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a CSP without inline, eval or remote scripts, plugins, base-uri or framing', () => {
    expect(scriptSourceProblems(WINDOW_CSP)).toEqual([]);
    const directives = parseCsp(WINDOW_CSP);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });

  it('is what main.ts uses: the preferences and the CSP come from window-security.ts', () => {
    const main = fs.readFileSync(path.join(root, 'electron/main.ts'), 'utf8');
    expect(main).toMatch(/from '\.\/desktop\/window-security\.js'/);
    expect(main).toMatch(/webPreferences: windowWebPreferences\(/);
    expect(main).toMatch(/const CSP = WINDOW_CSP;/);
    expect(main).toMatch(/'Content-Security-Policy': \[CSP\]/);
    // No second BrowserWindow with its own preferences.
    expect(main.match(/new BrowserWindow\(/g)?.length).toBe(1);
    expect(main).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/);
  });
});

describe('the renderer page', () => {
  it('carries its own CSP meta tag without inline, eval or remote scripts (the browser UI has no Electron header)', () => {
    const html = fs.readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
    expect(scriptSourceProblems(metaCsp(html))).toEqual([]);
  });

  it('has no inline script in the built page, when it is built', () => {
    const built = path.join(root, 'dist/renderer/index.html');
    if (!fs.existsSync(built)) return;
    const html = fs.readFileSync(built, 'utf8');
    expect(scriptSourceProblems(metaCsp(html))).toEqual([]);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    for (const [, attributes, body] of scripts) {
      expect(attributes, 'every script is a file of the app').toMatch(/\bsrc="\.?\/?assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });
});
