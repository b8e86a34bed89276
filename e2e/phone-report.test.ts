import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, pixelOf, signIn, startServer, type RunningServer } from './harness.ts';

const COUNTY_BBOX: [number, number, number, number] = [122.0, 30.0, 122.4, 30.2];
// A 1×1 PNG: the server decides file types by their first bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe.each(TEST_DIALECTS)('web app on a phone (390×844) on %s', (dialect) => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer(dialect);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', hasTouch: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  it('reaches the report form through the collapsed menu and files an event with a photo', async () => {
    await signIn(page, server.baseUrl, 'gwB1a', FIXTURE_PASSWORD);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: '菜单' }).click();
    await page.getByRole('menuitem', { name: '上报事件' }).click();
    await page.waitForURL(/\/report/);

    await page.getByTestId('category-cascader').click();
    await page.getByRole('menuitemcheckbox', { name: '公用设施' }).click();
    await page.getByRole('menuitemcheckbox', { name: /井盖破损/ }).click();
    await page.getByTestId('title-input').fill('石桥村井盖破损');
    await page.locator('input[type=file]').setInputFiles({ name: 'manhole.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.locator('.ant-upload-list-item-done').count()).toBe(1);

    const map = page.getByTestId('report-map');
    await map.scrollIntoViewIfNeeded();
    await expect.poll(async () => (await map.textContent()) ?? '').not.toContain('正在加载');
    const target = await pixelOf(page, 'report-map', COUNTY_BBOX, { lng: 122.25, lat: 30.05 });
    await page.mouse.click(target.x, target.y);
    await expect.poll(() => page.getByTestId('located-grid').textContent()).toContain('石桥村第一网格');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    await page.getByTestId('submit-report').click();
    await page.waitForURL(/\/events\/[^/]+$/);
    await expect.poll(() => page.getByTestId('event-title').textContent()).toBe('石桥村井盖破损');
    // The photo is fetched with the token and shown from a blob URL.
    await expect.poll(() => page.locator('img.ld-thumb').getAttribute('src')).toMatch(/^blob:/);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });
});
