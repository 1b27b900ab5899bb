/**
 * `npm start` as a user runs it: the whole stack from scripts/start.ts on its own
 * ports and data folder, stopped by a signal, started again on the same data,
 * and stopped by itself when whatever started it is killed outright; and the
 * clone as git sees it is the same after as before.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Client, Connection } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb } from '../../lib/db.ts'
import { localDatabaseUrl } from '../../scripts/lib/local-database.ts'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { freePort } from '../../scripts/lib/ports.ts'

// What `npm start` runs: the dependency check (scripts/ensure-deps.mjs), then exec scripts/start.ts.
const NPM_START = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
const START = [process.execPath, '--import', 'tsx', 'scripts/start.ts']
const READY = 'Press Ctrl-C to stop.'

let dataDir: string
let gitStatusBefore: string[]
let ports: { PORT: number; TEMPORAL_PORT: number; TEMPORAL_UI_PORT: number; POSTGRES_PORT: number }
const started: ChildProcess[] = []

/** Every file git sees as changed or new, one by one: the developer's own work in progress included. */
function gitStatus(): string[] {
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: projectRoot, encoding: 'utf8' })
  return status.split('\n').filter(Boolean)
}

beforeAll(async () => {
  gitStatusBefore = gitStatus()
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-start-'))
  ports = { PORT: await freePort(), TEMPORAL_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), POSTGRES_PORT: await freePort() }
})
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await rm(dataDir, { recursive: true, force: true })
})

/**
 * `npm start`'s script as npm runs it (a shell that execs scripts/start.ts once the
 * dependencies are in place), or scripts/start.ts under a shell that stays its
 * parent and passes no signal on; resolves with its output once it says it is ready.
 */
async function startStack(under: 'npm' | 'shell'): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CASEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
  for (const [name, port] of Object.entries(ports)) env[name] = String(port)
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'PUBLIC_URL']) delete env[name]
  // The trailing `exit` keeps the shell from replacing itself with node.
  const child =
    under === 'npm'
      ? spawn('sh', ['-c', NPM_START], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', `${START.join(' ')}; exit $?`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    const check = () => output.includes(READY) && resolve()
    child.stdout!.on('data', check)
    child.once('exit', (code, signal) => reject(new Error(`npm start exited (${code ?? signal}) before it was ready:\n${output}`)))
  })
  return { child, output: () => output }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()))
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function portsInUse(): Promise<number[]> {
  const all = Object.values(ports)
  const used = await Promise.all(all.map(portInUse))
  return all.filter((_, i) => used[i])
}

async function healthz(): Promise<number> {
  return (await fetch(`http://127.0.0.1:${ports.PORT}/healthz`)).status
}

describe('npm start', () => {
  const workflowId = `start-test-${Date.now()}`

  it('comes up with demo data, and a signal stops every part of it', async () => {
    const { child, output } = await startStack('npm')
    expect(output()).toContain('Demo logins (created now')
    expect(output()).not.toContain('not all demo tickets were made')
    expect(await healthz()).toBe(200)
    // The demo tickets went through their workflows: each is where its story left it.
    const db = createDb(localDatabaseUrl(ports.POSTGRES_PORT), { max: 1 })
    try {
      const tickets = await db.ticket.findMany({ orderBy: { number: 'asc' }, select: { status: true, assigneeId: true, caseRef: true } })
      expect(tickets.map((t) => t.status)).toEqual(['new', 'new', 'pending_family', 'pending_la', 'in_progress', 'resolved'])
      expect(tickets.filter((t) => t.assigneeId).length).toBe(4)
      expect(tickets[4]!.caseRef).toBe('BP-2026-014')
    } finally {
      await db.$disconnect()
    }
    // A workflow that no worker runs: it must outlive the restart below.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` })
    await new Client({ connection }).workflow.start('nobodyRunsThis', { taskQueue: 'nobody-polls-this', workflowId })
    await connection.close()

    child.kill('SIGTERM')
    await exited(child)
    expect(output()).toContain('Stopped. Your data is kept')
    expect(await portsInUse()).toEqual([])
  }, 240_000)

  it('starts again on the same data, and stops by itself when its parent is killed', async () => {
    const { child, output } = await startStack('shell')
    expect(output()).toContain('Existing data kept')
    expect(await healthz()).toBe(200)
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` })
    const description = await new Client({ connection }).workflow.getHandle(workflowId).describe()
    await connection.close()
    expect(description.status.name).toBe('RUNNING')

    // The shell stands for npm killed outright: no signal reaches the stack.
    child.kill('SIGKILL')
    await expect.poll(portsInUse, { timeout: 30_000, interval: 500 }).toEqual([])
  }, 240_000)

  it('leaves the clone as it found it: no file it tracks changed, none new', () => {
    // Build output, the data folder and the tools are git-ignored; a rewritten lockfile is not.
    expect(gitStatus().filter((line) => !gitStatusBefore.includes(line))).toEqual([])
  })
})
