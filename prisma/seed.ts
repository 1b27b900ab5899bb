/**
 * Demo data for a new local stack: one organisation with departments, an admin,
 * two advocates (one restricted to the Tribunals department) and two families, then a handful of tickets at different points
 * of their lives. Only an empty database is seeded.
 */
import { DateTime } from 'luxon'
import { STATUTORY_STAGE_LABELS } from '../domain/statutory-periods.ts'
import { recordCaseStage } from '../services/case-commands.server.ts'
import type { Db } from '../lib/db.ts'
import { createOrganisation, createUser } from '../services/accounts.server.ts'
import { setMemberCapacity } from '../services/capacity.server.ts'
import { addCaseCover } from '../services/case-cover.server.ts'
import { writeHandoverNote } from '../services/case-handovers.server.ts'
import { setMemberDepartments } from '../services/departments.server.ts'
import { saveMailChoices } from '../services/mail-choices.server.ts'
import type { ServiceContext } from '../services/context.ts'
import { addCaseAction, setCaseStatus } from '../services/case-commands.server.ts'
import { assign, changeStatus, linkCase, postMessage, type TicketCommandResult } from '../services/ticket-commands.server.ts'
import { createTicket, type CreateTicketInput } from '../services/ticket-creation.server.ts'
import { startConversation } from '../services/conversations.server.ts'
import { addTicketTag } from '../services/tags.server.ts'
import { seedDemoBulkChange } from './seed-bulk.ts'
import { linkTickets } from '../services/ticket-links.server.ts'
import { updateChecklistItem } from '../services/checklists.server.ts'
import { seedDemoTemplates } from './seed-templates.ts'
import { createTicketTask, linkTaskToTicket, updateTask } from '../services/tasks.server.ts'
import { logTime } from '../services/time-entries.server.ts'
import type { TimeKind } from '../domain/durations.ts'

// Printed by `npm start` next to the logins: this is local demo data.
export const DEMO_PASSWORD = 'caseway-demo-2026'

export interface DemoLogin {
  role: string
  name: string
  email: string
  password: string
}

const DEMO_PEOPLE = [
  { role: 'admin', name: 'Amira Haddad', email: 'admin@brightpath.example' },
  { role: 'staff', name: 'Ben Okafor', email: 'ben@brightpath.example' },
  { role: 'staff', name: 'Chloe Price', email: 'chloe@brightpath.example' },
  { role: 'family', name: 'Dana Whitfield', email: 'dana@family.example' },
  { role: 'family', name: 'Elliot Marsh', email: 'elliot@family.example' },
] as const

export async function seedDemoData(db: Db): Promise<DemoLogin[] | undefined> {
  if ((await db.organisation.count()) > 0) return undefined
  const org = await createOrganisation(db, {
    slug: 'brightpath',
    name: 'Brightpath SEND Advocacy',
    about: 'Independent advocates helping families through EHC needs assessments, annual reviews, DLA claims and SEND tribunal appeals.',
    responseTime: 'within one working day',
    // Made-up details: a .example domain and a number Ofcom keeps for drama.
    contactEmail: 'hello@brightpath.example',
    contactPhone: '0161 496 0000',
    website: 'https://brightpath.example',
    postalAddress: 'Brightpath SEND Advocacy\nUnit 4, Mill Yard\nManchester',
    // The first takes the requests that name no department.
    departments: [
      { slug: 'general', name: 'General advice' },
      { slug: 'ehcp', name: 'EHCP and assessments' },
      { slug: 'tribunals', name: 'Tribunals' },
      { slug: 'annual-reviews', name: 'Annual reviews' },
    ],
  })
  for (const person of DEMO_PEOPLE) {
    await createUser(db, { orgSlug: org.slug, password: DEMO_PASSWORD, ...person })
  }
  // Chloe leads Tribunals and works it only: she sees its tickets and those assigned to her, nothing else.
  const chloe = await db.membership.findFirstOrThrow({
    where: { orgId: org.id, user: { email: 'chloe@brightpath.example' } },
    select: { id: true, userId: true },
  })
  const tribunals = await db.department.update({
    where: { orgId_slug: { orgId: org.id, slug: 'tribunals' } },
    data: { leadId: chloe.userId },
    select: { id: true },
  })
  await setMemberDepartments(db, { orgId: org.id, membershipId: chloe.id, departmentIds: [tribunals.id], actorId: null, via: 'cli' })
  return DEMO_PEOPLE.map((person) => ({ ...person, password: DEMO_PASSWORD }))
}

