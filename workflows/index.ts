/** The worker's workflow bundle entry: every workflow the task queue runs. */
export { ticketWorkflow } from './ticket.workflow.ts'
export { deliverMailWorkflow } from './mail-delivery.workflow.ts'
