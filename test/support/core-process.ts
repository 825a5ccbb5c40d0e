/**
 * Helpers for tests that run real sockets: the built `toolscope` CLI as a child process, a small tool
 * backend (JSON, slow SSE, WebSocket echo), and an HTTP client that reports exactly what it received.
 * Every process and server started here is stopped by its own handle; tests call those in teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const builtCli = path.join(repoRoot, 'dist', 'node', 'electron', 'cli', 'toolscope.js');
export const binScript = path.join(repoRoot, 'bin', 'toolscope.js');

/**
 * Throws a sentence that says what to do when the CLI has not been compiled, and warns when a source file is
 * newer than its compiled form (the child process would run old code).
 */
export function requireBuiltCli(): void {
  if (!fs.existsSync(builtCli)) {
    throw new Error(`${path.relative(repoRoot, builtCli)} is missing: run \`npm run build:node\` before these tests`);
  }
  const stale: string[] = [];
  for (const top of ['shared', 'electron']) {
    for (const file of fs.readdirSync(path.join(repoRoot, top), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const source = path.join(repoRoot, top, file);
      const built = path.join(repoRoot, 'dist', 'node', top, file.replace(/\.ts$/, '.js'));
      if (fs.existsSync(built) && fs.statSync(source).mtimeMs > fs.statSync(built).mtimeMs) stale.push(path.join(top, file));
    }
  }
  if (stale.length > 0) {
    console.warn(`dist/node is older than ${stale.join(', ')}: the CLI tests run the old build; run \`npm run build:node\``);
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `toolscope-${prefix}-`));
}

// ---- The CLI as a child process ----

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Route base URLs in the order printed: http://127.0.0.1:PORT */
  routes: string[];
  uiUrl: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (whatever stopped it). */
  exited: Promise<CliRun>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<CliRun>;
}

function spawnCli(args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<CliRun> } {
  requireBuiltCli();
  // Tests always pass --session; TOOLSCOPE_HOME keeps a forgotten one out of the user's ~/.toolscope.
  const child = spawn(process.execPath, [binScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOOLSCOPE_HOME: path.join(os.tmpdir(), 'toolscope-test-home') } });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (out.stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (out.stderr += text));
  const exited = new Promise<CliRun>((resolve) => {
    // 'close' comes after the output pipes are drained, so stdout/stderr are complete.
    child.once('close', (code, signal) => resolve({ code, signal, stdout: out.stdout, stderr: out.stderr }));
  });
  return { child, out, exited };
}

/** Runs the CLI to completion (for flags that must make it exit). Kills it if it outlives `timeoutMs`. */
export async function runCli(args: string[], timeoutMs = 10_000): Promise<CliRun> {
  const { child, exited } = spawnCli(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `toolscope serve` and waits until it printed its UI address. */
export async function startServe(args: string[], timeoutMs = 15_000): Promise<CliProcess> {
  const { child, out, exited } = spawnCli(['serve', '--no-open', '--ui-port', '0', ...args]);
  let ended: CliRun | null = null;
  void exited.then((run) => (ended = run));
  const stop = async (graceMs = 5_000): Promise<CliRun> => {
    if (ended) return ended;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!/^ui\s+\S+/m.test(out.stdout)) {
    if (ended) throw new Error(`toolscope serve exited early (${(ended as CliRun).code ?? (ended as CliRun).signal}):\n${out.stdout}${out.stderr}`);
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`toolscope serve printed no UI address within ${timeoutMs} ms:\n${out.stdout}${out.stderr}`);
    }
    await sleep(20);
  }
  const routes = [...out.stdout.matchAll(/^route \S+\s+(http:\/\/\S+) -> /gm)].map((m) => m[1]!);
  const uiUrl = /^ui\s+(\S+)/m.exec(out.stdout)![1]!;
  return { child, routes, uiUrl, stdout: () => out.stdout, stderr: () => out.stderr, exited, stop };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- A tool backend ----

export interface Backend {
  url: string;
  port: number;
  /** Requests the backend has seen, by path. */
  seen: string[];
  close(): Promise<void>;
}

export const SSE_EVENTS = 4;

/**
 * `POST|GET /json…` answers `{"ok":true,"path":…,"body":…}`. `GET /sse…` streams SSE_EVENTS events `sseDelayMs`
 * apart (CRLF line ends, a comment, multi-line data) and then ends. `/ws…` upgrades and echoes every message
 * with the same type, prefixed `echo:` for text.
 */
export async function startBackend(options: { sseDelayMs?: number } = {}): Promise<Backend> {
  const sseDelayMs = options.sseDelayMs ?? 10;
  const seen: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      if (url.startsWith('/sse')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(': hello\r\n\r\n');
        let n = 0;
        const tick = () => {
          if (res.destroyed) return;
          n++;
          res.write(`event: action\r\ndata: {"n":${n},\r\ndata: "text":"é😀"}\r\n\r\n`);
          if (n < SSE_EVENTS) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              tick();
            }, sseDelayMs);
            timers.add(timer);
          } else res.end('data: close\n\n');
        };
        tick();
        return;
      }
      const payload = JSON.stringify({ ok: true, path: url, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  const sockets = new WebSocketServer({ server, perMessageDeflate: false });
  sockets.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      if (isBinary) socket.send(data, { binary: true });
      else socket.send(`echo:${data.toString()}`);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- A client that reports exactly what it received ----

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection; rejects if the connection breaks before the body is complete. */
export function request(url: string, options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (!res.complete) return reject(new Error('response ended before it was complete'));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
    });
    req.on('error', reject);
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('request timed out')));
    req.end(options.body);
  });
}
