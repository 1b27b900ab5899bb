import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { binDir, projectRoot } from './paths.ts'
import { runCommand } from './run.ts'

const prismaCli = path.join(binDir, 'prisma')
const schemaFile = path.join(projectRoot, 'prisma', 'schema.prisma')
const generatedClient = path.join(projectRoot, 'generated', 'prisma', 'client.ts')

function prisma(args: string[], databaseUrl?: string) {
  return runCommand(prismaCli, args, {
    cwd: projectRoot,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
  })
}

/** Generates the client (git-ignored build output) when missing or older than the schema. */
export async function ensurePrismaClient(): Promise<boolean> {
  if (existsSync(generatedClient) && statSync(generatedClient).mtimeMs >= statSync(schemaFile).mtimeMs) return false
  await prisma(['generate'])
  return true
}

/** Applies pending migrations; returns Prisma's one-line summary. */
export async function migrateDeploy(databaseUrl: string): Promise<string> {
  const output = await prisma(['migrate', 'deploy'], databaseUrl)
  return output.includes('No pending migrations') ? 'no pending migrations' : 'migrations applied'
}
