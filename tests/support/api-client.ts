/** A JSON call to the stack's integration API with an organisation's key: the status and the parsed body. */
export function apiClient(webUrl: string) {
  return async function api(key: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${webUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as any }
  }
}
