import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { CHROMIUM_PATH } from '../../scripts/lib/chromium.ts'

/**
 * Debian's headless Chromium. The background-networking flags matter: this
 * machine's closed network refuses Chromium's own connections.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-chromium-'))
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
    ],
  })
  return {
    browser,
    async close() {
      await browser.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}
