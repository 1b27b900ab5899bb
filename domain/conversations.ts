/**
 * What a conversation staff start with a family is made of (services/conversations.server.ts
 * starts one): its kinds in words, and the text fields each edge checks alike.
 */
import { requiredText } from './input-schemas.ts'
import { NAME_MAX, SUBJECT_MAX } from './limits.ts'

export const CONVERSATION_KINDS = ['general', 'document_request'] as const
export type ConversationKind = (typeof CONVERSATION_KINDS)[number]

export const CONVERSATION_KIND_LABELS: Record<ConversationKind, string> = {
  general: 'General message',
  document_request: 'Document request',
}

/** The document a request names ("Latest EHCP draft"). */
export const DOCUMENT_NAME_MAX = 150

export const DocumentNameSchema = requiredText(DOCUMENT_NAME_MAX, {
  multiline: false,
  required: 'Name the document you need',
  tooLong: `Keep the document’s name to at most ${DOCUMENT_NAME_MAX} characters`,
})
export const ConversationSubjectSchema = requiredText(SUBJECT_MAX, { multiline: false, required: 'Enter a subject' })
export const FamilyNameSchema = requiredText(NAME_MAX, { multiline: false, required: 'Enter the family’s name' })
