import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

/**
 * Issue 11, point 10: what a tester saw in the browser. The Rate button only for the reporter of
 * a closed event; no 404 on the reporter's event page; a step dialog sent without an outcome says
 * so instead of throwing; 督办 goes once the event is closed; Ant Design's own texts in Chinese;
 * each step's button says what the step does; English plurals and unit names; the login card in
 * the middle of a full-height page on a phone.
 */
describe.each(TEST_DIALECTS)('web defects of issue 11 on %s', (dialect) => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer(dialect);
    server.test.clock.set(new Date());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  interface Watched {
    page: Page;
    /** Answers of 400 and above from the API, as "404 /api/v1/tasks/…". */
    failures: string[];
    /** Uncaught errors in the page. */
    errors: string[];
  }

  async function openAs(username: string, opts: { lang?: 'zh' | 'en'; viewport?: { width: number; height: number } } = {}): Promise<Watched> {
    const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const failures: string[] = [];
    const errors: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().includes('/api/')) failures.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, server.baseUrl, username, FIXTURE_PASSWORD);
    if (opts.lang === 'en') {
      await page.evaluate(() => localStorage.setItem('liandong.lang', 'en'));
      await page.reload();
    }
    return { page, failures, errors };
  }

  const tasksOf = async (user: string, eventId: string) =>
    (await server.test.as(user)('GET', `/api/v1/tasks?assignee=unit&eventId=${eventId}`)).json().items as Array<{ id: string; nodeId: string }>;

  // Reports some 550 m apart in the reporter's grid: the category merges reports within 200 m.
  let reports = 0;
  async function report(title: string): Promise<string> {
    const at = server.test.fixture.points.gA1a!;
    const location = { lng: at.lng - 0.04 + 0.006 * (reports % 12), lat: at.lat - 0.03 + 0.006 * Math.floor(reports / 12) };
    reports++;
    const res = await server.test.as('gwA1a')('POST', '/api/v1/events', { category: '0101', title, source: 'patrol', location });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    await expect.poll(async () => (await tasksOf('duty', id)).length, { timeout: 10_000 }).toBe(1);
    return id;
  }

  /** Completes the event's one open task of `node` through the API, as `user`. */
  async function completeByApi(user: string, eventId: string, node: string, outcome?: string): Promise<void> {
    const task = (await tasksOf(user, eventId)).find((x) => x.nodeId === node);
    expect(task, `${node} for ${user}`).toBeDefined();
    const res = await server.test.as(user)('POST', `/api/v1/tasks/${task!.id}/complete`, outcome ? { outcome } : {});
    expect(res.statusCode, res.body).toBe(200);
  }

  it('labels each step’s button with its action, and a dialog sent without an outcome shows a message, not a page error', async () => {
    const id = await report(`井盖松动 ${dialect}`);
    const duty = await openAs('duty');
    await duty.page.goto(`${server.baseUrl}/events/${id}`);
    const accept = duty.page.locator('[data-testid="current-task"][data-node="accept"]');
    await accept.getByTestId('task-complete').waitFor();
    expect((await accept.getByTestId('task-complete').textContent())?.replace(/\s/g, '')).toBe('立案');

    await accept.getByTestId('task-complete').click();
    const dialog = duty.page.getByRole('dialog');
    await dialog.getByTestId('task-dialog-ok').click();
    await dialog.getByText('请选择办理结果').waitFor();
    expect(duty.errors).toEqual([]);
    expect(await accept.getAttribute('data-status')).toBe('open');

    await dialog.getByRole('radio', { name: '立案', exact: true }).check();
    await dialog.getByTestId('task-dialog-ok').click();
    const dispatch = duty.page.locator('[data-testid="current-task"][data-node="dispatch"]');
    await dispatch.getByTestId('task-complete').waitFor();
    expect((await dispatch.getByTestId('task-complete').textContent())?.replace(/\s/g, '')).toBe('派遣');
    expect(duty.errors).toEqual([]);
    await duty.page.context().close();

    // The handler's step, in Chinese and in English.
    await completeByApi('duty', id, 'dispatch');
    const handler = await openAs('handlerVA1');
    await handler.page.goto(`${server.baseUrl}/events/${id}`);
    const handle = handler.page.locator('[data-testid="current-task"][data-node="handle"]');
    await handle.getByTestId('task-complete').waitFor();
    expect((await handle.getByTestId('task-complete').textContent())?.replace(/\s/g, '')).toBe('处置');
    await handler.page.context().close();
    const handlerEn = await openAs('handlerVA1', { lang: 'en' });
    await handlerEn.page.goto(`${server.baseUrl}/events/${id}`);
    const handleEn = handlerEn.page.locator('[data-testid="current-task"][data-node="handle"]');
    await handleEn.getByTestId('task-complete').waitFor();
    expect((await handleEn.getByTestId('task-complete').textContent())?.trim()).toBe('Handle');
    await handlerEn.page.context().close();
  });

  it('the reporter’s event page asks for no task it may not open; Rate only for the reporter once closed; 督办 goes with the closing', async () => {
    const title = `路灯不亮 ${dialect}`;
    const id = await report(title);
    const supervised = await server.test.as('leader')('POST', `/api/v1/events/${id}/supervise`, {});
    expect(supervised.statusCode, supervised.body).toBe(200);

    // The reporter (a grid worker) opens the event while the county duty room has its first step.
    const reporter = await openAs('gwA1a');
    await reporter.page.goto(`${server.baseUrl}/events/${id}`);
    await reporter.page.locator('[data-testid="current-task"][data-readonly="1"]').waitFor();
    await reporter.page.getByTestId('timeline-entry').first().waitFor();
    await reporter.page.getByTestId('supervised-tag').waitFor();
    expect(reporter.failures).toEqual([]);
    expect(await reporter.page.getByTestId('rate-button').count()).toBe(0);

    await completeByApi('duty', id, 'accept', 'accept');
    await completeByApi('duty', id, 'dispatch');
    await completeByApi('handlerVA1', id, 'handle');
    await completeByApi('gwA1a', id, 'verify', 'pass');
    expect((await server.test.as('admin')('GET', `/api/v1/events/${id}`)).json()).toMatchObject({ status: 'closed', supervised: true });

    await reporter.page.reload();
    await reporter.page.getByTestId('rate-button').waitFor();
    expect(await reporter.page.getByTestId('supervised-tag').count()).toBe(0);
    expect(reporter.failures).toEqual([]);
    expect(reporter.errors).toEqual([]);

    // Others who see the event (the village handler, the administrator) get no Rate button.
    for (const user of ['handlerVA1', 'admin']) {
      const other = await openAs(user);
      await other.page.goto(`${server.baseUrl}/events/${id}`);
      await other.page.getByTestId('timeline-entry').first().waitFor();
      await other.page.getByTestId('current-tasks').waitFor();
      expect(await other.page.getByTestId('rate-button').count(), user).toBe(0);
      expect(await other.page.getByTestId('supervised-tag').count(), user).toBe(0);
      await other.page.context().close();
    }

    // The reporter rates; the button goes.
    await reporter.page.getByTestId('rate-button').click();
    await reporter.page.getByRole('dialog').locator('.ant-rate-star').nth(4).click();
    await reporter.page
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await reporter.page.getByTestId('rate-button').waitFor({ state: 'detached' });
    expect(reporter.failures).toEqual([]);
    await reporter.page.context().close();
  });

  it('shows Ant Design’s own texts in the UI’s language (暂无数据, not "No data")', async () => {
    const zh = await openAs('admin');
    await zh.page.goto(`${server.baseUrl}/admin?tab=apiKeys`);
    await zh.page.locator('.ant-empty-description').first().waitFor();
    const zhText = await zh.page.locator('body').innerText();
    expect(zhText).toContain('暂无数据');
    expect(zhText).not.toMatch(/No data|Preview/);
    await zh.page.context().close();

    const en = await openAs('admin', { lang: 'en' });
    await en.page.goto(`${server.baseUrl}/admin?tab=apiKeys`);
    await en.page.locator('.ant-empty-description').first().waitFor();
    expect(await en.page.locator('.ant-empty-description').first().textContent()).toBe('No data');
    await en.page.context().close();
  });

  it('in English: "1 person notified", unit names in English, status tags inside their column', async () => {
    const id = await report(`Broken bench ${dialect}`);
    const en = await openAs('gwA1a', { lang: 'en' });
    await en.page.goto(`${server.baseUrl}/events/${id}`);
    const notified = en.page.locator('[data-testid="timeline-entry"][data-kind="notified"]');
    await notified.waitFor();
    // The fixture's village has one handler on duty.
    await expect.poll(() => notified.textContent()).toContain('1 person notified');
    expect(await en.page.getByTestId('timeline').textContent()).not.toMatch(/\b1 people\b/);
    await expect.poll(() => en.page.getByTestId('timeline').textContent()).toContain('Nanpu Village');
    expect(await en.page.getByTestId('timeline').textContent()).not.toContain('南浦村');
    // The user menu names the user's units in English too.
    await en.page.locator('.ld-header .ant-avatar').first().click();
    await expect.poll(() => en.page.locator('.ant-dropdown').textContent()).toContain('Nanpu Grid 1');

    // The plaza: a long status ("Awaiting verification") stays inside its cell.
    await completeByApi('duty', id, 'accept', 'accept');
    await completeByApi('duty', id, 'dispatch');
    await completeByApi('handlerVA1', id, 'handle');
    await en.page.goto(`${server.baseUrl}/plaza`);
    const tag = en.page.locator('[data-status="awaiting_verification"]').first();
    await tag.waitFor();
    const cell = tag.locator('xpath=ancestor::td[1]');
    const [t, c] = [await tag.boundingBox(), await cell.boundingBox()];
    expect(t!.x + t!.width).toBeLessThanOrEqual(c!.x + c!.width);
    expect(en.errors).toEqual([]);
    await en.page.context().close();
  });

  it('centres the login card on a full-height page on a phone', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.baseUrl}/login`);
    const card = await page.locator('.ld-login-card').boundingBox();
    const bg = await page.locator('.ld-login').boundingBox();
    expect(bg!.height).toBeGreaterThanOrEqual(844);
    expect(Math.abs(card!.y + card!.height / 2 - 844 / 2)).toBeLessThan(24);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await ctx.close();
  });
});
