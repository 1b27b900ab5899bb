/**
 * `npm test`: everything, in layers, starting what each layer needs and stopping
 * it after. Tools that are missing are installed where the project can (Chromium
 * via apt-get as root, the Temporal CLI via go install, the Java test server via
 * Maven, Schemathesis via pip into a virtual environment) and otherwise the run stops with the command to run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ensureChromium } from './lib/chromium.ts'
import { binDir, projectRoot } from './lib/paths.ts'
import { ActionableError, step } from './lib/progress.ts'
import { runCommand } from './lib/run.ts'
import { ensureSchemathesis } from './lib/schemathesis.ts'
import { ensureTemporalCli } from './lib/temporal-server.ts'
import { ensureTimeSkippingServer } from './lib/test-server.ts'

interface VitestReport {
  success: boolean
  numTotalTests: number
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
}

const totals = { passed: 0, failed: 0 }

async function vitest(projects: string[], reportDir: string): Promise<void> {
  const outputFile = path.join(reportDir, `${projects.join('-')}.json`)
  const args = [
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outputFile}`,
  ]
  const { spawn } = await import('node:child_process')
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(path.join(binDir, 'vitest'), args, { cwd: projectRoot, stdio: 'inherit' })
    child.on('exit', resolve)
  })
  const report = JSON.parse(await readFile(outputFile, 'utf8').catch(() => 'null')) as VitestReport | null
  if (report) {
    totals.passed += report.numPassedTests
    totals.failed += report.numFailedTests
    // A skipped or todo test is a check that did not run: treat it as a failure.
    totals.failed += report.numPendingTests + report.numTodoTests
  }
  // A layer that ran no test, or errored outside a test, has not passed.
  if (code !== 0 || !report || !report.success || report.numTotalTests === 0 || report.numPendingTests + report.numTodoTests > 0)
    throw new ActionableError(`The ${projects.join(' + ')} tests failed (see above).`)
}

async function main() {
  const reportDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-vitest-'))
  try {
    await step('Tools: Temporal CLI', ensureTemporalCli)
    await step('Tools: Java time-skipping test server', ensureTimeSkippingServer)
    await step('Tools: Chromium', ensureChromium)
    await step('Tools: Schemathesis (API fuzzer, from PyPI)', ensureSchemathesis)
    await step(
      'Type check (tsc)',
      async () => void (await runCommand(path.join(binDir, 'tsc'), ['--noEmit', '-p', '.'], { cwd: projectRoot })),
    )
    // ESLint, then dependency-cruiser's import boundaries (.dependency-cruiser.cjs).
    await step('Lint and import boundaries (npm run lint)', async () => {
      await runCommand('npm', ['run', '--silent', 'lint'], {
        cwd: projectRoot,
        hint: 'docs/architecture.md says which folder may import which.',
      })
    })
    await step('Formatting (Prettier)', async () => {
      await runCommand(path.join(binDir, 'prettier'), ['--check', '.'], { cwd: projectRoot, hint: 'Run `npm run format` to format them.' })
    })
    await step('Unit and workflow tests', () => vitest(['unit', 'workflow'], reportDir))
    await step('Integration and browser tests (real Temporal, PostgreSQL, Chromium)', () => vitest(['stack'], reportDir))
  } finally {
    await rm(reportDir, { recursive: true, force: true })
    console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`)
  }
}

main().catch((error) => {
  console.error(error instanceof ActionableError ? `\n${error.message}` : error)
  process.exit(1)
})
