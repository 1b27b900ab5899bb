/** Every operation of the API, in the order the OpenAPI document lists them. */
import { bulkRoutes } from './bulk.ts'
import { caseCommandRoutes } from './case-commands.ts'
import { checklistRoutes } from './checklist.ts'
import { taskRoutes } from './tasks.ts'
import { caseCoverRoutes } from './case-cover.ts'
import { caseRoutes } from './cases.ts'
import { commandRoutes } from './commands.ts'
import { conversationRoutes } from './conversations.ts'
import { departmentRoutes } from './departments.ts'
import { messageRoutes } from './messages.ts'
import { relatedRoutes } from './related.ts'
import type { ApiRoute } from './route.ts'
import { settingsRoutes } from './settings.ts'
import { tagRoutes } from './tags.ts'
import { templateRoutes } from './templates.ts'
import { timeEntryRoutes } from './time-entries.ts'
import { ticketRoutes } from './tickets.ts'

export const apiRoutes: readonly ApiRoute[] = [
  ...ticketRoutes,
  ...conversationRoutes,
  ...messageRoutes,
  ...commandRoutes,
  ...bulkRoutes,
  ...caseRoutes,
  ...caseCommandRoutes,
  ...caseCoverRoutes,
  ...departmentRoutes,
  ...tagRoutes,
  ...checklistRoutes,
  ...taskRoutes,
  ...timeEntryRoutes,
  ...relatedRoutes,
  ...settingsRoutes,
  ...templateRoutes,
]