type DemoStep = 'assign' | 'family-reply' | 'link-case' | 'note' | 'ask-family' | 'pending-family' | 'pending-la' | 'answer' | 'resolve'

interface DemoTicket extends Omit<CreateTicketInput, 'orgId' | 'requesterId' | 'departmentId'> {
  family: string
  department: string
  advocate?: string
  steps: readonly DemoStep[]
}

const LA_DEADLINE_DAYS = 20

// What families of an advocacy organisation ask about, each at a different point:
// waiting for triage, being worked, waiting on the family or the LA, resolved.
const DEMO_TICKETS: readonly DemoTicket[] = [
  {
    family: 'dana@family.example',
    department: 'ehcp',
    type: 'la_refusal',
    priority: 'high',
    subject: 'The LA refused to assess our son for an EHCP',
    childName: 'Leo',
    body: 'We got a letter today saying the local authority will not carry out an EHC needs assessment. School say he needs more support than they can give. Can we challenge this, and how long do we have?',
    steps: [],
  },
  {
    family: 'elliot@family.example',
    department: 'general',
    type: 'dla',
    priority: 'low',
    subject: 'Help with the DLA renewal form',
    childName: 'Maya',
    body: 'Maya’s DLA award ends in the spring and the renewal pack has arrived. It is 40 pages; where should we start?',
    steps: [],
  },
  {
    family: 'elliot@family.example',
    department: 'annual-reviews',
    type: 'annual_review',
    subject: 'Annual review meeting next month',
    childName: 'Maya',
    body: 'School have set Maya’s annual review for the 15th. We would like an advocate to help us prepare our views.',
    advocate: 'ben@brightpath.example',
    steps: ['assign', 'ask-family', 'pending-family'],
  },
  {
    family: 'dana@family.example',
    department: 'ehcp',
    type: 'ehcp',
    subject: 'Draft EHCP has nothing specific in Section F',
    childName: 'Leo',
    body: 'The draft plan says Leo will get "access to speech and language support" but no hours or who provides it. We have 15 days to respond.',
    advocate: 'ben@brightpath.example',
    steps: ['assign', 'family-reply', 'note', 'pending-la'],
  },
  {
    family: 'dana@family.example',
    department: 'tribunals',
    type: 'tribunal',
    priority: 'urgent',
    subject: 'Tribunal hearing date set: we need help with the bundle',
    childName: 'Leo',
    body: 'The SEND tribunal has listed our appeal for hearing. The evidence deadline is close and we are not sure what to include.',
    advocate: 'chloe@brightpath.example',
    caseRef: 'BP-2026-014',
    steps: ['assign', 'link-case', 'note'],
  },
  {
    family: 'elliot@family.example',
    department: 'general',
    type: 'general',
    subject: 'Is school transport part of the plan?',
    childName: 'Maya',
    body: 'Can home-to-school transport be written into an EHCP, or is that a separate application?',
    advocate: 'chloe@brightpath.example',
    steps: ['assign', 'answer', 'resolve'],
  },
]

const FAMILY_REPLY = 'The school sent their own report today; I have attached nothing yet but can bring it to the meeting.'

