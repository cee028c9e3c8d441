/**
 * The API docs page (Swagger UI) under its Content-Security-Policy: it renders the operations
 * from /openapi.json, with no script error and no policy violation.
 */
import { launchBrowser, newPage, type Browser } from '../support/browser';
import { startService, type TestService } from '../support/service';

let service: TestService;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  service = await startService();
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

test('/docs renders every documented operation under its strict policy, with no script error or violation', async () => {
  const { context, page, problems } = await newPage(browser);
  try {
    const answer = await page.goto(`${service.url}/docs`);
    expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.locator('.opblock').first().waitFor();
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce<number>((n, ops) => n + Object.keys(ops).filter((k) => k !== 'parameters').length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    // Opening one operation runs more of the page's code (its schemas and examples).
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
