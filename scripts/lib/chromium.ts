import { existsSync } from 'node:fs'
import { ActionableError } from './progress.ts'
import { runCommand } from './run.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const INSTALL = 'apt-get update && apt-get install -y chromium'

/** Debian's Chromium for the browser tests: installed with apt-get when running as root. */
export async function ensureChromium(report: (line: string) => void): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH
  if (process.getuid?.() !== 0)
    throw new ActionableError(`Chromium is missing for the browser tests. Install it with:\n  sudo sh -c '${INSTALL}'`)
  report(`installing Debian's chromium package (${INSTALL})`)
  await runCommand('sh', ['-c', INSTALL], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    hint: `Run \`${INSTALL}\` yourself to see why.`,
  })
  return CHROMIUM_PATH
}