const STAFF_MESSAGES = {
  'ask-family':
    'Thank you. Could you send us the latest school report and any professional reports from this year, so we can prepare your views together?',
  note: 'Checked the statutory timescales: we are within them. Next: draft the response with the family.',
  answer:
    'Transport is decided under the LA’s home-to-school transport policy, separately from the plan; the plan can record the need. The policy and the application form are on the LA’s website. Reply here if you would like help with the application.',
}

/**
 * The demo tickets, each through the same services (and workflows) as real ones.
 * Runs once the worker is up: the commands wait for their workflow's answer.
 */
export async function seedDemoTickets(ctx: ServiceContext, report: (line: string) => void): Promise<void> {
  const org = await ctx.db.organisation.findUniqueOrThrow({ where: { slug: 'brightpath' }, select: { id: true, departments: true } })
  const people = new Map((await ctx.db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]))
  const admin = { id: people.get('admin@brightpath.example')! }
  // Ben takes family replies in the daily digest: the family reply below waits for it ("Send digests now" in Settings, Team).
  await saveMailChoices(ctx, people.get('ben@brightpath.example')!, { family_replies: 'daily_digest' })
  // Before the tickets: each takes its type's default template, as a real request does.
  await seedDemoTemplates(ctx.db, org.id, report)
  for (const { family, department, advocate, steps, ...request } of DEMO_TICKETS) {
    const ticket = await createTicket(ctx, {
      ...request,
      orgId: org.id,
      requesterId: people.get(family)!,
      departmentId: org.departments.find((d) => d.slug === department)?.id,
    })
    const staff = { id: advocate ? people.get(advocate)! : admin.id }
    const run = (step: DemoStep): Promise<TicketCommandResult> => {
      switch (step) {
        case 'assign':
          return assign(ctx, { ticket, actor: admin, assigneeId: staff.id })
        case 'link-case':
          return linkCase(ctx, { ticket, actor: staff, caseRef: request.caseRef ?? null })
        case 'family-reply':
          return postMessage(ctx, { ticket, author: { id: people.get(family)! }, role: 'family', body: FAMILY_REPLY, visibility: 'public' })
        case 'note':
          return postMessage(ctx, { ticket, author: staff, role: 'staff', body: STAFF_MESSAGES.note, visibility: 'internal' })
        case 'ask-family':
        case 'answer':
          return postMessage(ctx, { ticket, author: staff, role: 'staff', body: STAFF_MESSAGES[step], visibility: 'public' })
        case 'pending-family':
          return changeStatus(ctx, { ticket, actor: staff, status: 'pending_family' })
        case 'pending-la': {
          const laDeadline = new Date(Date.now() + LA_DEADLINE_DAYS * 24 * 3_600_000)
          return changeStatus(ctx, { ticket, actor: staff, status: 'pending_la', reason: 'Asked the LA to name the provision', laDeadline })
        }
        case 'resolve':
          return changeStatus(ctx, { ticket, actor: staff, status: 'resolved' })
      }
    }
    for (const step of steps) {
      const result = await run(step)
      if (result.status !== 'applied')
        throw new Error(`Demo ticket #${ticket.number}: "${step}" was ${result.status}${'message' in result ? `: ${result.message}` : ''}`)
    }
    report(`#${ticket.number} ${request.subject}`)
  }
  await seedDemoCaseWork(ctx, org.id, people, report)
  await seedDemoTeam(ctx, { orgId: org.id, people }, report)
  await seedDemoTagsAndTime(ctx.db, org.id, admin.id)
  await seedDemoLink(ctx.db, org.id, admin.id, report)
  await seedDemoChecklist(ctx, org.id, report)
  await seedDemoTimelines(ctx, report)
  await seedDemoBulkChange(ctx, org.id, report)
  await seedDemoDocumentRequest(ctx, { orgId: org.id, people }, report)
}

