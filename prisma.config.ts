import path from 'node:path'
import { defineConfig } from 'prisma/config'
import { migrationAdapter } from './prisma/migration-adapter.ts'

// `generate` only reads the schema, but the schema's env("DATABASE_URL") must
// resolve or the CLI falls back to downloading an engine. Commands that connect
// go through adapter(), which refuses to run without a real URL.
const PLACEHOLDER_URL = 'postgresql://placeholder@localhost/placeholder'
process.env.DATABASE_URL ??= PLACEHOLDER_URL

// engine "js" runs the WebAssembly schema engine through a driver adapter, so the
// CLI never downloads an engine binary (see prisma/migration-adapter.ts).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL
    if (!url || url === PLACEHOLDER_URL)
      throw new Error('DATABASE_URL is not set: run through `npm start`, or export it for the Prisma CLI')
    return migrationAdapter(url)
  },
})
