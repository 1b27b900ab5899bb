/**
 * Settings → Organisation: the profile families read, its contact details, and
 * how the organisation takes requests. One form, one save.
 */
import { Form, Link } from '@remix-run/react'
import { CheckboxField, TextAreaField, TextField } from './form-fields.tsx'
import { Alert, Button, Card, CardTitle, linkClass } from './ui.tsx'
import type { FieldErrors } from '../utils/validation.ts'

export function OrganisationSettingsForm({
  values,
  errors,
  formError,
  publicHref,
  aboutMax,
  saving,
}: {
  /** As the form sends them: text, and "on" for a ticked box. */
  values: Record<string, string | undefined>
  errors: FieldErrors
  formError: string | null
  publicHref: string
  aboutMax: number
  saving: boolean
}) {
  const problems = Object.keys(errors).length
  return (
    <Form method="post" noValidate className="space-y-6" aria-labelledby="profile-heading">
      <h2 id="profile-heading" className="sr-only">
        Organisation profile
      </h2>
      <input type="hidden" name="intent" value="save-profile" />
      <input type="hidden" name="revision" value={values.revision} />
      {formError ? <Alert kind="error">{formError}</Alert> : null}
      {problems ? (
        <Alert kind="error">{problems === 1 ? 'One field needs' : `${problems} fields need`} a look before the profile can be saved.</Alert>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card aria-labelledby="public-profile-heading">
          <CardTitle id="public-profile-heading">Public profile</CardTitle>
          <p className="mt-1 text-sm text-slate-700">
            What families read on{' '}
            <Link to={publicHref} className={linkClass}>
              your page
            </Link>{' '}
            and in the directory.
          </p>
          <div className="mt-4 space-y-4">
            <TextField label="Name" name="name" defaultValue={values.name} errors={errors.name} required />
            <TextAreaField
              label="About"
              name="about"
              rows={6}
              hint={`Who you help and how. The directory shows the first 240 characters; at most ${aboutMax}.`}
              defaultValue={values.about}
              errors={errors.about}
              required={false}
            />
            <TextField
              label="Response time"
              name="responseTime"
              hint="Ends the sentence “Usually responds …”, like “within one working day”. Left blank, families are told nothing about it."
              defaultValue={values.responseTime}
              errors={errors.responseTime}
              required={false}
            />
          </div>
        </Card>

        <Card aria-labelledby="contact-heading">
          <CardTitle id="contact-heading">Contact details</CardTitle>
          <p className="mt-1 text-sm text-slate-700">
            Shown on your page for families who would rather write or call. A blank box is left out.
          </p>
          <div className="mt-4 space-y-4">
            <TextField
              label="Contact email"
              name="contactEmail"
              type="email"
              autoComplete="off"
              defaultValue={values.contactEmail}
              errors={errors.contactEmail}
              required={false}
            />
            <TextField
              label="Phone"
              name="contactPhone"
              type="tel"
              autoComplete="off"
              defaultValue={values.contactPhone}
              errors={errors.contactPhone}
              required={false}
            />
            <TextField
              label="Website"
              name="website"
              type="url"
              hint="Like https://example.org."
              defaultValue={values.website}
              errors={errors.website}
              required={false}
            />
            <TextAreaField
              label="Postal address"
              name="postalAddress"
              rows={3}
              defaultValue={values.postalAddress}
              errors={errors.postalAddress}
              required={false}
            />
          </div>
        </Card>
      </div>

      <Card aria-labelledby="requests-heading">
        <CardTitle id="requests-heading">Requests and replies</CardTitle>
        <div className="mt-3 space-y-3">
          <CheckboxField
            label="Taking new requests"
            name="acceptsRequests"
            value="on"
            defaultChecked={values.acceptsRequests === 'on'}
            hint="Untick it to leave the directory and stop new requests; the tickets already open carry on as before."
          />
          <CheckboxField
            label="A first reply assigns the ticket"
            name="assignOnFirstReply"
            value="on"
            defaultChecked={values.assignOnFirstReply === 'on'}
            hint="The first public reply from the team on an unassigned ticket makes the person replying its assignee."
          />
        </div>
      </Card>

      <Button disabled={saving}>{saving ? 'Saving…' : 'Save profile'}</Button>
    </Form>
  )
}
