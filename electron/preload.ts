/**
 * Exposes the bridge to the sandboxed renderer. Only these functions cross; the renderer never gets
 * ipcRenderer itself. Sandboxed preloads are CommonJS and cannot import our ESM modules, so the channel names
 * are spelled here and in main.ts (DESKTOP_COMMAND_CHANNEL in shared/desktop-commands.ts is 'toolscope:command').
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// Main sends commands once the page has loaded, which can be before the UI has mounted and called onCommand
// (a file given on the command line, for example); they wait here for the first listener instead of being lost.
const commandListeners = new Set<(command: unknown) => void>();
let waitingCommands: unknown[] = [];
ipcRenderer.on('toolscope:command', (_event: IpcRendererEvent, command: unknown) => {
  if (commandListeners.size === 0) waitingCommands.push(command);
  else for (const listener of commandListeners) listener(command);
});

contextBridge.exposeInMainWorld('toolscope', {
  call(method: string, params: unknown): Promise<unknown> {
    return ipcRenderer.invoke('toolscope:call', method, params);
  },
  subscribe(onBatch: (batch: unknown) => void): () => void {
    const listener = (_event: IpcRendererEvent, batch: unknown) => onBatch(batch);
    ipcRenderer.on('toolscope:batch', listener);
    ipcRenderer.send('toolscope:subscribe');
    return () => {
      ipcRenderer.removeListener('toolscope:batch', listener);
      ipcRenderer.send('toolscope:unsubscribe');
    };
  },
  onCommand(listener: (command: unknown) => void): () => void {
    commandListeners.add(listener);
    const waiting = waitingCommands;
    waitingCommands = [];
    for (const command of waiting) listener(command);
    return () => {
      commandListeners.delete(listener);
    };
  },
});
