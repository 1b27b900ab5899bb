#!/usr/bin/env node
// Runs before every npm script that needs dependencies, so `npm start` works on a
// fresh clone: installs npm packages and generates the Prisma client (build output,
// git-ignored) when missing or stale. Node built-ins only: node_modules may not
// exist yet.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const lockfile = path.join(root, 'package-lock.json')
// npm rewrites this file at the end of every successful install.
const installedMarker = path.join(root, 'node_modules', '.package-lock.json')

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 3)) {
  console.error(`Caseway needs Node.js 20.3 or newer (this is ${process.versions.node}).`)
  process.exit(1)
}

const stale = !existsSync(installedMarker) || statSync(installedMarker).mtimeMs < statSync(lockfile).mtimeMs
if (stale) {
  console.log('▸ Installing dependencies from package-lock.json: the first run takes a minute or two…')
  // `npm ci`: exactly the lockfile's versions, and it never writes the lockfile, so a
  // fresh clone stays clean (`npm install` may rewrite it, say under an older npm).
  // The lockfile lists every platform's optional binaries (esbuild, rollup, …), which
  // `npm ci` needs; tests/integration/npm-start.test.ts checks a start leaves git clean.
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(
      '✗ npm ci failed. Check your network access to the npm registry; if it says package.json and package-lock.json are out of sync, run `npm install` and commit the lockfile.',
    )
    process.exit(result.status ?? 1)
  }
  console.log('✓ Dependencies installed')
}

const schema = path.join(root, 'prisma', 'schema.prisma')
const generatedClient = path.join(root, 'generated', 'prisma', 'client.ts')
if (!existsSync(generatedClient) || statSync(generatedClient).mtimeMs < statSync(schema).mtimeMs) {
  console.log('▸ Generating the Prisma client from prisma/schema.prisma…')
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  })
  if (result.status !== 0) {
    console.error('✗ prisma generate failed (see above). Run `npx prisma generate` yourself to see why.')
    process.exit(result.status ?? 1)
  }
  console.log('✓ Prisma client generated')
}
