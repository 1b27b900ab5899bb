/**
 * `npm start` as a user runs it: the whole stack from scripts/start.ts on its own
 * ports and data folder, stopped by a signal, started again on the same data,
 * and stopped by itself when whatever started it is killed outright; a shutdown
 * at every step of start-up stops what was started, restarts nothing and frees
 * every port; and the clone as git sees it is the same after as before.
 */
import { execFileSync } from 'node:child_process'
import { Client, Connection } from '@temporalio/client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDb } from '../../lib/db.ts'
import { projectRoot } from '../../scripts/lib/paths.ts'
import {
  createPrivateStack,
  launchStack,
  portsInUse,
  processesOf,
  READY,
  removePrivateStack,
  type PrivateStack,
  type RunningStack,
} from '../support/private-stack.ts'

let gitStatusBefore: string[]
let stack: PrivateStack
let fresh: PrivateStack

/** Every file git sees as changed or new, one by one: the developer's own work in progress included. */
function gitStatus(): string[] {
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: projectRoot, encoding: 'utf8' })
  return status.split('\n').filter(Boolean)
}

beforeAll(async () => {
  gitStatusBefore = gitStatus()
  stack = await createPrivateStack()
  fresh = await createPrivateStack()
})
afterAll(async () => {
  await removePrivateStack(stack)
  await removePrivateStack(fresh)
})

/** Stacks a test started: one its failure left running is stopped, so the next test finds its ports free. */
const launched: RunningStack[] = []
afterEach(async () => {
  for (const running of launched.splice(0)) {
    if (running.child.exitCode !== null || running.child.signalCode !== null) continue
    running.child.kill('SIGTERM')
    await running.exited
  }
})

async function started(under: 'npm' | 'shell'): Promise<RunningStack> {
  const running = launchStack(stack, under)
  launched.push(running)
  await running.waitForOutput(READY)
  return running
}

async function healthz(): Promise<number> {
  return (await fetch(`${stack.webUrl}/healthz`)).status
}

