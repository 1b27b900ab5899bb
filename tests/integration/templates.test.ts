/**
 * Ticket templates on the real stack: admins keep them under Settings (one
 * default per type, held by the database too), a family's new request takes
 * its type's default, staff apply another on the ticket, a template's later
 * changes leave tickets alone, and only the organisation's admins change them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { ticketChecklist } from '../../services/checklists.server.ts'
import { ticketTags } from '../../services/tags.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { organisationTemplates } from '../../services/ticket-templates.server.ts'
import * as templateSettings from '../../web/app/routes/staff.settings.templates.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
const keys = { a: '', b: '' }
const SETTINGS = '/staff/settings/templates'

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  for (const [org, name] of [
    [a, 'a'],
    [b, 'b'],
  ] as const)
    keys[name] = (await createApiKey(stack.db, { orgId: org.org.id, name: 'Templates', createdById: org.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const settings = (form: Record<string, string>, who: { id: string; email: string } = a.admin, url = SETTINGS) =>
  calls.act(templateSettings, who, url, form)
const templatesOf = (orgId: string) => organisationTemplates(stack.db, orgId, 'ehcp')
const byName = async (name: string) => (await templatesOf(a.org.id)).find((t) => t.name === name)!
const steps = async (ticketId: string, audience: 'staff' | 'family' = 'staff') =>
  (await ticketChecklist(stack.db, ticketId, audience)).items.map((i) => i.title)
const familyRequest = (subject: string) =>
  createTicket(stack.context, { orgId: a.org.id, requesterId: a.family.id, type: 'ehcp', subject, body: 'We need an assessment.' })

async function api(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

describe('admins keep templates under Settings', () => {
  it('creates, edits, reorders, hides and removes steps, sets the default and deletes, one default per type, each change audited', async () => {
    const made = await settings({
      intent: 'create-template',
      type: 'ehcp',
      name: 'EHCP needs assessment',
      priority: 'high',
      tags: 'EHCP, assessment, ehcp',
      steps: 'Request the assessment\nstaff: Diary the 6-week decision\nSend the evidence pack',
    })
    expect(made.status).toBe(302)
    const first = await byName('EHCP needs assessment')
    expect(first).toMatchObject({ isDefault: true, priority: 'high', tags: ['EHCP', 'assessment'] })
    expect(first.items.map((i) => [i.title, i.staffOnly])).toEqual([
      ['Request the assessment', false],
      ['Diary the 6-week decision', true],
      ['Send the evidence pack', false],
    ])
    // A second of the type is not the default; the same name again is refused.
    expect((await settings({ intent: 'create-template', type: 'ehcp', name: 'EHCP plan review', steps: 'Read the draft' })).status).toBe(
      302,
    )
    expect((await byName('EHCP plan review')).isDefault).toBe(false)
    expect((await settings({ intent: 'create-template', type: 'ehcp', name: 'EHCP plan review' })).status).toBe(409)
    expect((await settings({ intent: 'create-template', type: 'ehcp', name: ' ' })).status).toBe(400)

    const id = first.id
    expect((await settings({ intent: 'edit-template', templateId: id, name: 'EHCP assessment', priority: '', tags: 'EHCP' })).status).toBe(
      302,
    )
    expect((await settings({ intent: 'add-item', templateId: id, title: 'Chase the LA', staffOnly: '1' })).status).toBe(302)
    const added = (await byName('EHCP assessment')).items.at(-1)!
    expect((await settings({ intent: 'move-item', templateId: id, itemId: added.id, direction: 'up' })).status).toBe(302)
    expect((await settings({ intent: 'item-staff-only', templateId: id, itemId: added.id, staffOnly: '0' })).status).toBe(302)
    const removed = (await byName('EHCP assessment')).items[0]!
    expect((await settings({ intent: 'remove-item', templateId: id, itemId: removed.id })).status).toBe(302)
    const edited = await byName('EHCP assessment')
    expect(edited).toMatchObject({ priority: null, tags: ['EHCP'] })
    expect(edited.items.map((i) => [i.title, i.position, i.staffOnly])).toEqual([
      ['Diary the 6-week decision', 0, true],
      ['Chase the LA', 1, false],
      ['Send the evidence pack', 2, false],
    ])

    const second = await byName('EHCP plan review')
    expect((await settings({ intent: 'set-default', templateId: second.id })).status).toBe(302)
    expect((await templatesOf(a.org.id)).map((t) => [t.name, t.isDefault])).toEqual([
      ['EHCP assessment', false],
      ['EHCP plan review', true],
    ])
    // The database holds it too: two defaults of one type cannot be written.
    await expect(stack.db.ticketTemplate.update({ where: { id }, data: { isDefault: true } })).rejects.toThrow()
    // Deleting the default passes it on.
    expect((await settings({ intent: 'delete-template', templateId: second.id })).status).toBe(302)
    expect((await templatesOf(a.org.id)).map((t) => [t.name, t.isDefault])).toEqual([['EHCP assessment', true]])
    expect((await settings({ intent: 'delete-template', templateId: second.id })).status).toBe(404)

    const audited = await stack.db.auditEvent.findMany({ where: { orgId: a.org.id, action: { startsWith: 'template.' } } })
    expect(new Set(audited.map((e) => e.action))).toEqual(
      new Set([
        'template.created',
        'template.edited',
        'template.item_added',
        'template.item_moved',
        'template.item_staff_only_changed',
        'template.item_removed',
        'template.default_set',
        'template.deleted',
      ]),
    )
    const page = await calls.load(templateSettings, a.admin, SETTINGS)
    expect(page.status).toBe(200)
    expect((page.data as { changes: { what: string }[] }).changes[0]!.what).toBe('deleted the template “EHCP plan review”')
  })
})

describe('tickets take templates', () => {
  it('gives a new EHCP family request the default template’s checklist, tags and priority, and later edits leave it alone', async () => {
    const template = await byName('EHCP assessment')
    await settings({ intent: 'edit-template', templateId: template.id, name: 'EHCP assessment', priority: 'urgent', tags: 'EHCP, LA' })
    const ticket = await familyRequest('Assessment for Jo')
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
    expect(row).toMatchObject({ templateId: template.id, priority: 'urgent' })
    expect(ticket.view?.priority).toBe('urgent')
    expect(await steps(ticket.id)).toEqual(['Diary the 6-week decision', 'Chase the LA', 'Send the evidence pack'])
    expect(await steps(ticket.id, 'family')).toEqual(['Chase the LA', 'Send the evidence pack'])
    expect((await ticketTags(stack.db, ticket.id)).map((t) => t.name).sort()).toEqual(['EHCP', 'LA'])

    await settings({ intent: 'add-item', templateId: template.id, title: 'A later step' })
    await settings({ intent: 'remove-item', templateId: template.id, itemId: template.items[0]!.id })
    expect(await steps(ticket.id)).toEqual(['Diary the 6-week decision', 'Chase the LA', 'Send the evidence pack'])
    // A type with no template starts with an empty checklist.
    const other = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'dla',
      subject: 'DLA',
      body: 'Help',
    })
    expect(await steps(other.id)).toEqual([])
  })

  it('lets staff apply a template on the ticket page, adding only the steps and tags it lacks', async () => {
    const ticket = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'dla',
      subject: 'DLA form',
      body: 'Help',
    })
    const template = await byName('EHCP assessment')
    const at = { url: `/tickets/${a.org.slug}/${ticket.number}`, params: { orgSlug: a.org.slug, number: String(ticket.number) } }
    const loaded = await calls.load(ticketPage, a.advocate, at.url, at.params)
    expect((loaded.data as { checklist: { templates: { value: string }[] } }).checklist.templates.map((t) => t.value)).toContain(
      template.id,
    )
    const apply = { intent: 'apply-template', templateId: template.id }
    expect((await calls.act(ticketPage, a.advocate, at.url, apply, at.params)).status).toBe(302)
    expect((await calls.act(ticketPage, a.advocate, at.url, apply, at.params)).status).toBe(302)
    expect(await steps(ticket.id)).toEqual(['Chase the LA', 'Send the evidence pack', 'A later step'])
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ templateId: template.id })
    // Families cannot, and another organisation's template is not there.
    expect((await calls.act(ticketPage, a.family, at.url, apply, at.params)).status).toBe(403)
    const theirs = await stack.db.ticketTemplate.create({ data: { orgId: b.org.id, type: 'dla', name: 'Theirs' }, select: { id: true } })
    expect((await calls.act(ticketPage, a.advocate, at.url, { ...apply, templateId: theirs.id }, at.params)).status).toBe(400)
    const family = await calls.load(ticketPage, a.family, at.url, at.params)
    expect(JSON.stringify(family.data)).not.toContain('EHCP assessment')
  })
})

describe('who may change templates', () => {
  it('is the organisation’s admins: advocates and families are refused, another organisation’s admin finds nothing', async () => {
    const template = await byName('EHCP assessment')
    const forms: Record<string, string>[] = [
      { intent: 'create-template', type: 'ehcp', name: 'Sneaky' },
      { intent: 'edit-template', templateId: template.id, name: 'Sneaky' },
      { intent: 'set-default', templateId: template.id },
      { intent: 'delete-template', templateId: template.id },
      { intent: 'add-item', templateId: template.id, title: 'Sneaky' },
    ]
    expect((await calls.load(templateSettings, a.advocate, SETTINGS)).status).toBe(403)
    expect((await calls.load(templateSettings, a.family, SETTINGS)).status).toBe(403)
    expect((await calls.load(templateSettings, b.admin, `${SETTINGS}?org=${a.org.slug}`)).status).toBe(404)
    for (const form of forms) {
      expect((await settings(form, a.advocate)).status).toBe(403)
      expect((await settings(form, a.family)).status).toBe(403)
      expect((await settings(form, b.admin, `${SETTINGS}?org=${a.org.slug}`)).status).toBe(404)
      // In their own organisation, another organisation's template is not there.
      if (form.intent !== 'create-template') expect((await settings(form, b.admin)).status).toBe(404)
    }
    expect(await byName('EHCP assessment')).toEqual(template)
  })
})

describe('the API', () => {
  it('lists the organisation’s templates, and creates a ticket from a named one; another organisation’s template is refused', async () => {
    const template = await byName('EHCP assessment')
    const listed = await api(keys.a, 'GET', '/templates')
    expect(listed.status).toBe(200)
    expect(listed.body.templates).toContainEqual(
      expect.objectContaining({
        id: template.id,
        type: 'ehcp',
        isDefault: true,
        checklist: expect.arrayContaining([{ title: 'Chase the LA', staffOnly: false }]),
      }),
    )
    expect((await api(keys.b, 'GET', '/templates')).body.templates.map((t: { name: string }) => t.name)).toEqual(['Theirs'])
    const request = { requester: { email: a.family.email, name: 'Fran' }, subject: 'From the CRM', body: 'Please help.', type: 'dla' }
    const created = await api(keys.a, 'POST', '/tickets', { ...request, templateId: template.id })
    expect(created.status).toBe(201)
    const row = await stack.db.ticket.findFirstOrThrow({ where: { orgId: a.org.id, number: created.body.ticket.number } })
    expect(row).toMatchObject({ templateId: template.id, priority: 'urgent' })
    expect(await steps(row.id)).toContain('Chase the LA')
    const theirs = (await organisationTemplates(stack.db, b.org.id))[0]!
    expect((await api(keys.a, 'POST', '/tickets', { ...request, templateId: theirs.id })).status).toBe(422)
    expect((await api(keys.a, 'POST', '/tickets', { ...request, templateId: 'nope' })).status).toBe(400)
  })
})
