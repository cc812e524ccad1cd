// Vite: React via esbuild's automatic JSX runtime (no plugin); dev server proxies /api to a local CSMS.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: process.env['CHARGEWIRE_API'] ?? 'http://127.0.0.1:8080', changeOrigin: true },
      '/openapi.json': { target: process.env['CHARGEWIRE_API'] ?? 'http://127.0.0.1:8080', changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
