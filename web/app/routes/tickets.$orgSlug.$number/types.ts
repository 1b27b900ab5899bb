/** The ticket page's data, as its views see it, and what its action answers. Types only: no runtime imports. */
import type { useLoaderData } from '@remix-run/react'
import type { FieldErrors, TicketAction } from '../../utils/validation.ts'
import type { loader } from './route.tsx'

export type Intent = TicketAction['intent']
export type ActionData = {
  intent: Intent
  fieldErrors: FieldErrors
  formError: string | null
  values: Record<string, string>
  /** The question to confirm by sending the form again with confirm=1 (resolving with an unfinished checklist). */
  confirm?: string
}

export type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
export type FamilyData = Extract<LoaderData, { role: 'family' }>
export type StaffData = Extract<LoaderData, { role: 'staff' }>
export type Message = FamilyData['messages'][number]
