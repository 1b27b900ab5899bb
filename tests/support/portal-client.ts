/**
 * The portal over HTTP as one browser sees it: its own cookies, and its own
 * loopback address (127.x.y.z), so the limits counted per network start fresh
 * for each client and never slow the other tests, which come from 127.0.0.1.
 * A Host header of the test's choosing makes the portal believe it is served
 * elsewhere than on localhost.
 */
import http from 'node:http'
import { randomInt } from 'node:crypto'

export interface PortalAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  /** Each Set-Cookie header as sent. */
  setCookies: string[]
  body: string
}

/** A loopback address no other client has (Linux routes all of 127.0.0.0/8 to lo). */
export function freshLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`
}

export class PortalClient {
  readonly cookies = new Map<string, string>()
  readonly address: string
  private readonly base: URL
  private readonly host: string | undefined

  constructor(baseUrl: string, options: { address?: string; host?: string } = {}) {
    this.base = new URL(baseUrl)
    this.address = options.address ?? freshLoopbackAddress()
    this.host = options.host
  }

  /** The Origin a browser on this portal sends with a form. */
  get origin(): string {
    return this.host ? `http://${this.host}` : this.base.origin
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PortalAnswer> {
    return this.send('GET', path, undefined, headers)
  }

  /** A form posted as a browser posts it: urlencoded, with this site as its Origin. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PortalAnswer> {
    return this.send('POST', path, new URLSearchParams(form).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: this.origin,
      ...headers,
    })
  }

  send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<PortalAnswer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          localAddress: this.address,
          method,
          path,
          headers: {
            ...(this.host ? { Host: this.host } : {}),
            ...(cookie ? { Cookie: cookie } : {}),
            ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            const setCookies = response.headers['set-cookie'] ?? []
            for (const line of setCookies) this.keep(line)
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              setCookies,
              body: Buffer.concat(chunks).toString('utf8'),
            })
          })
        },
      )
      request.on('error', reject)
      request.end(body)
    })
  }

  private keep(setCookie: string) {
    const [pair = ''] = setCookie.split(';')
    const at = pair.indexOf('=')
    const name = pair.slice(0, at)
    const value = pair.slice(at + 1)
    if (!value || /;\s*Max-Age=0/i.test(setCookie) || /;\s*Expires=Thu, 01 Jan 1970/i.test(setCookie)) this.cookies.delete(name)
    else this.cookies.set(name, value)
  }
}

/** Signs in through the sign-in form; the answer (302 when it worked). */
export function signInOver(client: PortalClient, email: string, password: string, redirectTo = ''): Promise<PortalAnswer> {
  return client.post('/login', { email, password, redirectTo })
}
