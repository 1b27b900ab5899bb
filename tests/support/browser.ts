import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_PATH } from '../../scripts/lib/chromium.ts'
import { TEST_PASSWORD } from './fixtures.ts'

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
export interface PortalPageOptions {
  viewport?: { width: number; height: number }
  javaScriptEnabled?: boolean
}

export async function newPortalPage(browser: Browser, baseURL: string, options: PortalPageOptions = {}): Promise<Page> {
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

/** A new page signed in as `email` (the fixtures' password unless told), in a context of its own. */
export async function signedInPage(
  browser: Browser,
  baseURL: string,
  email: string,
  options: PortalPageOptions & { password?: string } = {},
): Promise<Page> {
  return signInThroughPage(await newPortalPage(browser, baseURL, options), email, options.password ?? TEST_PASSWORD)
}

type ButtonScope = Pick<Page, 'getByRole'>

/** Without JavaScript a button posts its form and the browser follows the redirect to a new page. */
export async function submitAndFollow(page: Page, button: string, scope: ButtonScope = page): Promise<void> {
  await Promise.all([page.waitForNavigation(), scope.getByRole('button', { name: button, exact: true }).click()])
}

/** With JavaScript a form posts in place: waits for its answer and the loaders reloaded after it. */
export async function submitAndSettle(page: Page, button: string, scope: ButtonScope = page): Promise<void> {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST'),
    scope.getByRole('button', { name: button, exact: true }).click(),
  ])
  await page.waitForLoadState('networkidle')
}
