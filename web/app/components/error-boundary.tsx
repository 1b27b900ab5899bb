import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'

/** What a person sees when a page cannot be shown: a plain sentence and a way back. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { title, text } = isRouteErrorResponse(error)
    ? {
        title: error.status === 404 ? 'Not found' : error.status === 403 ? 'Not allowed' : `Something went wrong (${error.status})`,
        text:
          typeof error.data === 'string' && error.data
            ? error.data
            : error.status === 404
              ? 'We could not find that page.'
              : 'Please try again.',
      }
    : { title: 'Something went wrong', text: 'An unexpected error happened. Please try again in a moment.' }
  return (
    <div className="mx-auto max-w-2xl py-6">
      <h1 className="text-2xl font-bold text-slate-900">{title}</h1>
      <p className="mt-3 text-slate-700">{text}</p>
      <p className="mt-6">
        <Link to="/" className="font-medium text-indigo-800 underline underline-offset-4">
          Go to the start page
        </Link>
      </p>
    </div>
  )
}
