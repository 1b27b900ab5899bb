import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { binDir, projectRoot } from './paths.ts'
import { runCommand } from './run.ts'

const serverBuild = path.join(projectRoot, 'build', 'server', 'index.js')
// Everything the Remix build bundles.
const buildInputs = [
  'web/app',
  'web/public',
  'web/shared',
  'services',
  'domain',
  'lib',
  'workflows/ticket.messages.ts',
  'vite.config.ts',
  'generated/prisma',
]

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs)
}

/** Builds the portal with Vite when the build is missing or older than its sources. */
export async function ensureWebBuild(report: (line: string) => void, signal?: AbortSignal): Promise<boolean> {
  const built = existsSync(serverBuild) ? statSync(serverBuild).mtimeMs : 0
  const sources = Math.max(...buildInputs.map((input) => newestMtime(path.join(projectRoot, input))))
  if (built >= sources) return false
  report('building the portal (remix vite:build)')
  await runCommand(path.join(binDir, 'remix'), ['vite:build'], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    signal,
  })
  return true
}
