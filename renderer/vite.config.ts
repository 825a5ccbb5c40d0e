import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  // The desktop app loads index.html from file://, so every asset URL must be relative.
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    // Inlined assets would be data: URLs, which the CSP allows only for images; keep everything as files.
    assetsInlineLimit: 0,
    // One bundle read from local disk or loopback, never over a network: the web-page size warning does not apply.
    chunkSizeWarningLimit: 2048,
  },
});
