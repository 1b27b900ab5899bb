/**
 * The demo organisation's ticket templates: one default per ticket type (so
 * each demo request takes its checklist when made), and a second EHCP
 * template staff can apply instead. Written through the templates service.
 */
import type { Priority, TicketType } from '../domain/ticket.ts'
import type { Db } from '../lib/db.ts'
import { createTemplate, type TemplateStep } from '../services/ticket-templates.server.ts'

const step = (title: string, staffOnly = false): TemplateStep => ({ title, staffOnly })

/** The first of each type becomes its default. */
const DEMO_TEMPLATES: { type: TicketType; name: string; priority: Priority | null; tags: string[]; steps: TemplateStep[] }[] = [
  {
    type: 'ehcp',
    name: 'EHCP needs assessment',
    priority: null,
    tags: ['EHCP'],
    steps: [
      step('Send us the school’s SEN support plan'),
      step('Draft the request for assessment'),
      step('Diary the 6-week decision', true),
    ],
  },
  {
    type: 'ehcp',
    name: 'EHCP draft plan review',
    priority: null,
    tags: ['EHCP', 'Draft plan'],
    steps: [
      step('Send us the draft plan'),
      step('Check sections B, F and I against the reports', true),
      step('Reply to the LA within 15 days'),
    ],
  },
  {
    type: 'dla',
    name: 'DLA claim',
    priority: null,
    tags: ['DLA'],
    steps: [
      step('Send us a diary of a typical week'),
      step('Collect letters from professionals'),
      step('Check the claim form before it goes', true),
    ],
  },
  {
    type: 'tribunal',
    name: 'Tribunal appeal',
    priority: 'high',
    tags: ['Tribunal prep'],
    steps: [
      step('Send us the decision letter'),
      step('Gather the school reports'),
      step('Check the case law on section F', true),
      step('Send the evidence bundle to the tribunal'),
    ],
  },
  {
    type: 'annual_review',
    name: 'Annual review',
    priority: null,
    tags: ['Annual review 2026'],
    steps: [
      step('Send us the annual review paperwork'),
      step('Write your views for the meeting'),
      step('Check the LA’s decision date', true),
    ],
  },
  {
    type: 'la_refusal',
    name: 'LA refusal to assess',
    priority: 'high',
    tags: ['Refusal'],
    steps: [step('Send us the refusal letter'), step('Diary the mediation deadline', true), step('Decide together: mediation or appeal')],
  },
  {
    type: 'general',
    name: 'General advice',
    priority: null,
    tags: [],
    steps: [step('Tell us what has happened so far'), step('Note the advice given', true)],
  },
]

export async function seedDemoTemplates(db: Db, orgId: string, report: (line: string) => void): Promise<void> {
  for (const template of DEMO_TEMPLATES) await createTemplate(db, { orgId, actorId: null, via: 'cli', ...template })
  report(`${DEMO_TEMPLATES.length} ticket templates, one default per type (Settings, Templates)`)
}
