import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary's path, or why there is none (the optional package or its download is missing). */
export function findElectronBinary(): { binary: string | null; reason: string } {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary, reason: '' };
    return { binary: null, reason: 'the Electron binary is missing' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      binary: null,
      reason: code === 'MODULE_NOT_FOUND' ? 'the optional electron package is not installed' : 'the Electron binary was not downloaded (needs internet)',
    };
  }
}
