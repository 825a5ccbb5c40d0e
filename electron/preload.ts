/**
 * Exposes the bridge to the sandboxed renderer. Only these two functions cross; the renderer never gets
 * ipcRenderer itself. Sandboxed preloads are CommonJS and cannot import our ESM modules, so the channel names
 * are spelled here and in main.ts.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

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
});
