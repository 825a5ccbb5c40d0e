/**
 * Opening things: a session file on the core's machine (by path, from the Sessions list or the desktop
 * menu), a file picked or dropped into the page, and HAR files, which the core turns into a session file
 * first so they are listed and opened like recorded ones.
 */
import { getBridge } from '../bridge/get-bridge.js';
import { downloadFile } from '../ui/download-file.js';
import { looksLikeHarText } from '../../../shared/import/har-sniff.js';
import { coreSessionSource, localSessionSource } from './session-source.js';
import { useViewStore } from './view-store.js';

export function openCoreSession(path: string): Promise<boolean> {
  return useViewStore.getState().open(path, () => coreSessionSource(path));
}

/** A picked or dropped file: a HAR is imported through the core; anything else is read as a session file. */
export async function openLocalFile(file: File): Promise<boolean> {
  const head = await file.slice(0, 4096).text();
  if (/\.har$/i.test(file.name) || looksLikeHarText(head)) return importHarFile(file);
  return useViewStore.getState().open(file.name, () => localSessionSource(file));
}

export async function importHarFile(file: File): Promise<boolean> {
  const view = useViewStore.getState();
  let imported: { path: string; warnings: string[] };
  try {
    imported = await getBridge().call('importHar', { fileName: file.name, text: await file.text() });
  } catch (error) {
    useViewStore.setState({ openError: `${file.name}: ${(error as Error).message}` });
    return false;
  }
  return openImported(imported.path, imported.warnings, view);
}

/** After an import (here or by the desktop menu): open the new session file, with what the import noticed. */
export function openImported(path: string, warnings: readonly string[], view = useViewStore.getState()): Promise<boolean> {
  return view.open(path, () => coreSessionSource(path), warnings.map((message) => ({ line: 0, message: `import: ${message}` })));
}

export async function startNewSession(): Promise<void> {
  await getBridge().call('newSession', {});
  useViewStore.getState().showLive();
}

/**
 * "Save as" in the browser: the session file as a download, exactly as the core has it. (The desktop app's
 * File › Save session as… uses a native dialog instead.)
 */
export async function downloadSessionFile(path: string, fileName: string): Promise<void> {
  const bridge = getBridge();
  if (!bridge.streamSession) throw new Error('use File › Save session as… in the desktop app');
  const opened = await bridge.call('openSession', { path });
  const parts: Uint8Array[] = [];
  for await (const piece of bridge.streamSession({ ...opened, eventsOffset: 0 })) parts.push(piece);
  downloadFile(fileName, new Blob(parts as BlobPart[], { type: 'application/x-ndjson' }));
}
