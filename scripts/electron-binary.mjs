// Finds the Electron binary, or says why there is none. The `electron` npm package exports the binary's
// path, and throws when its download (a postinstall step that needs internet) did not happen.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export function findElectronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary, reason: null };
    return { binary: null, reason: 'the Electron binary is missing' };
  } catch (error) {
    const missing = error && typeof error === 'object' && 'code' in error && error.code === 'MODULE_NOT_FOUND';
    return {
      binary: null,
      reason: missing ? 'the optional `electron` package is not installed' : 'the Electron binary was not downloaded',
    };
  }
}
