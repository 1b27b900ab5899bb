/**
 * The operator CLI: `npm run cli -- <command> [options]`. Later features add their
 * commands to COMMANDS.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { createDb, type Db } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { AccountError, createOrganisation, createUser } from '../services/accounts.server.ts'
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.server.ts'
import { AUDIT_ACTIONS, recentChanges } from '../services/audit.server.ts'
import { databaseUrlOf } from './lib/local-database.ts'

interface Command {
  usage: string
  summary: string
  options: Record<string, { type: 'string' }>
  /** Options that may be left out; every other one is required. */
  optional?: string[]
  run(db: Db, values: Record<string, string | undefined>): Promise<void>
}

const COMMANDS: Record<string, Command> = {
  'org create': {
    usage: 'org create --slug <slug> --name <name> [--about <text>]',
    summary: 'Create an organisation (its public profile lives at /orgs/<slug>).',
    options: { slug: { type: 'string' }, name: { type: 'string' }, about: { type: 'string' } },
    optional: ['about'],
    async run(db, values) {
      const org = await createOrganisation(db, { slug: values.slug!, name: values.name!, about: values.about })
      console.log(`Created organisation ${org.slug} (${org.name}), id ${org.id}`)
    },
  },
  'user create': {
    usage: 'user create --org <slug> --role family|staff|admin --email <email> --name <name> --password <password>',
    summary: 'Create a person with a role in an organisation (or add the role to an existing person).',
    options: {
      org: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
    },
    async run(db, values) {
      const { user, org, role } = await createUser(db, {
        orgSlug: values.org!,
        role: values.role as 'family',
        email: values.email!,
        name: values.name!,
        password: values.password!,
      })
      console.log(`Created ${role} ${user.email} in ${org.slug}, id ${user.id}`)
    },
  },
  'apikey create': {
    usage: 'apikey create --org <slug> --name <name> [--created-by <staff email>]',
    summary:
      'Create an integration API key; the key alone is printed on the last line (shown once). API commands default to being made by --created-by.',
    options: { org: { type: 'string' }, name: { type: 'string' }, 'created-by': { type: 'string' } },
    optional: ['created-by'],
    async run(db, values) {
      const org = await organisationBySlug(db, values.org!)
      let createdById: string | null = null
      if (values['created-by']) {
        const email = values['created-by'].trim().toLowerCase()
        const member = await db.membership.findFirst({
          where: { orgId: org.id, user: { email }, role: { in: ['staff', 'admin'] } },
          select: { userId: true },
        })
        if (!member) throw new AccountError(`${email} is not on the staff of ${org.slug}`)
        createdById = member.userId
      }
      const key = await createApiKey(db, { orgId: org.id, name: values.name!, createdById, via: 'cli' })
      console.log(`Created API key "${key.name}" (${key.prefix}…) for ${org.slug}. It is shown only now; keep it secret:`)
      console.log(key.key)
    },
  },
  'apikey list': {
    usage: 'apikey list --org <slug>',
    summary: 'List an organisation’s API keys (name, prefix, last used, revoked).',
    options: { org: { type: 'string' } },
    async run(db, values) {
      const org = await organisationBySlug(db, values.org!)
      const keys = await listApiKeys(db, org.id)
      if (!keys.length) console.log(`${org.slug} has no API keys`)
      for (const key of keys)
        console.log(
          `${key.prefix}…  ${key.name}  created ${key.createdAt.toISOString()}  last used ${key.lastUsedAt?.toISOString() ?? 'never'}${key.revokedAt ? `  REVOKED ${key.revokedAt.toISOString()}` : ''}`,
        )
    },
  },
  'apikey revoke': {
    usage: 'apikey revoke --org <slug> --prefix <cwk_…>',
    summary: 'Revoke an API key, named by the prefix `apikey list` shows; it stops working at once.',
    options: { org: { type: 'string' }, prefix: { type: 'string' } },
    async run(db, values) {
      const org = await organisationBySlug(db, values.org!)
      const prefix = values.prefix!.replace(/…$/, '')
      if (!(await revokeApiKey(db, { orgId: org.id, prefix, actorId: null, via: 'cli' })))
        throw new AccountError(`${org.slug} has no active API key ${prefix}`)
      console.log(`Revoked API key ${prefix}… of ${org.slug}`)
    },
  },
  'audit list': {
    usage: 'audit list --org <slug> [--limit <n>]',
    summary:
      'Who changed the organisation’s settings (profile, team, SLA policy, saved replies, API keys, watchers), when and through what; newest first.',
    options: { org: { type: 'string' }, limit: { type: 'string' } },
    optional: ['limit'],
    async run(db, values) {
      const org = await organisationBySlug(db, values.org!)
      const take = LimitSchema.parse(values.limit ?? '20')
      const changes = await recentChanges(db, { orgId: org.id, actions: AUDIT_ACTIONS, take })
      if (!changes.length) console.log(`${org.slug} has no recorded settings changes`)
      for (const change of changes) console.log(`${change.at.toISOString()}  ${change.who} ${change.what} (via ${change.via})`)
    },
  },
  'outbox list': {
    usage: 'outbox list [--to <email>] [--limit <n>]',
    summary:
      'The mail Caseway has queued (password resets, team invitations), newest first with its text: without a mail server this is where it waits.',
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    optional: ['to', 'limit'],
    async run(db, values) {
      const take = LimitSchema.parse(values.limit ?? '10')
      const to = values.to?.trim().toLowerCase()
      const emails = await db.outboxEmail.findMany({ where: to ? { to } : {}, orderBy: { createdAt: 'desc' }, take })
      if (!emails.length) console.log(to ? `No mail to ${to}` : 'The outbox is empty')
      for (const email of emails)
        console.log(
          `── ${email.createdAt.toISOString()}  to ${email.to}${email.sentAt ? `  (sent ${email.sentAt.toISOString()})` : ''}\nSubject: ${email.subject}\n\n${email.text}\n`,
        )
    },
  },
}

