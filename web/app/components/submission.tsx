/**
 * What a form that creates something renders: its one-time token (made by the
 * route's loader, new on every load of the page, one per form), and a submit
 * button that is disabled while that form is on its way. The button is the
 * courtesy; the token is the guarantee, with or without JavaScript
 * (utils/submissions.server.ts).
 */
import { useNavigation } from '@remix-run/react'
import type { ComponentProps } from 'react'
import { Button } from './ui.tsx'

export const SUBMISSION_FIELD = 'submissionToken'

export function SubmissionToken({ value }: { value: string }) {
  return <input type="hidden" name={SUBMISSION_FIELD} value={value} />
}

/** The form carrying `token` is being sent, or the page it leads to is loading. */
export function useSubmitting(token: string): boolean {
  const navigation = useNavigation()
  return navigation.state !== 'idle' && navigation.formData?.get(SUBMISSION_FIELD) === token
}

/** The submit button of the form carrying `token`: disabled, and saying `pendingText`, while it is sent. */
export function SubmitButton({
  token,
  pendingText,
  children,
  disabled,
  ...props
}: ComponentProps<typeof Button> & { token: string; pendingText?: string }) {
  const pending = useSubmitting(token)
  return (
    <Button {...props} disabled={pending || disabled}>
      {pending && pendingText ? pendingText : children}
    </Button>
  )
}
