/**
 * Schemathesis, the API fuzzer the stack tests run over the OpenAPI document
 * (tests/integration/api-fuzz.test.ts). It is a Python tool: pinned, it is
 * installed from PyPI once per clone into a virtual environment under .tools/,
 * with whichever Python 3.11 or newer the machine has.
 */
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { projectRoot, toolsDir } from './paths.ts'
import { ActionableError } from './progress.ts'
import { runCommand } from './run.ts'

export const SCHEMATHESIS_VERSION = '4.32.5'
const venv = path.join(toolsDir, `schemathesis-${SCHEMATHESIS_VERSION}`)
const cli = path.join(venv, 'bin', 'schemathesis')
const venvName = path.relative(projectRoot, venv)
const installCommand = `python3 -m venv ${venvName} && ${venvName}/bin/pip install schemathesis==${SCHEMATHESIS_VERSION}`

let ready: Promise<string> | undefined

/** The path of the `schemathesis` executable, installed if need be; once per process. */
export function ensureSchemathesis(report: (line: string) => void = console.log): Promise<string> {
  ready ??= prepare(report)
  return ready
}

async function prepare(report: (line: string) => void): Promise<string> {
  if (await isInstalled()) return cli
  const python = await findPython()
  report(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venvName} (once, a minute or so)`)
  // A half-made environment from an interrupted install is made again.
  await rm(venv, { recursive: true, force: true })
  await runCommand(python, ['-m', 'venv', venv], {
    hint: 'Python’s venv module is missing: install it (`apt-get install python3-venv`) and run the tests again.',
  })
  await runCommand(
    path.join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    {
      hint: `Check that PyPI is reachable (pip's index and proxy settings), then run the tests again, or install it by hand:\n  ${installCommand}`,
    },
  )
  if (!(await isInstalled()))
    throw new ActionableError(`schemathesis ${SCHEMATHESIS_VERSION} did not install. Try by hand:\n  ${installCommand}`)
  return cli
}

async function isInstalled(): Promise<boolean> {
  if (!existsSync(cli)) return false
  const version = await runCommand(cli, ['--version']).catch(() => '')
  return version.includes(SCHEMATHESIS_VERSION)
}

/** The first Python on PATH that Schemathesis runs on (3.11 or newer). */
async function findPython(): Promise<string> {
  for (const candidate of ['python3', 'python3.13', 'python3.12', 'python3.11']) {
    const version = await runCommand(candidate, ['-c', 'import sys; print(*sys.version_info[:2])']).catch(() => '')
    const [major, minor] = version.trim().split(' ').map(Number)
    if (major === 3 && minor !== undefined && minor >= 11) return candidate
  }
  throw new ActionableError(
    `Schemathesis ${SCHEMATHESIS_VERSION} needs Python 3.11 or newer with its venv module, and none is on PATH. ` +
      'Install it (`apt-get install python3 python3-venv`) and run the tests again.',
  )
}
