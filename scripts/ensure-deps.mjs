#!/usr/bin/env node
// Runs before every npm script that needs dependencies, so `npm start` works on a
// fresh clone. Node built-ins only: node_modules may not exist yet.
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
  console.log('▸ Installing dependencies (npm ci): the first run takes a minute or two…')
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('✗ npm ci failed. Check your network access to the npm registry, then run `npm ci` yourself to see why.')
    process.exit(result.status ?? 1)
  }
  console.log('✓ Dependencies installed')
}
