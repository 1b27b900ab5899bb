/**
 * The import rules of .dependency-cruiser.cjs catch what they promise: a small
 * tree that breaks each rule once is refused, naming every rule, and the same
 * tree without the bad imports passes. (The project itself is checked by
 * `npm run lint` in `npm test`.)
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { binDir, projectRoot } from '../../scripts/lib/paths.ts'

const run = promisify(execFile)
let tree: string

beforeEach(async () => {
  tree = await mkdtemp(path.join(os.tmpdir(), 'caseway-boundaries-'))
  await write(
    'tsconfig.json',
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, moduleResolution: 'Bundler', noEmit: true } }),
  )
  await write('web/app/page.ts', 'export const page = 1\n')
  await write(
    'activities/index.ts',
    'export const createActivities = () => ({})\nexport type TicketActivities = ReturnType<typeof createActivities>\n',
  )
  await write('lib/db.ts', 'export const db = 1\n')
  await write('domain/rules.ts', 'export const rule = 1\n')
})
afterEach(async () => {
  await rm(tree, { recursive: true, force: true })
})

async function write(file: string, text: string) {
  await mkdir(path.dirname(path.join(tree, file)), { recursive: true })
  await writeFile(path.join(tree, file), text)
}

async function cruise(): Promise<{ code: number; output: string }> {
  const config = path.join(projectRoot, '.dependency-cruiser.cjs')
  try {
    const { stdout } = await run(path.join(binDir, 'depcruise'), ['--config', config, '--output-type', 'err', '.'], { cwd: tree })
    return { code: 0, output: stdout }
  } catch (error) {
    const failed = error as { code: number; stdout: string }
    return { code: failed.code, output: failed.stdout }
  }
}

describe('the import boundaries', () => {
  it('refuse each forbidden import, by rule', async () => {
    await write('services/tickets.server.ts', "import { page } from '../web/app/page.ts'\nexport const x = page\n")
    await write('web/api/tickets.ts', "import { page } from '../app/page.ts'\nexport const y = page\n")
    await write('web/shared/multipart.ts', "import { page } from '../app/page.ts'\nexport const z = page\n")
    await write('scripts/cli.ts', "import { page } from '../web/app/page.ts'\nexport const c = page\n")
    await write('domain/io.ts', "import { readFile } from 'node:fs/promises'\nexport const r = readFile\n")
    await write(
      'workflows/ticket.workflow.ts',
      "import { createActivities } from '../activities/index.ts'\nimport { db } from '../lib/db.ts'\nexport const w = [createActivities, db]\n",
    )
    await write('activities/notify.ts', "import { x } from '../services/tickets.server.ts'\nexport const n = x\n")
    await write('lib/mail.ts', "import { x } from '../services/tickets.server.ts'\nexport const m = x\n")
    const { code, output } = await cruise()
    expect(code).not.toBe(0)
    for (const rule of [
      'services-stand-alone',
      'api-and-portal-apart',
      'shared-web-imports-no-edge',
      'tools-use-services-not-web',
      'domain-is-pure',
      'workflows-import-domain-only',
      'workflows-see-activities-as-types',
      'activities-stand-alone',
      'lib-is-the-base',
    ])
      expect(output).toContain(rule)
  })

  it('let the allowed ones through', async () => {
    await write('services/tickets.server.ts', "import { rule } from '../domain/rules.ts'\nexport const x = rule\n")
    await write('web/api/tickets.ts', "import { x } from '../../services/tickets.server.ts'\nexport const y = x\n")
    await write('web/app/ticket.ts', "import { x } from '../../services/tickets.server.ts'\nexport const y = x\n")
    await write(
      'workflows/ticket.workflow.ts',
      "import type { TicketActivities } from '../activities/index.ts'\nimport { rule } from '../domain/rules.ts'\nexport type A = TicketActivities\nexport const w = rule\n",
    )
    await write('workflows/ticket.messages.ts', 'export const ticketWorkflowId = (id: string) => id\n')
    await write('lib/signals.ts', "import { ticketWorkflowId } from '../workflows/ticket.messages.ts'\nexport const s = ticketWorkflowId\n")
    expect(await cruise()).toMatchObject({ code: 0 })
  })
})
