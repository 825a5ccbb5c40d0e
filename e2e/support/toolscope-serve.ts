/**
 * Runs the real `toolscope serve` CLI as a child process for end-to-end tests and reads the addresses it
 * prints. Every process started here is stopped by `stop()`, which the test calls in its teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** Base URLs of the routes, in the order given: http://127.0.0.1:PORT */
  routes: string[];
  uiUrl: string;
  sessionFile: string;
  /** Its sessions folder ($TOOLSCOPE_HOME/sessions, in a temporary folder, never the user's own). */
  sessionsDirectory: string;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startServe(routeUpstreams: string[], extraArgs: string[] = []): Promise<ServeProcess> {
  const cli = path.join(repoRoot, 'dist', 'node', 'electron', 'cli', 'toolscope.js');
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'toolscope-e2e-'));
  const sessionFile = path.join(tempDir, 'session.ndjson');
  const home = path.join(tempDir, 'home');
  const args = [cli, 'serve', '--no-open', '--ui-port', '0', '--session', sessionFile, ...extraArgs];
  for (const upstream of routeUpstreams) args.push('--route', `0=${upstream}`);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOOLSCOPE_HOME: home } });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));

  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });

  const deadline = Date.now() + 15_000;
  while (!/^ui\s+\S+/m.test(text)) {
    if (child.exitCode !== null) throw new Error(`toolscope serve exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`toolscope serve printed no UI address within 15 s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const routes = [...text.matchAll(/^route \S+\s+(http:\/\/\S+) ->/gm)].map((m) => m[1]!);
  const uiUrl = /^ui\s+(\S+)/m.exec(text)![1]!;
  return { child, routes, uiUrl, sessionFile, sessionsDirectory: path.join(home, 'sessions'), output: () => text, stop };
}
