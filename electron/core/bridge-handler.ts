/**
 * Answers bridge calls for any transport (Electron IPC, the UI server's WebSocket): validates the parameters
 * with the method's schema, runs it on the core, and returns a value that matches the result schema.
 */
import path from 'node:path';
import {
  bridgeMethods,
  isBridgeMethod,
  type BridgeMethod,
  type BridgeResult,
  type BridgeParams,
} from '../../shared/bridge.js';
import { readSessionFile } from '../session/session-reader.js';
import type { ToolscopeCore } from './toolscope-core.js';

export async function handleBridgeCall(core: ToolscopeCore, method: string, rawParams: unknown): Promise<unknown> {
  if (!isBridgeMethod(method)) throw new Error(`unknown method "${method}"`);
  const parsed = bridgeMethods[method].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid parameters for ${method}: ${issue ? `${issue.path.join('.') || 'params'}: ${issue.message}` : 'invalid'}`);
  }
  return run(core, method, parsed.data as BridgeParams<typeof method>);
}

async function run<M extends BridgeMethod>(core: ToolscopeCore, method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
  // Each branch narrows by method name; the casts only restate what the switch proved.
  switch (method) {
    case 'info':
      return {
        appVersion: core.options.appVersion,
        sessionFile: core.sessionFile,
        startedAt: new Date(core.startTime).toISOString(),
        routes: core.listRoutes(),
        config: core.options.config ?? null,
      } as BridgeResult<M>;
    case 'addRoute':
      return (await core.addRoute(params as BridgeParams<'addRoute'>)) as BridgeResult<M>;
    case 'removeRoute':
      return { removed: await core.removeRoute((params as BridgeParams<'removeRoute'>).routeId) } as BridgeResult<M>;
    case 'openSession': {
      const file = path.resolve((params as BridgeParams<'openSession'>).path);
      const loaded = await readSessionFile(file);
      return { path: file, ...loaded } as BridgeResult<M>;
    }
    case 'saveSessionAs': {
      const file = path.resolve((params as BridgeParams<'saveSessionAs'>).path);
      return { path: file, bytes: core.saveSessionAs(file) } as BridgeResult<M>;
    }
    default:
      throw new Error(`unhandled method "${String(method)}"`);
  }
}
