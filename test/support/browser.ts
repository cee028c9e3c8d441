/**
 * Headless Chromium for the browser tests (test/browser/), driven by playwright-core on the
 * system's Chromium (no browser download: the machine reaches only package registries).
 * `CHROMIUM_PATH` names another binary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export type { Browser, BrowserContext, Page };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install chromium (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/**
 * A fresh context (own cookies, storage) with one page, failing the test on any error the page's
 * own scripts throw or any CSP violation it reports, so a broken script cannot pass unnoticed.
 */
export async function newPage(browser: Browser, { locale = 'en-US' }: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, timezoneId: 'Europe/Stockholm', viewport: { width: 900, height: 1000 } });
  context.setDefaultTimeout(30_000);
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  const page = await context.newPage();
  return { context, page, problems };
}

function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(`${page.url()}: ${msg.text()}`);
  });
}

/** Saves the page as test-artifacts/screenshots/<name>.png (whole page) and answers the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