/** Ben asks Dana for a document: a conversation Pending family until her file arrives (it ticks its checklist item). */
async function seedDemoDocumentRequest(
  ctx: ServiceContext,
  input: { orgId: string; people: Map<string, string> },
  report: (line: string) => void,
): Promise<void> {
  const started = await startConversation(ctx, {
    orgId: input.orgId,
    authorId: input.people.get('ben@brightpath.example')!,
    via: 'cli',
    family: { id: input.people.get('dana@family.example')! },
    kind: 'document_request',
    document: 'Leo’s latest school report',
    subject: 'Could you send us Leo’s school report?',
    body: 'Hello Dana, to prepare the evidence for Leo’s assessment we need his latest school report. Please upload it here when you can.',
  })
  if (started.status !== 'started') throw new Error(`Demo document request: ${started.status}`)
  report(`#${started.ticket.number} a document request to Dana, awaiting her file`)
}

/** Chloe at her capacity (triage shows her "At capacity"), Ben's handover note on his first case, and Chloe covering it while he is away. */
async function seedDemoTeam(
  ctx: ServiceContext,
  input: { orgId: string; people: Map<string, string> },
  report: (line: string) => void,
): Promise<void> {
  const chloe = input.people.get('chloe@brightpath.example')!
  const ben = input.people.get('ben@brightpath.example')!
  const active = await ctx.db.case.count({ where: { orgId: input.orgId, advocateId: chloe, status: { not: 'closed' } } })
  const set = async (
    userId: string,
    caseCapacity: number | null,
    specialisms: ('tribunal' | 'la_refusal' | 'annual_review' | 'ehcp')[],
  ) => {
    const membership = await ctx.db.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: input.orgId, userId } } })
    await setMemberCapacity(ctx.db, {
      orgId: input.orgId,
      membershipId: membership.id,
      caseCapacity,
      specialisms,
      actorId: null,
      via: 'cli',
    })
  }
  await set(chloe, Math.max(active, 1), ['tribunal', 'la_refusal'])
  await set(ben, null, ['annual_review', 'ehcp'])
  const bens = await ctx.db.case.findFirst({
    where: { orgId: input.orgId, advocateId: ben },
    orderBy: { number: 'asc' },
    select: { id: true, caseRef: true },
  })
  if (bens) {
    await writeHandoverNote(ctx.db, {
      orgId: input.orgId,
      caseId: bens.id,
      author: { id: ben },
      via: 'cli',
      toId: null,
      note: 'Away from Friday for two weeks. The family prefer email; school’s SENCo is on side. The draft plan’s section F still lacks the OT hours.',
    })
    const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: input.orgId }, select: { timezone: true } })
    const endsOn = DateTime.now().setZone(org.timezone).plus({ days: 14 }).toISODate()!
    await addCaseCover(ctx.db, {
      orgId: input.orgId,
      caseId: bens.id,
      actor: { id: input.people.get('admin@brightpath.example')! },
      via: 'cli',
      advocateId: chloe,
      endsOn,
    })
    report(`handover note on ${bens.caseRef}, which Chloe covers until ${endsOn}; Chloe at her capacity of ${Math.max(active, 1)} cases`)
  }
}

/** The team's tags on the first demo tickets, and some time logged on them by whoever works each. */
const DEMO_TAGS: string[][] = [['Tribunal prep', 'Welsh LA'], ['Annual review 2026'], ['Tribunal prep'], ['Welsh LA', 'Annual review 2026']]
const DEMO_TIME: { minutes: number; kind: TimeKind; daysAgo: number; note?: string }[] = [
  { minutes: 90, kind: 'call', daysAgo: 1, note: 'Talked the family through the draft plan' },
  { minutes: 45, kind: 'letter', daysAgo: 2 },
  { minutes: 120, kind: 'research', daysAgo: 6, note: 'Case law on section F specificity' },
]

