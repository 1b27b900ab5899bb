/**
 * A stack of a test's own, for tests that stop or kill its processes (which the
 * shared test stack's other users would feel): scripts/start.ts as `npm start`
 * runs it, on free ports and a temporary data folder. Every process it starts
 * carries that folder in its environment, which is how a test finds them (and
 * checks none is left).
 */
import { spawn, type ChildProcess, type SpawnOptionsWithStdioTuple } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { localDatabaseUrl } from '../../scripts/lib/local-database.ts'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { freePort, portInUse } from '../../scripts/lib/ports.ts'

// What `npm start` runs: the dependency check (scripts/ensure-deps.mjs), then exec scripts/start.ts.
const NPM_START = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
const START = [process.execPath, '--import', 'tsx', 'scripts/start.ts']
export const READY = 'Press Ctrl-C to stop.'

export interface StackPorts {
  PORT: number
  TEMPORAL_PORT: number
  TEMPORAL_UI_PORT: number
  POSTGRES_PORT: number
  MAIL_CATCHER_SMTP_PORT: number
  MAIL_CATCHER_UI_PORT: number
  INBOUND_SMTP_PORT: number
}

export interface PrivateStack {
  dataDir: string
  ports: StackPorts
  webUrl: string
  databaseUrl: string
  temporalAddress: string
  /** The environment the stack is started with. */
  env: NodeJS.ProcessEnv
}

/** Free ports and an empty data folder; `settings` are added to the stack's environment. */
export async function createPrivateStack(settings: Record<string, string> = {}): Promise<PrivateStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-private-'))
  const ports = {
    PORT: await freePort(),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    POSTGRES_PORT: await freePort(),
    MAIL_CATCHER_SMTP_PORT: await freePort(),
    MAIL_CATCHER_UI_PORT: await freePort(),
    INBOUND_SMTP_PORT: await freePort(),
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CASEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...settings }
  for (const [name, port] of Object.entries(ports)) env[name] = String(port)
  for (const name of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'TEMPORAL_UI_URL',
    'PUBLIC_URL',
    'SESSION_SECRET',
    'SMTP_URL',
    'INBOUND_TOKEN_SECRET',
    'INBOUND_WEBHOOK_SECRET',
  ])
    delete env[name]
  return {
    dataDir,
    ports,
    webUrl: `http://127.0.0.1:${ports.PORT}`,
    databaseUrl: localDatabaseUrl(ports.POSTGRES_PORT),
    temporalAddress: `127.0.0.1:${ports.TEMPORAL_PORT}`,
    env,
  }
}

/** Kills whatever of the stack is still running, then deletes its data folder. */
export async function removePrivateStack(stack: PrivateStack | undefined): Promise<void> {
  if (!stack) return
  for (const { pid } of await processesOf(stack)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Gone meanwhile.
    }
  }
  await rm(stack.dataDir, { recursive: true, force: true })
}

export interface RunningStack {
  /** scripts/start.ts, or the npm or shell process above it. */
  child: ChildProcess
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves once the output matches; rejects if the stack exits first. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>
}

/**
 * Starts the stack as `npm start` does (`npm`), or scripts/start.ts under a shell
 * that stays its parent and passes no signal on (`shell`), or scripts/start.ts
 * itself (`node`). Each runs in a process group of its own, as a terminal's job
 * does, so a test can send it a Ctrl-C.
 */
export function launchStack(stack: PrivateStack, under: 'npm' | 'shell' | 'node'): RunningStack {
  const options: SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> = {
    env: stack.env,
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  }
  // The trailing `exit` keeps the shell from replacing itself with node.
  const child =
    under === 'npm'
      ? spawn('sh', ['-c', NPM_START], options)
      : under === 'shell'
        ? spawn('sh', ['-c', `${START.join(' ')}; exit $?`], options)
        : spawn(START[0]!, START.slice(1), options)
  let output = ''
  const listeners = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    for (const listener of listeners) listener()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    output: () => output,
    exited,
    waitForOutput(text, timeoutMs = 240_000) {
      const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output))
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          listeners.delete(check)
          clearTimeout(timer)
        }
        const check = () => {
          if (!matches()) return
          done()
          resolve()
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`The stack did not print ${String(text)} within ${timeoutMs / 1000}s:\n${output}`))
        }, timeoutMs)
        listeners.add(check)
        check()
        void exited.then(({ code, signal }) => {
          if (!listeners.has(check)) return
          done()
          reject(new Error(`The stack exited (${code ?? signal}) before it printed ${String(text)}:\n${output}`))
        })
      })
    },
  }
}

export async function portsInUse(stack: PrivateStack): Promise<number[]> {
  const all = Object.values(stack.ports)
  const used = await Promise.all(all.map(portInUse))
  return all.filter((_, i) => used[i])
}

export interface StackProcess {
  pid: number
  ppid: number
  command: string
}

/** Every process running with the stack's data folder in its environment or command line. */
export async function processesOf(stack: PrivateStack): Promise<StackProcess[]> {
  const marker = `CASEWAY_DATA_DIR=${stack.dataDir}`
  const found: StackProcess[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    if (pid === process.pid) continue
    try {
      const [environ, cmdline, stat] = await Promise.all(
        ['environ', 'cmdline', 'stat'].map((file) => readFile(`/proc/${pid}/${file}`, 'utf8')),
      )
      const command = cmdline!.replaceAll('\0', ' ').trim()
      if (!environ!.split('\0').includes(marker) && !command.includes(stack.dataDir)) continue
      // "pid (name) state ppid …": the name may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat!.slice(stat!.lastIndexOf(')') + 2).split(' ')[1])
      found.push({ pid, ppid, command })
    } catch {
      // Exited while we looked, or a zombie.
    }
  }
  return found
}

export type StackService = 'web' | 'worker' | 'temporal' | 'postgres' | 'mail' | 'mail-listener'

const serviceCommands: Record<StackService, RegExp> = {
  web: /web\/server\/main\.ts/,
  worker: /worker\/main\.ts/,
  temporal: /temporal server start-dev/,
  postgres: /bin\/postgres -D/,
  mail: /maildev\.js/,
  'mail-listener': /mail-listener\/main\.ts/,
}

/** The pid of one of the stack's services right now (they change as they are restarted). */
export async function servicePid(stack: PrivateStack, stackPid: number, service: StackService): Promise<number | undefined> {
  const processes = await processesOf(stack)
  return processes.find((p) => p.ppid === stackPid && serviceCommands[service].test(p.command))?.pid
}