const LimitSchema = z.coerce.number({ error: '--limit must be a number' }).int('--limit must be a whole number').min(1).max(500)

async function organisationBySlug(db: Db, slug: string) {
  const org = await db.organisation.findUnique({ where: { slug }, select: { id: true, slug: true } })
  if (!org) throw new AccountError(`No organisation with the slug "${slug}"`)
  return org
}

function help() {
  console.log('Usage: npm run cli -- <command> [options]\n\nCommands:')
  for (const command of Object.values(COMMANDS)) console.log(`  ${command.usage}\n      ${command.summary}`)
  console.log('\nThe CLI uses DATABASE_URL, or the local stack started by `npm start` (POSTGRES_PORT, default 5433).')
}

async function main(argv: string[]) {
  const name = argv.slice(0, 2).join(' ')
  const command = COMMANDS[name]
  if (!command || argv.includes('--help') || argv.includes('-h')) {
    help()
    if (!command && argv.length > 0 && !argv.includes('--help') && !argv.includes('-h')) {
      console.error(`\nUnknown command: ${argv.join(' ')}`)
      process.exitCode = 2
    }
    return
  }
  const { values } = parseArgs({ args: argv.slice(2), options: command.options, strict: true })
  const missing = Object.keys(command.options).filter((key) => values[key] === undefined && !command.optional?.includes(key))
  if (missing.length) {
    console.error(`Missing ${missing.map((m) => `--${m}`).join(', ')}\nUsage: npm run cli -- ${command.usage}`)
    process.exitCode = 2
    return
  }
  const env = parseEnv()
  const databaseUrl = databaseUrlOf(env)
  const db = createDb(databaseUrl, { max: 1 })
  try {
    await db.$queryRaw`SELECT 1`.catch((error: Error) => {
      throw new AccountError(
        `Cannot reach the database (${error.message}). Start the stack with \`npm start\` in another terminal, or set DATABASE_URL.`,
      )
    })
    await command.run(db, values as Record<string, string | undefined>)
  } finally {
    await db.$disconnect()
  }
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof AccountError) console.error(error.message)
  else if (error instanceof z.ZodError) console.error(z.prettifyError(error))
  else if (error instanceof TypeError && 'code' in error) console.error(error.message)
  else console.error(error)
  process.exitCode = 1
})
