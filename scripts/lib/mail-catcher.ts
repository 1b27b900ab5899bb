import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { startSupervised, type Supervised } from './children.ts'
import { projectRoot } from './paths.ts'
import { assertPortFree, portInUse, waitFor } from './ports.ts'

const MAILDEV = path.join(projectRoot, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js')

/**
 * MailDev, the local mail catcher: an SMTP server that keeps every mail it is
 * given in `mailDir` (so caught mail survives a restart) and shows it in a web
 * UI with a REST API (GET /api/email, DELETE /api/email/all) on `uiPort`. Both listen
 * on 127.0.0.1 only. Supervised like the Temporal dev server.
 */
export async function startMailCatcher(options: {
  smtpPort: number
  uiPort: number
  mailDir: string
  signal?: AbortSignal
}): Promise<Supervised> {
  await assertPortFree(options.smtpPort, 'MAIL_CATCHER_SMTP_PORT')
  await assertPortFree(options.uiPort, 'MAIL_CATCHER_UI_PORT')
  await mkdir(options.mailDir, { recursive: true })
  const args = ['--smtp', String(options.smtpPort), '--ip', '127.0.0.1', '--web', String(options.uiPort), '--web-ip', '127.0.0.1']
  return await startSupervised(
    {
      name: 'Mail catcher',
      command: process.execPath,
      args: [MAILDEV, ...args, '--mail-directory', options.mailDir, '--silent'],
      cwd: options.mailDir,
      quiet: true,
      stopGraceMs: 5_000,
      ready: (_child, signal) =>
        waitFor(
          async () => (await portInUse(options.smtpPort)) && (await fetch(`http://127.0.0.1:${options.uiPort}/api/healthz`)).ok,
          'The mail catcher',
          30_000,
          signal,
        ),
    },
    options.signal,
  )
}
