import { chromium, type Browser } from 'playwright-core'
import { CHROMIUM_PATH } from '../../scripts/lib/chromium.ts'

/**
 * Debian's headless Chromium. The background-networking flags matter: this
 * machine's closed network refuses Chromium's own connections.
 */
export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives every launch a fresh, temporary profile of its own.
  return chromium.launch({
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
    ],
  })
}
