import { chromium, type Browser, type Page } from 'playwright-core'
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

/** A page in a context of its own (its own cookies), on the portal under test. */
export async function newPortalPage(
  browser: Browser,
  baseURL: string,
  options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  })
  return context.newPage()
}

/** Signs in through the sign-in page and waits to leave it. */
export async function signInThroughPage(page: Page, email: string, password: string): Promise<Page> {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return page
}
