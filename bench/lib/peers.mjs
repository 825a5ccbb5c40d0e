/**
 * The peers the bench compares Toolscope with, each configured as a user would to put it between a bot and
 * its tool backend (installed by bench/setup-peers.sh, never project dependencies):
 *
 *   - mitmproxy: `mitmdump --mode reverse:http://127.0.0.1:PORT` in a child process (Python). Quiet, no flow
 *     file, no web UI (mitmdump has none), its own throw-away confdir, and the documented streaming hook
 *     (lib/mitm-stream-sse.py sets `flow.response.stream = True` for `text/event-stream`), without which
 *     mitmproxy holds an SSE answer until the stream ends. Webhook bodies stay buffered (and inspectable), as
 *     a user who wants to see them keeps them.
 *   - mockttp (HTTP Toolkit's engine): `getLocal()` with `forAnyRequest().thenForwardTo(url)` and
 *     `forAnyWebSocket().thenForwardTo(url)`, in this process (like Toolscope's route), with the traffic
 *     events HTTP Toolkit's UI subscribes to (`request`, `response`, `websocket-message-received/-sent`) so it
 *     captures what it forwards, as Toolscope does; `recordTraffic: false` so it keeps nothing in memory.
 *
 * `peerAvailability()` says which can run, and why not; a missing peer is a column of "n/a", never a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PEERS_DIR = path.resolve(HERE, '../.peers');
const MOCKTTP_MAIN = path.join(PEERS_DIR, 'node_modules/mockttp/dist/main.js');
const MITM_ADDON = path.join(HERE, 'mitm-stream-sse.py');
const SETUP = path.resolve(HERE, '../setup-peers.sh');

/** Every child process started here, so the bench can kill them on exit, error or Ctrl-C. */
const children = new Set();
export function killAllPeerChildren() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

function mitmdumpPath() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'mitmdump');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return null;
}

/** { mitm: {ok, why?, version?}, mockttp: {ok, why?, version?} } */
export function peerAvailability() {
  const out = {};
  const mitm = mitmdumpPath();
  if (!mitm) out.mitm = { ok: false, why: 'mitmdump not installed: sh bench/setup-peers.sh' };
  else {
    const v = spawnSync(mitm, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    const version = /Mitmproxy:\s*(\S+)/.exec(v.stdout ?? '')?.[1];
    out.mitm = version ? { ok: true, version, path: mitm } : { ok: false, why: `mitmdump --version failed: ${(v.stderr || v.error?.message || '').trim().split('\n').pop()}` };
  }
  if (!fs.existsSync(MOCKTTP_MAIN)) out.mockttp = { ok: false, why: 'mockttp not in bench/.peers: sh bench/setup-peers.sh' };
  else {
    const version = JSON.parse(fs.readFileSync(path.join(PEERS_DIR, 'node_modules/mockttp/package.json'), 'utf8')).version;
    out.mockttp = { ok: true, version };
  }
  return out;
}

/** Runs bench/setup-peers.sh (idempotent), its output on stderr; bounded to 5 minutes. */
export function runPeerSetup() {
  const r = spawnSync('sh', [SETUP], { stdio: ['ignore', 2, 2], timeout: 300_000 });
  if (r.error || r.status !== 0) process.stderr.write(`bench: setup-peers.sh did not finish cleanly (${r.error?.message ?? `exit ${r.status}`})\n`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** CPU seconds (user + system) and RSS/peak RSS of a process, from /proc (Linux); null elsewhere. */
export function procStats(pid) {
  try {
    const cpuSec = statCpuSec(`/proc/${pid}/stat`);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuSec, rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}
/**
 * CPU seconds (user + system) of the calling thread, from /proc/thread-self (Linux); null elsewhere. A worker
 * reads its own, so a process's CPU can be split between its threads.
 */
export function threadCpuSec() {
  try {
    return statCpuSec('/proc/thread-self/stat');
  } catch {
    return null;
  }
}
/** utime + stime of a /proc `stat` file (fields 14 and 15 of the line; the name before them may hold spaces). */
function statCpuSec(file) {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number.parseInt(r.stdout ?? '', 10) || 100;
})();

/** Starts mitmdump as a reverse proxy to the backend; resolves once it accepts connections. */
export async function startMitm(backendPort, tmpDir) {
  const bin = mitmdumpPath();
  const port = await freePort();
  const confdir = fs.mkdtempSync(path.join(tmpDir, 'mitm-'));
  const args = [
    '--mode', `reverse:http://127.0.0.1:${backendPort}`,
    '--listen-host', '127.0.0.1',
    '--listen-port', String(port),
    '-q',
    '--set', `confdir=${confdir}`,
    '-s', MITM_ADDON,
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => {
    if (stderr.length < 8192) stderr += c;
  });
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    children.delete(child);
  });
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`mitmdump exited (${exited.code ?? exited.signal}) before listening: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mitmdump did not listen on ${port} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    pid: child.pid,
    cmdline: `mitmdump ${args.join(' ')}`,
    stats: () => procStats(child.pid),
    async close() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
      fs.rmSync(confdir, { recursive: true, force: true });
    },
  };
}

/** Starts mockttp forwarding to the backend, in this process; its capture events counted. */
export async function startMockttp(backendPort) {
  const { getLocal } = await import(pathToFileURL(MOCKTTP_MAIN).href);
  const server = getLocal({ recordTraffic: false, cors: false, suggestChanges: false });
  await server.start();
  const seen = { requests: 0, responses: 0, wsMessages: 0 };
  await server.forAnyRequest().thenForwardTo(`http://127.0.0.1:${backendPort}`);
  await server.forAnyWebSocket().thenForwardTo(`ws://127.0.0.1:${backendPort}`);
  await server.on('request', () => seen.requests++);
  await server.on('response', () => seen.responses++);
  await server.on('websocket-message-received', () => seen.wsMessages++);
  await server.on('websocket-message-sent', () => seen.wsMessages++);
  return {
    port: server.port,
    seen,
    async close() {
      await server.stop();
    },
  };
}