async function seedDemoTagsAndTime(db: Db, orgId: string, adminId: string): Promise<void> {
  const tickets = await db.ticket.findMany({
    where: { orgId },
    orderBy: { number: 'asc' },
    take: DEMO_TAGS.length,
    select: { id: true, orgId: true, number: true, assigneeId: true },
  })
  for (const [i, ticket] of tickets.entries()) {
    for (const name of DEMO_TAGS[i]!) await addTicketTag(db, { ticket, name, actorId: ticket.assigneeId ?? adminId, via: 'cli' })
    const { minutes, kind, daysAgo, note } = DEMO_TIME[i % DEMO_TIME.length]!
    const workedOn = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
    const userId = ticket.assigneeId ?? adminId
    await logTime(db, { ticket, userId, entry: { minutes, kind, workedOn, note }, actorId: userId, via: 'cli' })
  }
}

/** Leo's refused assessment and the tribunal appeal that came of it, linked: each ticket lists the other. */
async function seedDemoLink(db: Db, orgId: string, adminId: string, report: (line: string) => void): Promise<void> {
  const [refusal, tribunal] = await Promise.all(
    ['The LA refused to assess our son for an EHCP', 'Tribunal hearing date set: we need help with the bundle'].map((subject) =>
      db.ticket.findFirstOrThrow({ where: { orgId, subject }, select: { id: true, orgId: true, number: true } }),
    ),
  )
  await linkTickets(db, { ticket: tribunal!, otherNumber: refusal!.number, actorId: adminId, via: 'cli' })
  report(`#${tribunal!.number} linked to #${refusal!.number}`)
}

/** The tribunal ticket took its template's four steps; the first two are done, and the family was told of each. */
const DEMO_DONE = ['Send us the decision letter', 'Gather the school reports']

async function seedDemoChecklist(ctx: ServiceContext, orgId: string, report: (line: string) => void): Promise<void> {
  const { db } = ctx
  const ticket = await db.ticket.findFirstOrThrow({
    where: { orgId, subject: 'Tribunal hearing date set: we need help with the bundle' },
    select: { id: true, orgId: true, number: true },
  })
  const items = await db.checklistItem.findMany({ where: { ticketId: ticket.id, title: { in: DEMO_DONE } }, select: { id: true } })
  for (const item of items)
    await updateChecklistItem(db, { ticket, itemId: item.id, done: true, actorId: null, via: 'cli', tellFamily: ctx })
  report(`#${ticket.number} has its template's checklist: 2 of 4 done (the family told), one step staff only`)
}

const HOUR_MS = 3_600_000

/**
 * Work on the cases the assignments opened, through the case workflow: one case
 * moves on to Draft plan, with a next action already overdue (its workflow flags
 * it at once) and one due soon; another has an action due this week.
 */
async function seedDemoCaseWork(ctx: ServiceContext, orgId: string, people: Map<string, string>, report: (line: string) => void) {
  const ben = { id: people.get('ben@brightpath.example')! }
  const caseOf = async (subject: string) => {
    const ticket = await ctx.db.ticket.findFirstOrThrow({ where: { orgId, subject }, select: { caseRef: true } })
    return await ctx.db.case.findUniqueOrThrow({
      where: { orgId_caseRef: { orgId, caseRef: ticket.caseRef! } },
      select: { id: true, caseRef: true },
    })
  }
  const draftPlan = await caseOf('Draft EHCP has nothing specific in Section F')
  const annualReview = await caseOf('Annual review meeting next month')
  const steps = [
    () => setCaseStatus(ctx, { case: draftPlan, actor: ben, status: 'draft_plan' }),
    () =>
      addCaseAction(ctx, {
        case: draftPlan,
        actor: ben,
        title: 'Send the family’s comments on the draft plan to the council',
        ownerId: ben.id,
        dueAt: new Date(Date.now() - 26 * HOUR_MS),
      }),
    () =>
      addCaseAction(ctx, {
        case: draftPlan,
        actor: ben,
        title: 'Ask the speech and language therapist for specific provision wording',
        ownerId: ben.id,
        dueAt: new Date(Date.now() + 20 * HOUR_MS),
      }),
    () =>
      addCaseAction(ctx, {
        case: annualReview,
        actor: ben,
        title: 'Prepare the family’s views for the annual review',
        ownerId: ben.id,
        dueAt: new Date(Date.now() + 5 * 24 * HOUR_MS),
      }),
  ]
  for (const step of steps) {
    const result = await step()
    if (result.status !== 'applied') throw new Error(`Demo case work: ${result.status}${'message' in result ? `: ${result.message}` : ''}`)
  }
  report(`${draftPlan.caseRef} at Draft plan, with an overdue next action; ${annualReview.caseRef} with one due this week`)
  await seedDemoTasks(ctx, orgId, ben, report)
}

