/**
 * What the Electron preload (electron/preload.ts) puts on `window` through contextBridge. Its values cross a
 * process boundary, so they are typed `unknown` here and parsed by ipc-bridge-client.ts like any wire data.
 */
export interface ToolscopePreloadApi {
  call(method: string, params: unknown): Promise<unknown>;
  subscribe(onBatch: (batch: unknown) => void): () => void;
  /** Commands from the application menu and native dialogs (shared/desktop-commands.ts), parsed by the receiver. */
  onCommand(listener: (command: unknown) => void): () => void;
}

declare global {
  interface Window {
    toolscope?: ToolscopePreloadApi;
  }
}
