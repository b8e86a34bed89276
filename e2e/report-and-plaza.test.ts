import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, pixelOf, signIn, startServer, type RunningServer } from './harness.ts';

// The fixture county: 122.0–122.4°E × 30.0–30.2°N; grid gA1a (南浦村第一网格) is the south-west eighth.
const COUNTY_BBOX: [number, number, number, number] = [122.0, 30.0, 122.4, 30.2];

describe.each(TEST_DIALECTS)('web app on %s: a grid worker reports from the map and follows the event', (dialect) => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let eventUrl = '';

  beforeAll(async () => {
    server = await startServer(dialect);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  it('refuses a wrong password with a Chinese message', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('用户名').fill('gwA1a');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
  });

  it('files an event by clicking the map and lands on its detail with the timeline', async () => {
    await signIn(page, server.baseUrl, 'gwA1a', FIXTURE_PASSWORD);
    await page.getByRole('menuitem', { name: '上报事件' }).click();
    await page.waitForURL(/\/report/);

    await page.getByTestId('category-cascader').click();
    await page.getByRole('menuitemcheckbox', { name: '市容环境' }).click();
    await page.getByRole('menuitemcheckbox', { name: /暴露垃圾/ }).click();
    await page.getByTestId('title-input').fill('南浦村路口垃圾堆放');
    await page.getByLabel('详细描述').fill('路口东侧有一堆生活垃圾');

    // Boundaries must have loaded before the map can convert a click into a position.
    await page.getByTestId('report-map').locator('canvas').first().waitFor();
    await expect.poll(async () => (await page.getByTestId('report-map').textContent()) ?? '').not.toContain('正在加载');
    const target = await pixelOf(page, 'report-map', COUNTY_BBOX, { lng: 122.05, lat: 30.05 });
    await page.mouse.click(target.x, target.y);
    await expect.poll(() => page.getByTestId('located-grid').textContent()).toContain('南浦村第一网格');

    await page.getByTestId('submit-report').click();
    await page.waitForURL(/\/events\/[^/]+$/);
    eventUrl = page.url();
    await expect.poll(() => page.getByTestId('event-title').textContent()).toBe('南浦村路口垃圾堆放');
    await expect.poll(() => page.getByTestId('org-chain').textContent()).toContain('南浦村第一网格');
    await expect.poll(() => page.getByTestId('timeline-entry').first().textContent()).toContain('上报事件');
    expect(await page.getByTestId('timeline').textContent()).toContain('南浦网格员');
  });

  it('shows the event in the plaza and opens it again from the table', async () => {
    await page.getByRole('menuitem', { name: '事件广场' }).click();
    await page.waitForURL(/\/plaza/);
    const link = page.getByTestId('event-link').filter({ hasText: '南浦村路口垃圾堆放' });
    await link.waitFor();
    const row = page.locator('tr', { has: link });
    expect(await row.textContent()).toContain('暴露垃圾');
    await link.click();
    await page.waitForURL(/\/events\//);
    await expect.poll(() => page.getByTestId('timeline-entry').count()).toBeGreaterThanOrEqual(1);
  });

  it('adds a comment and urges from the detail page; both appear on the timeline', async () => {
    await page.getByTestId('comment-input').fill('垃圾已堆放两天，气味较大');
    await page.getByRole('button', { name: /留\s*言/ }).click();
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('垃圾已堆放两天，气味较大');
    await page.getByRole('button', { name: /催\s*办/ }).click();
    await page.getByRole('dialog').getByPlaceholder('说明（可选）').fill('请尽快处理');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await expect.poll(() => page.locator('[data-testid=timeline-entry][data-kind=urged]').textContent()).toContain('请尽快处理');
  });

  it('lets the duty officer, not the grid worker, take the event under supervision', async () => {
    expect(await page.getByRole('button', { name: /督\s*办/ }).count()).toBe(0);
    const duty = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await signIn(duty, server.baseUrl, 'duty', FIXTURE_PASSWORD);
    await duty.goto(eventUrl);
    await duty.getByRole('button', { name: /督\s*办/ }).click();
    await duty.getByRole('dialog').getByPlaceholder('说明（可选）').fill('列入县级督办');
    await duty
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await expect.poll(() => duty.locator('[data-testid=timeline-entry][data-kind=supervised]').textContent()).toContain('列入县级督办');
    expect(await duty.getByRole('button', { name: /督\s*办/ }).count()).toBe(0);
    await duty.close();
  });

  it('refuses a point outside the county in Chinese', async () => {
    await page.goto(`${server.baseUrl}/report`);
    await page.getByTestId('report-map').locator('canvas').first().waitFor();
    await expect.poll(async () => (await page.getByTestId('report-map').textContent()) ?? '').not.toContain('正在加载');
    // North of the county, still on the canvas (the map is wider than tall).
    const outside = await pixelOf(page, 'report-map', COUNTY_BBOX, { lng: 122.2, lat: 30.23 });
    await page.mouse.click(outside.x, outside.y);
    await expect.poll(() => page.getByTestId('locate-error').textContent()).toContain('不在本县辖区内');
  });

  it('sends the user back to the login page when the session ends', async () => {
    const token = await page.evaluate(() => localStorage.getItem('liandong.token'));
    await server.test.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${token}` } });
    await page.getByRole('menuitem', { name: '事件广场' }).click();
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.locator('.ant-alert').first().textContent()).toContain('登录已失效');
  });
});
