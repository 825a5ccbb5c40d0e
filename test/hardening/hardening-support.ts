/**
 * Helpers for the hardening tests (issue 8), on top of test/support/proxy-harness.ts: a browser-UI probe
 * (the real UI server and its bridge WebSocket, so a test can show the UI keeps getting events while a fault
 * is going on), a raw TCP client, and what a captured body holds as bytes.
 *
 * As in the harness, everything started here is registered with the caller's `Cleanup`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { startUiServer } from '../../electron/server/ui-server.js';
import type { CapturedBody, LogEvent } from '../../shared/events.js';
import { Cleanup, LOOPBACK, within } from '../support/proxy-harness.js';

/** The UI as the browser sees it: the bridge socket's event batches, and calls answered over it. */
export interface UiProbe {
  /** Every event the bridge delivered so far, in order. */
  readonly events: LogEvent[];
  /** Resolves with the first delivered event that matches (already delivered, or when it arrives). */
  waitFor(predicate: (event: LogEvent) => boolean, what: string, timeoutMs?: number): Promise<LogEvent>;
  /** A bridge call (`info`, `listRoutes` …); rejects when it is not answered. */
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** Starts the browser UI server for `core` and connects to its bridge the way the renderer does. */
export async function startUiProbe(cleanup: Cleanup, core: ToolscopeCore): Promise<UiProbe> {
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-hardening-ui-'));
  cleanup.add(() => fs.rmSync(staticDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>probe</title>');
  const ui = await startUiServer(core, { host: LOOPBACK, port: 0, staticDir });
  cleanup.add(() => ui.close());
  const host = `${LOOPBACK}:${ui.port}`;
  const socket = new WebSocket(`ws://${host}/api/bridge?token=${encodeURIComponent(ui.token)}`, {
    headers: { origin: `http://${host}` },
    perMessageDeflate: false,
  });
  socket.on('error', () => {});
  cleanup.add(() => socket.terminate());

  const events: LogEvent[] = [];
  const watchers = new Set<() => void>();
  const results = new Map<number, (message: { ok: boolean; value?: unknown; error?: string }) => void>();
  socket.on('message', (data: RawData) => {
    const message = JSON.parse(data.toString()) as { type: string; events?: LogEvent[]; id?: number; ok?: boolean; value?: unknown; error?: string };
    if (message.type === 'batch') {
      events.push(...(message.events ?? []));
      for (const watcher of [...watchers]) watcher();
    } else if (message.type === 'result' && typeof message.id === 'number') {
      results.get(message.id)?.({ ok: message.ok === true, value: message.value, error: message.error });
      results.delete(message.id);
    }
  });
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`the UI bridge refused the probe: ${res.statusCode}`)));
    }),
    5_000,
    'the UI bridge to accept the probe',
  );

  let nextId = 1;
  return {
    events,
    waitFor(predicate, what, timeoutMs = 5_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      let watcher: () => void = () => {};
      const arrived = new Promise<LogEvent>((resolve) => {
        watcher = () => {
          const match = events.find(predicate);
          if (match) resolve(match);
        };
        watchers.add(watcher);
      });
      return within(arrived, timeoutMs, `the UI to receive ${what}`).finally(() => watchers.delete(watcher));
    },
    call(method, params = {}) {
      const id = nextId++;
      const answered = new Promise<unknown>((resolve, reject) => {
        results.set(id, (message) => (message.ok ? resolve(message.value) : reject(new Error(message.error))));
      });
      socket.send(JSON.stringify({ type: 'call', id, method, params }));
      return within(answered, 5_000, `the UI bridge to answer ${method}`);
    },
  };
}

/** The bytes a captured body holds (its text as UTF-8, or its base64 decoded). */
export function capturedBytes(body: CapturedBody): Buffer {
  return body.encoding === 'base64' ? Buffer.from(body.data, 'base64') : Buffer.from(body.data, 'utf8');
}

/** A plain TCP connection to 127.0.0.1:port, destroyed by the cleanup; resolves once connected. */
export function connectRaw(cleanup: Cleanup, port: number, options: { allowHalfOpen?: boolean } = {}): Promise<net.Socket> {
  const socket = net.connect({ host: LOOPBACK, port, allowHalfOpen: options.allowHalfOpen ?? false });
  socket.on('error', () => {});
  cleanup.add(() => socket.destroy());
  return within(
    new Promise<net.Socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    }),
    5_000,
    `a TCP connection to port ${port}`,
  );
}

/** Resolves when the socket is fully closed (both directions, fd released). */
export function socketClosed(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
