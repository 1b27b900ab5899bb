/** Small helpers for responses that end a loader or action early. */

/** Throws a Response with `status` when `condition` is falsy, like epic-stack's invariantResponse. */
export function invariantResponse(condition: unknown, message: string, status = 400): asserts condition {
  if (!condition) {
    throw new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  }
}

export function notFound(message = 'Not found'): Response {
  return new Response(message, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/**
 * A redirect target from user input, kept on this site: only a path starting
 * with a single "/" is accepted ("//evil.example" and "/\\evil" are not), and
 * none with a backslash or a control character anywhere: browsers drop tabs and
 * line breaks from a URL, so "/\t/evil.example" would leave the site.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  // eslint-disable-next-line no-control-regex
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(to)) return fallback
  return to
}