/**
 * Ben's task board: a ticket's task already overdue (its ticket workflow flags it
 * at once and tells him), one he is doing, and the annual review case's next
 * action linked to its ticket, so it shows on both.
 */
async function seedDemoTasks(ctx: ServiceContext, orgId: string, ben: { id: string }, report: (line: string) => void) {
  const ticketOf = (subject: string) =>
    ctx.db.ticket.findFirstOrThrow({ where: { orgId, subject }, select: { id: true, orgId: true, number: true, caseId: true } })
  const draft = await ticketOf('Draft EHCP has nothing specific in Section F')
  const review = await ticketOf('Annual review meeting next month')
  const actor = { actorId: ben.id, via: 'cli' as const }
  const overdue = await createTicketTask(ctx, {
    ...actor,
    ticket: draft,
    title: 'Ring the SENCo about the Section F wording',
    ownerId: ben.id,
    dueAt: new Date(Date.now() - 2 * HOUR_MS),
  })
  const doing = await createTicketTask(ctx, {
    ...actor,
    ticket: draft,
    title: 'Draft the response to the council',
    ownerId: ben.id,
    dueAt: null,
  })
  if (doing.status === 'changed') await updateTask(ctx, { ...actor, orgId, taskId: doing.task.id, change: { status: 'doing' } })
  const nextAction = await ctx.db.task.findFirstOrThrow({
    where: { caseId: review.caseId ?? undefined, ticketId: null },
    select: { id: true },
  })
  const linked = await linkTaskToTicket(ctx, { ...actor, ticket: review, taskId: nextAction.id })
  if (overdue.status !== 'changed' || linked.status !== 'changed') throw new Error('Demo tasks: not made')
  report(`Ben's tasks: one overdue on #${draft.number}, one doing, and a case next action linked to #${review.number}`)
}

/**
 * Statutory timelines on two demo cases, recorded as staff record them: Leo's
 * request for assessment five weeks ago (its 6-week decision is a week away) and
 * Maya's annual review five weeks ago (its 4-week decision is overdue, flagged by
 * the case workflow as soon as it hears of it, so the team dashboard shows her
 * case as LA overdue).
 */
async function seedDemoTimelines(ctx: ServiceContext, report: (line: string) => void): Promise<void> {
  const fiveWeeksAgo = DateTime.now().setZone('Europe/London').minus({ weeks: 5 }).toISODate()!
  const timelines = [
    { family: 'dana@family.example', stage: 'assessment_requested' },
    { family: 'elliot@family.example', stage: 'annual_review_held' },
  ] as const
  for (const { family, stage } of timelines) {
    const kase = await ctx.db.case.findFirstOrThrow({
      where: { family: { email: family }, advocate: { email: 'ben@brightpath.example' } },
      select: { id: true, caseRef: true, advocateId: true },
    })
    const result = await recordCaseStage(ctx, { case: kase, actor: { id: kase.advocateId! }, stage, date: fiveWeeksAgo })
    if (result.status !== 'applied') throw new Error(`Demo case ${kase.caseRef}: "${stage}" was ${result.status}`)
    report(`${kase.caseRef}: ${STATUTORY_STAGE_LABELS[stage]} on ${fiveWeeksAgo}`)
  }
}
