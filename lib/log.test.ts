import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, logFormat, type LogFormat } from './log.ts'

afterEach(() => vi.unstubAllEnvs())

// eslint-disable-next-line no-control-regex
const withoutColours = (text: string) => text.replace(/\u001b\[\d+m/g, '')

function capture(format: LogFormat, level?: string) {
  const lines: string[] = []
  const log = createLogger('web', level, { format, destination: { write: (line) => lines.push(withoutColours(line)) } })
  return { log, lines }
}

describe('logFormat', () => {
  it('is pretty for a terminal and JSON for a pipe or a file', () => {
    expect(logFormat({ isTTY: true })).toBe('pretty')
    expect(logFormat({ isTTY: false })).toBe('json')
    expect(logFormat({})).toBe('json')
  })
})

describe('createLogger', () => {
  it('writes JSON lines at info by default for log collectors', () => {
    vi.stubEnv('LOG_LEVEL', undefined)
    const { log, lines } = capture('json')
    log.debug('not written')
    log.info({ ticketId: 't-1' }, 'ticket state saved')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, name: 'web', ticketId: 't-1', msg: 'ticket state saved' })
  })

  it('shows a person at a terminal only warnings and errors by default, on short readable lines', () => {
    vi.stubEnv('LOG_LEVEL', undefined)
    const { log, lines } = capture('pretty')
    log.info('portal listening')
    log.warn({ origin: 'https://elsewhere.example' }, 'refused a cross-site request')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN \(web\): refused a cross-site request\n/)
    expect(lines[0]).toContain('origin: "https://elsewhere.example"')
    expect(lines[0]).not.toContain('{"level"')
  })

  it('puts a request on one line: method, path and status, without the request and response objects', () => {
    const { log, lines } = capture('pretty', 'debug')
    log
      .child({ req: { id: 'r1', method: 'GET', url: '/staff/tickets', userAgent: 'x' } })
      .debug({ res: { statusCode: 200 }, responseTime: 12 }, 'request completed')
    expect(lines).toEqual([expect.stringMatching(/^\[\d\d:\d\d:\d\d\] DEBUG \(web\): GET \/staff\/tickets 200 request completed\n$/)])
  })

  it('takes LOG_LEVEL over the default, in either format', () => {
    vi.stubEnv('LOG_LEVEL', 'info')
    const pretty = capture('pretty')
    pretty.log.info('worker running')
    expect(pretty.lines).toHaveLength(1)
    vi.stubEnv('LOG_LEVEL', 'error')
    const json = capture('json')
    json.log.warn('not written')
    expect(json.lines).toEqual([])
  })
})

describe('secrets', () => {
  it('are censored wherever a caller puts them, in either format; ids, the key prefix and other headers stay', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { log, lines } = capture(format, 'info')
      log.info(
        {
          password: 'hunter2-top',
          form: { currentPassword: 'hunter2-old', token: 'reset-token-1' },
          req: { headers: { authorization: 'Bearer cwk_secret', cookie: 'caseway_session=first-session-id', 'user-agent': 'Firefox' } },
          res: { headers: { 'set-cookie': 'caseway_session=second-session-id' } },
          headers: { 'x-api-key': 'cwk_other' },
          userId: 'u-1',
          apiKey: 'cwk_abcdefgh',
        },
        'signed in',
      )
      const text = lines.join('')
      for (const secret of [
        'hunter2-top',
        'hunter2-old',
        'reset-token-1',
        'cwk_secret',
        'first-session-id',
        'second-session-id',
        'cwk_other',
      ])
        expect(text).not.toContain(secret)
      expect(text).toContain('u-1')
      expect(text).toContain('cwk_abcdefgh')
    }
    // The JSON line keeps the rest of the headers (a terminal shows no request objects at all).
    const { log, lines } = capture('json', 'info')
    log.info({ req: { headers: { cookie: 'caseway_session=s3', 'user-agent': 'Firefox' } } }, 'request')
    expect(JSON.parse(lines[0]!)).toMatchObject({ req: { headers: { cookie: '[redacted]', 'user-agent': 'Firefox' } } })
  })
})
