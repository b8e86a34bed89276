import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { streamHubOf } from '../packages/server/src/modules/stream/stream.hub.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

/**
 * Linkage on creation, seen from the field: the village handler has the plaza open; someone in
 * the county duty room files an urgent report in the village; the bell count and a toast appear
 * without a reload, and the notification leads to the event.
 */
describe.each(TEST_DIALECTS)('live notifications in the browser on %s', (dialect) => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer(dialect);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  const bellCount = () => page.getByTestId('bell-count').getAttribute('data-count');

  it('shows the bell count and a toast live when another user files an urgent event in the handler’s village', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await signIn(page, server.baseUrl, 'handlerVA1', FIXTURE_PASSWORD);
    await page.getByTestId('bell').waitFor();
    await expect.poll(bellCount).toBe('0');
    // The stream is open once the server has registered it: the report below must not race it.
    await expect.poll(() => streamHubOf(server.test.deps).countOf(server.test.fixture.users.handlerVA1.id)).toBe(1);

    const res = await server.test.as('duty')('POST', '/api/v1/events', {
      category: '0501',
      title: '水源地有人游泳',
      source: 'hotline',
      location: { lng: 122.05, lat: 30.05 },
    });
    expect(res.statusCode).toBe(201);
    const event = res.json();

    const toast = page.getByTestId('notification-toast');
    await toast.waitFor();
    expect(await toast.textContent()).toContain(event.code);
    await expect.poll(bellCount).toBe('1');
    expect(page.url()).toMatch(/\/plaza/);

    await page.getByTestId('bell').click();
    const item = page.getByTestId('notification-item').first();
    expect(await item.getAttribute('data-read')).toBe('0');
    await item.click();
    await page.waitForURL(new RegExp(`/events/${event.id}`));
    await expect.poll(bellCount).toBe('0');
  });

  it('works on a phone: the bell is in the header and the drawer fills the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    page = phone;
    await signIn(phone, server.baseUrl, 'waterHandler', FIXTURE_PASSWORD);
    await expect.poll(bellCount).toBe('1');
    await phone.getByTestId('bell').click();
    await phone.getByTestId('notification-item').first().waitFor();
    const drawer = await phone.locator('.ant-drawer-content-wrapper').boundingBox();
    expect(Math.round(drawer?.width ?? 0)).toBe(390);
    await phone.getByTestId('mark-all-read').click();
    await expect.poll(bellCount).toBe('0');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
