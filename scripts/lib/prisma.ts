import path from 'node:path'
import { binDir, projectRoot } from './paths.ts'
import { runCommand } from './run.ts'

const prismaCli = path.join(binDir, 'prisma')

function prisma(args: string[], databaseUrl?: string) {
  return runCommand(prismaCli, args, {
    cwd: projectRoot,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
  })
}

/** Applies pending migrations; returns Prisma's one-line summary. */
export async function migrateDeploy(databaseUrl: string): Promise<string> {
  const output = await prisma(['migrate', 'deploy'], databaseUrl)
  return output.includes('No pending migrations') ? 'no pending migrations' : 'migrations applied'
}
