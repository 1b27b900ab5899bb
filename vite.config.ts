import { vitePlugin as remix } from '@remix-run/dev'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

// The portal: Remix routes under web/app, built into build/ (client assets in
// build/client, the server build in build/server/index.js) and served by
// web/server/main.ts. Vite only sees web/app and what it imports.
export default defineConfig({
  // The dev dependency scan follows imports into *.server.ts files too; the
  // argon2 binding has no browser build to pre-bundle (it is only ever used on the server).
  optimizeDeps: { exclude: ['@node-rs/argon2'] },
  // Static files served as they are (favicon); Vite copies them into build/client.
  publicDir: 'web/public',
  plugins: [
    tailwindcss(),
    remix({
      appDirectory: 'web/app',
      buildDirectory: 'build',
      // Server-only and test modules sit beside their route; they are not routes.
      ignoredRouteFiles: ['**/.*', '**/*.server.*', '**/*.test.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
})
