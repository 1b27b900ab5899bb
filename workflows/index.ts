/** The worker's workflow bundle entry: every workflow the task queue runs. */
export { caseWorkflow } from './case.workflow.ts'
export { ticketWorkflow } from './ticket.workflow.ts'
export { deliverMailWorkflow } from './mail-delivery.workflow.ts'
export { mailDigestWorkflow } from './mail-digest.workflow.ts'
export { bulkChangeWorkflow } from './bulk-change.workflow.ts'
