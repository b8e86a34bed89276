import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { eventBody } from '../packages/server/src/modules/events/events.test-helpers.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

// The first screens' Ant Design styles come from a CSS file made at build time (vite.config.ts,
// scripts/first-screen-css.mjs); what is not in it is still written at run time. The plaza's tree
// pickers load when its filters are shown.
describe.each(TEST_DIALECTS)('web app on %s: the first screen', (dialect) => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer(dialect);
    browser = await launchBrowser();
    for (const [point, title] of [
      ['gA1a', '东港镇南浦村的井盖'],
      ['gB1a', '西岙镇石桥村的井盖'],
    ] as const) {
      const res = await server.test.as('duty')('POST', '/api/v1/events', eventBody(server.test, { title, location: { ...server.test.fixture.points[point] } }));
      expect(res.statusCode).toBe(201);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  it('on a phone, styles the shell and the list from the build’s CSS file, writing none of their styles at run time', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await signIn(page, server.baseUrl, 'duty', FIXTURE_PASSWORD);
      await page.getByTestId('event-link').first().waitFor();
      const sheet = await page.evaluate(() => {
        const link = document.querySelector<HTMLLinkElement>('link[rel=stylesheet][href*="/assets/antd-"]');
        return link?.sheet ? link.sheet.cssRules.length : 0;
      });
      expect(sheet).toBeGreaterThan(1000);
      // Styles Ant Design wrote at run time, by the components they are for.
      const written = await page.evaluate(() =>
        [...document.querySelectorAll('style')]
          .map((s) => s.textContent ?? '')
          .filter((css) => /\.ant-(table|btn|layout|card|tag|input|segmented)\b/.test(css)),
      );
      expect(written).toEqual([]);
      // Styled as designed: the search button in the theme's blue, the table's rows with their borders.
      const search = page.getByRole('button', { name: /查\s*询/ });
      expect(await search.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(22, 119, 255)');
      const cell = page.locator('[data-testid=events-table] td').first();
      expect(await cell.evaluate((td) => getComputedStyle(td).borderBottomStyle)).toBe('solid');
    } finally {
      await context.close();
    }
  });

  it('on a desktop, the filters’ pickers load, are styled at run time and filter the plaza', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    try {
      await signIn(page, server.baseUrl, 'duty', FIXTURE_PASSWORD);
      await expect.poll(() => page.getByTestId('event-link').allTextContents()).toEqual(expect.arrayContaining(['东港镇南浦村的井盖', '西岙镇石桥村的井盖']));
      const picker = page.locator('.ant-select').filter({ hasText: '所属区域' });
      await expect.poll(() => picker.evaluate((el) => el.classList.contains('ant-tree-select') || !!el.closest('.ant-tree-select'))).toBe(true);
      // The select's style (not in the CSS file) was written when it appeared: a bordered box.
      expect(await picker.locator('.ant-select-selector').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
      await picker.click();
      await page.keyboard.type('西岙镇');
      await page
        .locator('.ant-select-tree-node-content-wrapper')
        .filter({ hasText: /^西岙镇$/ })
        .click();
      await page.getByRole('button', { name: /查\s*询/ }).click();
      await page.waitForURL(/orgUnitId=/);
      await expect.poll(() => page.getByTestId('event-link').allTextContents()).toEqual(['西岙镇石桥村的井盖']);
    } finally {
      await page.close();
    }
  });
});
