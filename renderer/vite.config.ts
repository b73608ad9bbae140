// Builds the renderer into dist/renderer. JSX goes through Vite's own oxc transform (React
// automatic runtime); no inline scripts or styles are emitted, so the strict CSP holds.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome130',
    // Maps stay on disk for debugging but are not referenced from the bundle, nor served.
    sourcemap: 'hidden',
    modulePreload: { polyfill: false },
    // Keep every asset a file: nothing inlined that a CSP would have to allow.
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