describe('npm start', () => {
  const workflowId = `start-test-${Date.now()}`

  it('comes up with demo data, and a signal stops every part of it', async () => {
    const { child, output, exited } = await started('npm')
    expect(output()).toContain('Demo logins (created now')
    expect(output()).not.toContain('not all demo tickets were made')
    expect(await healthz()).toBe(200)
    // The demo tickets went through their workflows: each is where its story left it.
    const db = createDb(stack.databaseUrl, { max: 1 })
    try {
      const tickets = await db.ticket.findMany({ orderBy: { number: 'asc' }, select: { status: true, assigneeId: true, caseRef: true } })
      // The six requests, then Ben's document request to Dana, waiting on her file.
      expect(tickets.map((t) => t.status)).toEqual([
        'new',
        'new',
        'pending_family',
        'pending_la',
        'in_progress',
        'resolved',
        'pending_family',
      ])
      expect(tickets.filter((t) => t.assigneeId).length).toBe(5)
      expect(tickets[4]!.caseRef).toBe('BP-2026-014')
      // The assigned tickets' cases, one moved on with an overdue next action that its workflow flagged by itself.
      await expect
        .poll(async () => (await db.case.findMany({ select: { status: true, overdueActions: true } })).filter((c) => c.overdueActions > 0))
        .toEqual([{ status: 'draft_plan', overdueActions: 1 }])
      expect(await db.case.count({ where: { advocateId: { not: null } } })).toBe(4)
    } finally {
      await db.$disconnect()
    }
    // The demo advocates' replies reached their families by mail: the catcher shows them.
    const caught = async () => {
      const response = await fetch(`http://127.0.0.1:${stack.ports.MAIL_CATCHER_UI_PORT}/api/email`)
      return ((await response.json()) as { subject: string; to: { address: string }[] }[]).filter((mail) =>
        mail.to.some((to) => to.address === 'elliot@family.example'),
      )
    }
    await expect
      .poll(async () => (await caught()).some((mail) => /^\[#\d+\] New reply from your advocate$/.test(mail.subject)), {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(true)
    // A workflow that no worker runs: it must outlive the restart below.
    const connection = await Connection.connect({ address: stack.temporalAddress })
    await new Client({ connection }).workflow.start('nobodyRunsThis', { taskQueue: 'nobody-polls-this', workflowId })
    await connection.close()

    child.kill('SIGTERM')
    await exited
    expect(output()).toContain('Stopped. Your data is kept')
    expect(await portsInUse(stack)).toEqual([])
  }, 240_000)

  it('starts again on the same data, and stops by itself when its parent is killed', async () => {
    const { child, output } = await started('shell')
    expect(output()).toContain('Existing data kept')
    expect(await healthz()).toBe(200)
    const connection = await Connection.connect({ address: stack.temporalAddress })
    const description = await new Client({ connection }).workflow.getHandle(workflowId).describe()
    await connection.close()
    expect(description.status.name).toBe('RUNNING')

    // The shell stands for npm killed outright: no signal reaches the stack.
    child.kill('SIGKILL')
    await expect.poll(() => portsInUse(stack), { timeout: 30_000, interval: 500 }).toEqual([])
  }, 240_000)

  it('leaves the clone as it found it: no file it tracks changed, none new', () => {
    // Build output, the data folder and the tools are git-ignored; a rewritten lockfile is not.
    expect(gitStatus().filter((line) => !gitStatusBefore.includes(line))).toEqual([])
  })
})

type Shutdown = 'Ctrl-C' | 'SIGTERM' | 'SIGHUP' | 'parent killed'

/** How each shutdown reaches the stack: a terminal signals the job's whole process group. */
function shutDown(running: RunningStack, how: Shutdown) {
  const pid = running.child.pid!
  if (how === 'Ctrl-C') process.kill(-pid, 'SIGINT')
  else if (how === 'SIGHUP') process.kill(-pid, 'SIGHUP')
  else if (how === 'SIGTERM') process.kill(pid, 'SIGTERM')
  // The shell stands for npm killed outright: the stack sees its parent gone.
  else process.kill(pid, 'SIGKILL')
}

/** The portal answers anything at all (it does before the worker polls). */
async function portalAnswers(target: PrivateStack): Promise<void> {
  for (;;) {
    if (
      await fetch(`${target.webUrl}/healthz`).then(
        () => true,
        () => false,
      )
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('a shutdown during start-up', () => {
  // A fresh data folder first (pending migrations, demo tickets), then a used one
  // for every step; each kind of shutdown in turn.
  const cases: Array<{ at: string; how: Shutdown; data: 'fresh' | 'used' }> = [
    { at: '▸ Database migrations', how: 'Ctrl-C', data: 'fresh' },
    { at: '▸ Demo tickets', how: 'SIGTERM', data: 'fresh' },
    { at: '▸ PostgreSQL', how: 'SIGHUP', data: 'used' },
    { at: '▸ Temporal CLI', how: 'parent killed', data: 'used' },
    { at: '▸ Temporal dev server', how: 'Ctrl-C', data: 'used' },
    { at: '▸ Mail catcher', how: 'SIGHUP', data: 'used' },
    { at: '▸ Search attributes', how: 'SIGTERM', data: 'used' },
    { at: '▸ Demo data', how: 'SIGHUP', data: 'used' },
    { at: '▸ Portal build', how: 'parent killed', data: 'used' },
    { at: '▸ Worker, web server and mail listener', how: 'SIGTERM', data: 'used' },
    { at: 'the portal first answers', how: 'Ctrl-C', data: 'used' },
  ]

  it.each(cases)(
    'at $at, by $how ($data data): stops everything, restarts nothing, frees every port',
    async ({ at, how, data }) => {
      const target = data === 'fresh' ? fresh : stack
      const running = launchStack(target, how === 'parent killed' ? 'shell' : 'node')
      if (at.startsWith('▸')) await running.waitForOutput(at, 180_000)
      else await portalAnswers(target)
      shutDown(running, how)

      if (how !== 'parent killed') {
        expect(await running.exited).toEqual({ code: 0, signal: null })
        expect(running.output()).toContain('Stopped. Your data is kept')
      }
      await expect.poll(() => processesOf(target), { timeout: 30_000, interval: 250 }).toEqual([])
      expect(await portsInUse(target)).toEqual([])
      expect(running.output()).not.toMatch(/restarting in|failed|exited while starting/)
    },
    240_000,
  )
})
