/**
 * Temporal's time-skipping test server for the workflow tests. The SDK's
 * `createTimeSkipping()` downloads it from Temporal's site, which is unreachable
 * here; the same server is published to Maven Central as a Java library, so Maven
 * fetches it once (into ~/.m2, outside the clone) and a small wrapper runs it.
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { projectRoot, toolsDir } from './paths.ts'
import { ActionableError } from './progress.ts'
import { runCommand } from './run.ts'

const pom = path.join(projectRoot, 'scripts', 'test-server', 'pom.xml')
const serverDir = path.join(toolsDir, 'test-server')
const classpathFile = path.join(serverDir, 'classpath.txt')
const wrapper = path.join(serverDir, 'temporal-test-server')
const resolveCommand = [
  'mvn -q -f scripts/test-server/pom.xml dependency:build-classpath',
  `-Dmdep.outputFile=${path.relative(projectRoot, classpathFile)}`,
].join(' ')

let ready: Promise<string> | undefined

/**
 * The path of an executable that starts the test server, for
 * `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`.
 * Prepared once per clone (again when the pom changes), and once per process.
 * `report` hears about the slow first run (as in ensureTemporalCli).
 */
export function ensureTimeSkippingServer(report: (line: string) => void = console.log): Promise<string> {
  ready ??= prepare(report)
  return ready
}

async function prepare(report: (line: string) => void): Promise<string> {
  if (!(await onPath('java')))
    throw new ActionableError(
      "Java 17 or newer is needed to run Temporal's time-skipping test server. " +
        'Install it (`apt-get install openjdk-17-jre-headless`) and run the tests again.',
    )
  if (!(await classpathIsCurrent())) {
    if (!(await onPath('mvn')))
      throw new ActionableError(
        "Maven is needed once to fetch Temporal's test server. " + `Install it (\`apt-get install maven\`), then run:\n  ${resolveCommand}`,
      )
    report('fetching io.temporal:temporal-test-server from Maven Central with mvn (once: the jars stay in ~/.m2)')
    await mkdir(serverDir, { recursive: true })
    const args = ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`]
    await runCommand('mvn', args, {
      cwd: projectRoot,
      hint: `Check that Maven Central is reachable, then run \`${resolveCommand}\` to see the whole error.`,
    })
    report(`test server classpath written to ${path.relative(projectRoot, classpathFile)}`)
  }
  await writeFile(wrapper, wrapperScript(), { mode: 0o755 })
  // writeFile's mode only applies to new files; an older wrapper keeps its own.
  await chmod(wrapper, 0o755)
  return wrapper
}

/**
 * The SDK starts the server as `<executable> <port> [extraArgs]`, exactly as it
 * would the downloaded binary, which is this same TestServer class: pass that on.
 * Time skipping starts locked; the SDK unlocks it while a test awaits a result or
 * calls env.sleep.
 */
function wrapperScript(): string {
  return [
    '#!/bin/sh',
    "# Written by scripts/lib/test-server.ts: Temporal's time-skipping test server.",
    `exec java -cp "$(cat '${classpathFile}')" io.temporal.testserver.TestServer "$@"`,
    '',
  ].join('\n')
}

/** Resolved after the pom last changed, and every jar is still in the Maven cache. */
async function classpathIsCurrent(): Promise<boolean> {
  if (!existsSync(classpathFile)) return false
  if ((await stat(classpathFile)).mtimeMs < (await stat(pom)).mtimeMs) return false
  const jars = (await readFile(classpathFile, 'utf8')).trim().split(path.delimiter)
  return jars.every((jar) => existsSync(jar))
}

async function onPath(command: string): Promise<boolean> {
  const found = await runCommand('sh', ['-c', `command -v ${command}`]).catch(() => '')
  return found.trim() !== ''
}
