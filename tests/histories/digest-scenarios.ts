/**
 * The daily digests tests/histories/export.ts records: one run of a person's
 * digest workflow each, up to its continue-as-new.
 */
import type { WorkflowHandle } from '@temporalio/client'
import type { TestWorkflowEnvironment } from '@temporalio/testing'
import { sendDigestNowSignal } from '../../workflows/mail-digest.messages.ts'
import type { mailDigestWorkflow } from '../../workflows/mail-digest.workflow.ts'

export type DigestHandle = WorkflowHandle<typeof mailDigestWorkflow>

export interface DigestScenario {
  about: string
  run(handle: DigestHandle, env: TestWorkflowEnvironment): Promise<void>
  /** Done inside the send activity, before it answers: what comes while a digest is on its way. */
  whileSending?(handle: DigestHandle): Promise<void>
}

export const DIGEST_SCENARIOS: Record<string, DigestScenario> = {
  morning: {
    about: 'a digest that sleeps until 08:00 in its person’s zone, sends, and continues as new',
    async run(_handle, env) {
      await env.sleep('25 hours')
    },
  },
  'send-now': {
    about: 'an admin’s “send digests now” wakes the digest before its hour',
    async run(handle, env) {
      await handle.signal(sendDigestNowSignal)
      await env.sleep('1 minute')
    },
  },
  'send-now-while-sending': {
    about:
      'a second “send digests now” while the first digest is being sent, carried into the next run (the `digest-carries-send-now` marker)',
    async run(handle, env) {
      await handle.signal(sendDigestNowSignal)
      await env.sleep('1 minute')
    },
    async whileSending(handle) {
      await handle.signal(sendDigestNowSignal)
    },
  },
}
