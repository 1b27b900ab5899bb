/**
 * Form fields: always a visible label, errors tied to their field
 * (aria-describedby) and read out (role="alert"), and a focus ring on every control.
 */
import type { ReactNode } from 'react'
import { CharacterCount } from './character-count.tsx'

const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm ' +
  'placeholder:text-slate-400 focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30 ' +
  'aria-[invalid=true]:border-red-600'

export function ErrorList({ id, errors }: { id?: string; errors?: readonly string[] | null }) {
  if (!errors?.length) return null
  return (
    <ul id={id} role="alert" className="mt-1 space-y-1 text-sm text-red-700">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  )
}

interface FieldProps {
  /** Visible; may hold a part for screen readers only, to tell one row's field from the next. */
  label: ReactNode
  name: string
  /** The element id, when one page has several fields of the same name (one form per row). */
  id?: string
  errors?: readonly string[]
  hint?: string
  defaultValue?: string
  required?: boolean
}

function describedBy(name: string, hint?: string, errors?: readonly string[], required?: boolean) {
  const ids = [hint || required === false ? `${name}-hint` : null, errors?.length ? `${name}-error` : null].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

function Label({ name, label }: { name: string; label: ReactNode }) {
  return (
    <label htmlFor={name} className="block text-sm font-medium text-slate-800">
      {label}
    </label>
  )
}

// "Optional" goes in the hint, so the field's accessible name stays its label.
function Hint({ name, hint, required }: { name: string; hint?: string; required?: boolean }) {
  const text = required === false ? (hint ? `Optional. ${hint}` : 'Optional') : hint
  return text ? (
    <p id={`${name}-hint`} className="mt-1 text-sm text-slate-600">
      {text}
    </p>
  ) : null
}

export function TextField({
  type = 'text',
  autoComplete,
  inputMode,
  min,
  max,
  step,
  list,
  ...props
}: FieldProps & {
  type?: 'text' | 'email' | 'password' | 'search' | 'datetime-local' | 'date' | 'time' | 'number' | 'tel' | 'url'
  autoComplete?: string
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'search'
  min?: string
  max?: string
  step?: string
  /** The id of a <datalist> of suggestions. */
  list?: string
}) {
  const { label, name, errors, hint, defaultValue, required } = props
  const id = props.id ?? name
  return (
    <div>
      <Label name={id} label={label} />
      <Hint name={id} hint={hint} required={required} />
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        inputMode={inputMode}
        min={min}
        max={max}
        step={step}
        list={list}
        defaultValue={defaultValue}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors, required)}
        className={inputClass}
      />
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

/** `maxCharacters`: the server's limit, counted as it nears (character-count.tsx). */
export function TextAreaField({ rows = 6, maxCharacters, ...props }: FieldProps & { rows?: number; maxCharacters?: number }) {
  const { label, name, errors, hint, defaultValue, required } = props
  const id = props.id ?? name
  return (
    <div>
      <Label name={id} label={label} />
      <Hint name={id} hint={hint} required={required} />
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors, required)}
        className={inputClass}
      />
      {maxCharacters ? <CharacterCount fieldId={id} max={maxCharacters} /> : null}
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

export function SelectField({
  options,
  placeholder,
  ...props
}: FieldProps & { options: readonly { value: string; label: string }[]; placeholder?: string }) {
  const { label, name, errors, hint, defaultValue, required } = props
  const id = props.id ?? name
  return (
    <div>
      <Label name={id} label={label} />
      <Hint name={id} hint={hint} required={required} />
      <select
        id={id}
        name={name}
        defaultValue={defaultValue ?? ''}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors, required)}
        className={inputClass}
      >
        {placeholder !== undefined ? (
          <option value="" disabled={required}>
            {placeholder}
          </option>
        ) : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

/** Files to attach: several at once, limits stated up front (the server enforces them). */
export function FileField({ accept, ...props }: Omit<FieldProps, 'defaultValue'> & { accept: string }) {
  const { label, name, errors, hint, required } = props
  const id = props.id ?? name
  return (
    <div>
      <Label name={id} label={label} />
      <Hint name={id} hint={hint} required={required} />
      <input
        id={id}
        name={name}
        type="file"
        multiple
        accept={accept}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors, required)}
        className={
          'mt-1 block w-full text-base text-slate-800 file:mr-3 file:min-h-11 file:rounded-md file:border-0 file:bg-slate-100 ' +
          'file:px-4 file:py-2 file:font-semibold file:text-slate-800 hover:file:bg-slate-200 sm:text-sm sm:file:min-h-10'
        }
      />
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

export function CheckboxField({
  label,
  name,
  id = name,
  defaultChecked,
  value = '1',
  hint,
}: {
  label: string
  name: string
  /** When the page has several forms with this field. */
  id?: string
  defaultChecked?: boolean
  value?: string
  hint?: string
}) {
  return (
    <div>
      <div className="flex min-h-10 items-center gap-2">
        <input
          id={id}
          name={name}
          type="checkbox"
          value={value}
          defaultChecked={defaultChecked}
          aria-describedby={hint ? `${id}-hint` : undefined}
          className="size-5 accent-indigo-700"
        />
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="ml-7 text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
    </div>
  )
}
