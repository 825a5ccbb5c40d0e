/**
 * The one bridge of this page: the preload's IPC bridge inside the desktop app, else the UI server's
 * WebSocket. When neither is possible (the built page opened straight from disk, or no token), a bridge that
 * explains why, so the UI can say so instead of spinning.
 */
import type { BridgeMethod, BridgeParams, BridgeResult, ToolscopeBridge } from '../../../shared/bridge.js';
import { bridgeSocketUrl, readBridgeToken } from './bridge-token.js';
import { connectionStatusSink } from './connection-store.js';
import { IpcBridgeClient } from './ipc-bridge-client.js';
import { WsBridgeClient } from './ws-bridge-client.js';

let bridge: ToolscopeBridge | null = null;

export function getBridge(): ToolscopeBridge {
  if (bridge) return bridge;
  if (window.toolscope) {
    bridge = new IpcBridgeClient(window.toolscope, connectionStatusSink);
    return bridge;
  }
  const token = readBridgeToken();
  if (!window.location.host) {
    bridge = unavailableBridge('no bridge: this page is not served by Toolscope; open the address `toolscope serve` prints');
  } else if (!token) {
    bridge = unavailableBridge('no access token: open the address `toolscope serve` printed (…/?token=…)');
  } else {
    bridge = new WsBridgeClient({ url: bridgeSocketUrl(window.location, token), status: connectionStatusSink });
  }
  return bridge;
}

function unavailableBridge(reason: string): ToolscopeBridge {
  connectionStatusSink.update({ transport: 'websocket', status: 'closed', lastError: reason, retryAt: null });
  return {
    call<M extends BridgeMethod>(_method: M, _params: BridgeParams<M>): Promise<BridgeResult<M>> {
      return Promise.reject(new Error(reason));
    },
    subscribe: () => () => {},
    resnapshot: () => {},
  };
}
