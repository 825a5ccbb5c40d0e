/**
 * Listeners bind to 127.0.0.1 unless configured: a route added without `listenHost` is reachable on loopback
 * only (a connection to the machine's other addresses is refused), and `listenHost` opts in to another address.
 * (The UI server's own binding is checked in ui-server.test.ts.)
 */
import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';

const cores: ToolscopeCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

function newCore(): ToolscopeCore {
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
  cores.push(core);
  return core;
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return null;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('route listeners', () => {
  it('listen on 127.0.0.1 by default, and are not reachable on other addresses', async () => {
    const core = newCore();
    const route = await core.addRoute({ listenPort: 0, upstream: 'http://127.0.0.1:9' });
    expect(route.listen.host).toBe('127.0.0.1');
    expect(core.listRoutes()[0]!.listen.host).toBe('127.0.0.1');
    expect(await connects('127.0.0.1', route.listen.port)).toBe(true);
    const external = externalAddress();
    if (external) expect(await connects(external, route.listen.port)).toBe(false);
  });

  it('listen elsewhere only when told to', async () => {
    const external = externalAddress();
    if (!external) return;
    const core = newCore();
    const route = await core.addRoute({ listenPort: 0, listenHost: '0.0.0.0', upstream: 'http://127.0.0.1:9' });
    expect(route.listen.host).toBe('0.0.0.0');
    expect(await connects(external, route.listen.port)).toBe(true);
  });
});
