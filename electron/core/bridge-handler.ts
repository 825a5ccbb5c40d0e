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
import { mockRulesSchema } from '../../shared/mocks/mock-rule.js';
import { breakpointRulesSchema } from '../../shared/breakpoints/breakpoint-rule.js';
import { openSessionForReading, readSessionSlice } from '../session/session-slices.js';
import { importHarText } from '../session/har-import.js';
import { issueText } from './config-watcher.js';
import type { ToolscopeCore } from './toolscope-core.js';

export async function handleBridgeCall(core: ToolscopeCore, method: string, rawParams: unknown): Promise<unknown> {
  if (!isBridgeMethod(method)) throw new Error(`unknown method "${method}"`);
  return run(core, method, parseParams(method, rawParams));
}

function parseParams<M extends BridgeMethod>(method: M, rawParams: unknown): BridgeParams<M> {
  const parsed = bridgeMethods[method].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid parameters for ${method}: ${issue ? `${issue.path.join('.') || 'params'}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data as BridgeParams<M>;
}

async function run<M extends BridgeMethod>(core: ToolscopeCore, method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
  // Each branch narrows by method name; the casts only restate what the switch proved.
  switch (method) {
    case 'info':
      return info(core) as BridgeResult<M>;
    case 'addRoute':
      return (await core.addRoute(params as BridgeParams<'addRoute'>)) as BridgeResult<M>;
    case 'removeRoute':
      return { removed: await core.removeRoute((params as BridgeParams<'removeRoute'>).routeId) } as BridgeResult<M>;
    case 'listSessions': {
      const catalog = core.catalog;
      const live = await core.liveSession();
      return {
        directory: catalog?.directory ?? '',
        sessions: catalog ? catalog.list(live, core.earlierSessionFiles) : [],
      } as BridgeResult<M>;
    }
    case 'openSession':
      return openSessionForReading(path.resolve((params as BridgeParams<'openSession'>).path)) as BridgeResult<M>;
    case 'readSession': {
      const { path: file, offset, end, maxBytes } = params as BridgeParams<'readSession'>;
      return readSessionSlice(path.resolve(file), offset, end, maxBytes) as BridgeResult<M>;
    }
    case 'newSession':
      core.newSession();
      return info(core) as BridgeResult<M>;
    case 'importHar': {
      const directory = core.sessionsDirectory;
      if (!directory) throw new Error('this Toolscope has no sessions folder to import into');
      const { fileName, text } = params as BridgeParams<'importHar'>;
      return importHarText(text, fileName, directory, core.options.appVersion) as BridgeResult<M>;
    }
    case 'saveSessionAs': {
      const file = path.resolve((params as BridgeParams<'saveSessionAs'>).path);
      return { path: file, bytes: core.saveSessionAs(file) } as BridgeResult<M>;
    }
    case 'getMocks':
      return mocksState(core) as BridgeResult<M>;
    case 'setMocks': {
      // All or nothing: a half-applied list would answer calls with rules nobody chose.
      const parsed = mockRulesSchema.safeParse((params as BridgeParams<'setMocks'>).rules);
      if (!parsed.success) throw new Error(issueText(parsed.error.issues, ['rules']));
      core.mocks.setRules(parsed.data);
      return mocksState(core) as BridgeResult<M>;
    }
    case 'saveMocks': {
      const configFile = core.configFile;
      if (!configFile) throw new Error('this Toolscope runs without a config file: start with --config FILE to save rules');
      return { path: configFile.save(core.mocks.rules()) } as BridgeResult<M>;
    }
    case 'resendRequest':
      return (await core.resend(params as BridgeParams<'resendRequest'>)) as BridgeResult<M>;
    case 'injectFrame':
      return { seq: core.injectFrame(params as BridgeParams<'injectFrame'>) } as BridgeResult<M>;
    case 'getBreakpoints':
      return breakpointsState(core) as BridgeResult<M>;
    case 'setBreakpoints': {
      // All or nothing, like setMocks; items already held stay held under their old rule.
      const parsed = breakpointRulesSchema.safeParse((params as BridgeParams<'setBreakpoints'>).rules);
      if (!parsed.success) throw new Error(issueText(parsed.error.issues, ['rules']));
      core.breakpoints.setRules(parsed.data);
      return breakpointsState(core) as BridgeResult<M>;
    }
    case 'releasePause':
      return core.pauses.release(params as BridgeParams<'releasePause'>) as BridgeResult<M>;
    default:
      throw new Error(`unhandled method "${String(method)}"`);
  }
}

function info(core: ToolscopeCore): BridgeResult<'info'> {
  return {
    appVersion: core.options.appVersion,
    sessionFile: core.sessionFile,
    startedAt: new Date(core.startTime).toISOString(),
    routes: core.listRoutes(),
    // The file's latest good contents: an edit while Toolscope runs changes the analysis settings too.
    config: core.configFile?.config ?? core.options.config ?? null,
    retention: { ...core.log.retention },
  };
}

function breakpointsState(core: ToolscopeCore): BridgeResult<'getBreakpoints'> {
  return { rules: [...core.breakpoints.rules()], paused: core.pauses.list() };
}

function mocksState(core: ToolscopeCore): BridgeResult<'getMocks'> {
  return {
    rules: [...core.mocks.rules()],
    hits: core.mocks.hits(),
    configFile: core.configFile?.file ?? null,
    configError: core.configFile?.error ?? null,
  };
}
