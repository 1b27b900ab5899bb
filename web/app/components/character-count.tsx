/**
 * How much of a long text's limit is used, shown once it is near: a progressive
 * enhancement (without JavaScript the server's message states the limit when it
 * is passed). The visible count follows every key; screen readers hear it after a
 * pause in typing, not at each one.
 */
import { useEffect, useState } from 'react'
import { formatLimit } from '../../../domain/limits.ts'

/** From here on the count shows: 90% of the limit. */
export function countShownFrom(max: number): number {
  return Math.floor(max * 0.9)
}

/** What the count says, or nothing while the text is well under the limit. */
export function characterCountText(length: number, max: number): string | null {
  if (length < countShownFrom(max)) return null
  const counted = `${formatLimit(length)} of ${formatLimit(max)} characters`
  return length > max ? `${counted}: ${formatLimit(length - max)} too many` : counted
}

const ANNOUNCE_AFTER_MS = 1000

export function CharacterCount({ fieldId, max }: { fieldId: string; max: number }) {
  const [length, setLength] = useState(0)
  const [announced, setAnnounced] = useState('')
  useEffect(() => {
    const field = document.getElementById(fieldId)
    if (!(field instanceof HTMLTextAreaElement)) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const update = () => {
      // Trimmed, as the server counts it.
      const counted = field.value.trim().length
      setLength(counted)
      clearTimeout(timer)
      timer = setTimeout(() => setAnnounced(characterCountText(counted, max) ?? ''), ANNOUNCE_AFTER_MS)
    }
    update()
    field.addEventListener('input', update)
    return () => {
      field.removeEventListener('input', update)
      clearTimeout(timer)
    }
  }, [fieldId, max])
  const text = characterCountText(length, max)
  return (
    <>
      {text ? (
        <p aria-hidden="true" className={`mt-1 text-sm ${length > max ? 'font-semibold text-red-700' : 'text-slate-700'}`}>
          {text}
        </p>
      ) : null}
      {/* A live region, not role="status": the ticket page's one status is the ticket's. */}
      <p aria-live="polite" className="sr-only">
        {announced}
      </p>
    </>
  )
}
