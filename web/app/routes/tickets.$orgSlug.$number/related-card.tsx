/** The staff view's Related tickets card: each related ticket with its status in words, linking one by number, unlinking. */
import { Form, Link } from '@remix-run/react'
import { TextField } from '../../components/form-fields.tsx'
import { SideCard } from '../../components/timeline-card.tsx'
import { Alert, Button, linkClass } from '../../components/ui.tsx'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

export function RelatedCard({ related }: Pick<StaffData, 'related'>) {
  const link = useFormState('link-ticket')
  const unlink = useFormState('unlink-ticket')
  return (
    <SideCard title="Related tickets" id="related-heading">
      {unlink.formError ? <Alert kind="error">{unlink.formError}</Alert> : null}
      {related.length ? (
        <ul className="divide-y divide-slate-100" aria-label="Related tickets">
          {related.map((t) => (
            <li key={t.number} className="flex items-start justify-between gap-2 py-2 text-sm">
              <div className="min-w-0">
                <Link to={t.href} className={`${linkClass} break-words`}>
                  #{t.number} {t.subject}
                </Link>
                <p className="text-slate-700">
                  Status: {t.status} · {t.relation}
                </p>
              </div>
              {t.canUnlink ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="unlink-ticket" />
                  <input type="hidden" name="number" value={t.number} />
                  <Button variant="secondary" aria-label={`Unlink ticket #${t.number}`}>
                    Unlink
                  </Button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">No related tickets yet.</p>
      )}
      <Form method="post" className="space-y-3" key={`related-${related.length}`} noValidate>
        <input type="hidden" name="intent" value="link-ticket" />
        {link.formError ? <Alert kind="error">{link.formError}</Alert> : null}
        <TextField
          id="related-number"
          label="Add by number"
          name="number"
          hint="The number of another ticket of your organisation, like 12."
          inputMode="numeric"
          defaultValue={link.values.number}
          errors={link.fieldErrors.number}
          autoComplete="off"
          required
        />
        <Button variant="secondary" disabled={link.submitting}>
          Link ticket
        </Button>
      </Form>
    </SideCard>
  )
}
