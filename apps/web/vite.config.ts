// The console's dev server and production build. `/api` goes to the gateway (GATEWAY_URL, the local
// stack's by default), so the browser only ever talks to one origin: no CORS, and the session cookie
// stays same-site. Production puts the built files behind a CDN that routes /api/* the same way.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000'
const proxy = { '/api': { target: gateway } }

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: Number(process.env.WEB_PORT ?? 5173), strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: Number(process.env.WEB_PORT ?? 4173), strictPort: true, proxy },
  build: { sourcemap: true },
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    reporters: ['default', './test/tap-summary-reporter.ts'],
  },
})
