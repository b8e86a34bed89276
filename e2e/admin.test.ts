import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

// antd puts a space between the two characters of a two-character Chinese button label.
const label = (text: string) => new RegExp(text.split('').join('\\s*'));

describe.each(TEST_DIALECTS)('administration in the web app on %s', (dialect) => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer(dialect);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await signIn(page, server.baseUrl, 'admin', FIXTURE_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  it('creates an API key, shows it once, and revokes it', async () => {
    await page.getByRole('menuitem', { name: '系统管理' }).click();
    await page.getByRole('tab', { name: 'API 密钥' }).click();
    await page.getByRole('button', { name: '新建密钥' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('东港镇AI盒子');
    await dialog.getByLabel('权限范围').click();
    await page.getByTitle('alarms:write').click();
    await dialog.locator('.ant-modal-title').click(); // closes the open multi-select list
    await dialog.getByRole('button', { name: label('新建') }).click();

    const key = (await page.getByTestId('new-api-key').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(20);
    // The key carries only the scopes chosen: reading events is refused.
    const res = await server.test.app.inject({ method: 'GET', url: '/api/v1/events', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(403);
    await page.getByRole('button', { name: label('关闭') }).click();
    // Shown once: gone from the page when the dialog closes (after its closing animation, which
    // took over 5 s once in a full, loaded test run).
    await expect.poll(() => page.getByTestId('new-api-key').count(), { timeout: 20_000 }).toBe(0);

    const row = page.locator('tr', { hasText: '东港镇AI盒子' });
    await row.getByRole('button', { name: label('吊销') }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: label('吊销') })
      .click();
    await expect.poll(() => row.textContent()).toContain('已吊销');
    const after = await server.test.app.inject({ method: 'GET', url: '/api/v1/categories', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
  });

  it('changes a category’s time limit from the catalogue editor', async () => {
    await page.getByRole('tab', { name: '事件类别' }).click();
    await page
      .locator('tr', { hasText: '暴露垃圾' })
      .getByRole('button', { name: label('编辑') })
      .click();
    const drawer = page.locator('.ant-drawer-content');
    await drawer.getByLabel('处置时限（分钟）').fill('120');
    await drawer.getByRole('button', { name: label('保存') }).click();
    await expect.poll(() => page.locator('tr', { hasText: '暴露垃圾' }).textContent()).toContain('120 分钟');
    const stored = await server.test.as('admin')('GET', '/api/v1/categories/0101');
    expect(stored.json().timeLimitMinutes).toBe(120);
  });

  it('creates a user with a post and shows it in the list', async () => {
    await page.getByRole('tab', { name: '用户与岗位' }).click();
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户名').fill('gwA1b');
    await dialog.getByLabel('姓名').fill('南浦第二网格员');
    await dialog.getByLabel('初始密码').fill('long-enough-1');
    await dialog.getByLabel('所属单位').click();
    await page.locator('.ant-select-tree').getByTitle('测试县').click();
    await dialog.getByLabel('角色').click();
    await page.locator('.ant-select-item-option', { hasText: '网格员' }).click();
    await dialog.locator('.ant-modal-title').click();
    await dialog.getByRole('button', { name: label('新建') }).click();
    const row = page.locator('tr', { hasText: 'gwA1b' });
    await expect.poll(() => row.textContent()).toContain('测试县 · 网格员');
  });

  it('lists users and their posts on a phone without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
    try {
      await signIn(phone, server.baseUrl, 'admin', FIXTURE_PASSWORD);
      await phone.goto(`${server.baseUrl}/admin`);
      await phone.getByRole('tab', { name: '用户与岗位' }).click();
      // One row per person: name, account and posts together.
      const row = phone.locator('tr', { hasText: 'gwA1b' });
      await expect.poll(() => row.textContent()).toContain('南浦第二网格员');
      expect(await row.textContent()).toContain('测试县 · 网格员');
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      const table = await phone.locator('.ant-table-content').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(table).toBe(0);
    } finally {
      await phone.close();
    }
  });
});
