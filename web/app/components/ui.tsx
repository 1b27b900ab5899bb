/**
 * The portal's few building blocks: one look for every page. Fields always have
 * a visible label, errors are tied to their field (aria-describedby) and read
 * out (role="alert"), and every control shows a focus ring.
 */
import type { ButtonHTMLAttributes, ReactNode } from 'react'

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
  label: string
  name: string
  errors?: readonly string[]
  hint?: string
  defaultValue?: string
  required?: boolean
}

function describedBy(name: string, hint?: string, errors?: readonly string[], required?: boolean) {
  const ids = [hint || required === false ? `${name}-hint` : null, errors?.length ? `${name}-error` : null].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

function Label({ name, label }: { name: string; label: string }) {
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
  ...props
}: FieldProps & { type?: 'text' | 'email' | 'password'; autoComplete?: string }) {
  const { label, name, errors, hint, defaultValue, required } = props
  return (
    <div>
      <Label name={name} label={label} />
      <Hint name={name} hint={hint} required={required} />
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint, errors, required)}
        className={inputClass}
      />
      <ErrorList id={`${name}-error`} errors={errors} />
    </div>
  )
}

export function TextAreaField({ rows = 6, ...props }: FieldProps & { rows?: number }) {
  const { label, name, errors, hint, defaultValue, required } = props
  return (
    <div>
      <Label name={name} label={label} />
      <Hint name={name} hint={hint} required={required} />
      <textarea
        id={name}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint, errors, required)}
        className={inputClass}
      />
      <ErrorList id={`${name}-error`} errors={errors} />
    </div>
  )
}

export function SelectField({
  options,
  placeholder,
  ...props
}: FieldProps & { options: readonly { value: string; label: string }[]; placeholder?: string }) {
  const { label, name, errors, hint, defaultValue, required } = props
  return (
    <div>
      <Label name={name} label={label} />
      <Hint name={name} hint={hint} required={required} />
      <select
        id={name}
        name={name}
        defaultValue={defaultValue ?? ''}
        required={required || undefined}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint, errors, required)}
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
      <ErrorList id={`${name}-error`} errors={errors} />
    </div>
  )
}

const buttonVariants = {
  primary: 'bg-indigo-700 text-white hover:bg-indigo-800 disabled:bg-indigo-300',
  secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
  quiet: 'text-slate-700 underline-offset-4 hover:underline',
} as const

export function buttonClass(variant: keyof typeof buttonVariants = 'primary') {
  return `inline-flex min-h-11 items-center justify-center rounded-md px-4 py-2 text-base font-semibold shadow-sm sm:min-h-10 sm:text-sm ${buttonVariants[variant]}`
}

export function Button({
  variant = 'primary',
  className = '',
  type = 'submit',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof buttonVariants }) {
  return <button type={type} className={`${buttonClass(variant)} ${className}`} {...props} />
}

export function Card({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <section className={`rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-6 ${className}`}>{children}</section>
}

/** A coloured pill that always carries its words. */
export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${tone}`}>
      {children}
    </span>
  )
}

export function Alert({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ReactNode }) {
  const tone = {
    error: 'border-red-300 bg-red-50 text-red-900',
    success: 'border-emerald-300 bg-emerald-50 text-emerald-900',
    info: 'border-sky-300 bg-sky-50 text-sky-900',
  }[kind]
  // Errors interrupt (role="alert"); confirmations are announced politely.
  return kind === 'error' ? (
    <div role="alert" className={`rounded-md border px-4 py-3 ${tone}`}>
      {children}
    </div>
  ) : (
    <div aria-live="polite" className={`rounded-md border px-4 py-3 ${tone}`}>
      {children}
    </div>
  )
}

export function DateTime({ value }: { value: { iso: string; text: string } }) {
  return <time dateTime={value.iso}>{value.text}</time>
}
