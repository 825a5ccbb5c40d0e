/**
 * `toolscope serve`: the core without Electron. Prints each route and the UI address (with its token),
 * opens the browser unless told not to, and on SIGINT/SIGTERM flushes the session file and exits 0.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RouteSpec } from '../../shared/bridge.js';
import { parseRouteFlag } from '../../shared/route-flag.js';
import { appVersion, defaultSessionFile, defaultSessionsDirectory, rendererDir } from '../app-paths.js';
import { ToolscopeCore } from '../core/toolscope-core.js';
import { startUiServer } from '../server/ui-server.js';
import { UsageError } from './usage-error.js';
import { loadConfigFile } from './config-file.js';
import { watchConfigFile } from '../core/config-watcher.js';
import type { ToolscopeConfig } from '../../shared/config/toolscope-config.js';

export interface ServeFlags {
  route: string[];
  config?: string;
  session?: string;
  uiPort: string;
  host: string;
  open: boolean;
  timeout?: string;
  memoryMb?: string;
}

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const loaded = flags.config ? loadConfigFile(flags.config) : null;
  const config = loaded?.config ?? null;
  const specs = collectRoutes(flags, config);
  const uiPort = parsePort(flags.uiPort, '--ui-port');
  const timeoutMs = flags.timeout === undefined ? undefined : parsePositiveInt(flags.timeout, '--timeout');
  const memoryMb = flags.memoryMb === undefined ? undefined : parsePositiveInt(flags.memoryMb, '--memory-mb');
  const sessionFile = path.resolve(flags.session ?? defaultSessionFile());

  const core = new ToolscopeCore({ appVersion, sessionFile, sessionsDirectory: defaultSessionsDirectory(), config, ...(timeoutMs ? { defaultTimeoutMs: timeoutMs } : {}), ...(memoryMb ? { retention: { maxBytes: memoryMb * 1024 * 1024 } } : {}) });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Toolscope ${appVersion}`);
  // Its mock rules answer from the first request on; later edits of the file apply while serving.
  const configFile = loaded ? watchConfigFile(core, loaded, { log: out }) : null;
  try {
    for (const spec of specs) {
      const route = await core.addRoute(spec);
      const listen = `${route.listen.host.includes(':') ? `[${route.listen.host}]` : route.listen.host}:${route.listen.port}`;
      out(`route ${route.routeId}  http://${listen} -> ${route.upstream}  (WebSocket: ws://${listen})`);
    }
    const ui = await startUiServer(core, { host: flags.host, port: uiPort, staticDir: rendererDir });
    out(`session  ${sessionFile}`);
    out(`ui  ${ui.openUrl}`);
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) out('note  the UI is not built yet: run `npm run build`');
    if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
      out(`warning  the UI listens on ${flags.host}: anyone who can reach it and has the token can see your traffic`);
    }
    if (flags.open) openBrowser(ui.openUrl);

    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      configFile?.close();
      await ui.close();
      await core.close();
      out('stopped; session saved');
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  } catch (error) {
    configFile?.close();
    await core.close();
    throw new UsageError((error as Error).message);
  }
}

function collectRoutes(flags: ServeFlags, config: ToolscopeConfig | null): RouteSpec[] {
  const specs: RouteSpec[] = [];
  if (config && flags.config) specs.push(...routesFromConfig(flags.config, config));
  for (const flag of flags.route) {
    const parsed = parseRouteFlag(flag);
    if (!parsed.ok) throw new UsageError(parsed.error);
    specs.push(parsed.spec);
  }
  return specs;
}

function routesFromConfig(file: string, config: ToolscopeConfig): RouteSpec[] {
  return (config.routes ?? []).map((entry) => {
    const flag = typeof entry === 'string' ? entry : `${entry.listen}=${entry.upstream}`;
    const result = parseRouteFlag(flag);
    if (!result.ok) throw new UsageError(`config ${file}: ${result.error.replace(/^--route /, 'route ')}`);
    if (typeof entry !== 'string' && entry.timeoutMs) result.spec.timeoutMs = entry.timeoutMs;
    return result.spec;
  });
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${flag} "${text}" is not a port (0-65535)`);
  return n;
}

function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n <= 0) throw new UsageError(`${flag} "${text}" is not a positive whole number`);
  return n;
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stdout.write('note  could not open a browser; open the ui address above\n'));
    child.unref();
  } catch {
    process.stdout.write('note  could not open a browser; open the ui address above\n');
  }
}
