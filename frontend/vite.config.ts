/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// `make run` serves the gateway (Caddy) here; it routes to the services and the dev IdP.
const GATEWAY = 'http://127.0.0.1:8080';

// The Host header is kept (no changeOrigin) and X-Forwarded-* added, so the IdP and the
// services see the dev server's origin: the OIDC issuer and redirect URIs then stay
// same-origin, exactly as behind the gateway.
const toGateway: ProxyOptions = { target: GATEWAY, xfwd: true };
const proxy = { '/api': toGateway, '/idp': toGateway, '/fhir': toGateway };

export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      // nhsuk-frontend's Sass refers to its icons under $nhsuk-assets-path; this alias
      // lets Vite find, hash and bundle them (see src/styles/index.scss).
      '@nhsuk-assets': fileURLToPath(
        new URL('./node_modules/nhsuk-frontend/dist/nhsuk/assets', import.meta.url),
      ),
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: {
    outDir: 'dist',
    rolldownOptions: {
      output: {
        // Third-party code changes far less often than ours: chunks of its own stay
        // cached in browsers across Equitas releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
    css: false,
  },
});
