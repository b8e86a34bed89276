import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { streamHubOf } from '../packages/server/src/modules/stream/stream.hub.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

/**
 * Scenario 6 in the browser, through the task inbox: a grid worker reports; the county duty
 * officer finds the acceptance in 我的待办 and accepts it on the event page; the county
 * dispatcher dispatches; the village handler sees it with a green light and completes it with a
 * note; the grid worker verifies on site; the event is closed. The fixture county has no county
 * dispatcher, so the administrator adds one first (as a county would).
 */
describe.each(TEST_DIALECTS)('the task inbox and event actions on %s', (dialect) => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer(dialect);
    // The browser counts "time left" from its own clock: let the server's agree.
    server.test.clock.set(new Date());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
  });

  async function openAs(username: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await signIn(page, server.baseUrl, username, FIXTURE_PASSWORD);
    return page;
  }

  /** Opens the inbox tab, finds the event's row and goes to the event page from it. */
  async function fromInbox(page: Page, tab: string, eventTitle: string): Promise<void> {
    await page.goto(`${server.baseUrl}/tasks`);
    await page.getByTestId(`tab-${tab}`).click();
    const row = page.getByTestId('task-row').filter({ hasText: eventTitle });
    await row.waitFor();
    await row.getByTestId('task-event-link').click();
    await page.waitForURL(/\/events\//);
  }

  /** Completes the event page's current step (the one at `node`) with an outcome and a note. */
  async function complete(page: Page, node: string, outcome: string | null, note?: string): Promise<void> {
    const task = page.locator(`[data-testid="current-task"][data-node="${node}"]`);
    await task.getByTestId('task-complete').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    if (outcome) await dialog.getByRole('radio', { name: outcome, exact: true }).check();
    if (note) await dialog.getByTestId('task-note').fill(note);
    await dialog.getByTestId('task-dialog-ok').click();
    // A refusal shows in the dialog: fail with the server's words rather than a timeout.
    const error = page.getByTestId('task-error');
    await Promise.race([
      task.waitFor({ state: 'detached' }),
      error.waitFor().then(
        async () => expect.fail(`completing ${node}: ${await error.textContent()}`),
        () => new Promise<never>(() => {}), // the page moved on or closed: the other branch decides
      ),
    ]);
  }

  const header = (page: Page) => page.locator('.ant-card-head-title').first();
  const statusOf = (page: Page) => header(page).locator('[data-status]').first().getAttribute('data-status');

  it('accepts, dispatches, handles and verifies an event from the inbox until it shows 已结案', async () => {
    const title = `井盖破损 ${dialect}`;
    const reported = await server.test.as('gwA1a')('POST', '/api/v1/events', {
      category: '0101',
      title,
      description: '人行道井盖断裂',
      source: 'patrol',
      location: server.test.fixture.points.gA1a,
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const eventId = reported.json().id as string;
    const dispatcher = await server.test.as('admin')('POST', '/api/v1/users', {
      username: `dispatcherC-${dialect}`,
      displayName: '县调度员',
      password: FIXTURE_PASSWORD,
      memberships: [{ orgUnitId: server.test.fixture.units.county, role: 'dispatcher' }],
    });
    expect(dispatcher.statusCode, dispatcher.body).toBe(201);

    // The duty officer: the acceptance waits in 我的待办 and in 本单位, counted on the menu.
    const duty = await openAs('duty');
    await expect.poll(() => duty.getByTestId('task-badge').getAttribute('data-count')).toBe('1');
    await duty.goto(`${server.baseUrl}/tasks?tab=unit`);
    await duty.getByTestId('task-row').filter({ hasText: title }).waitFor();
    await fromInbox(duty, 'mine', title);
    expect(duty.url()).toContain(eventId);
    await complete(duty, 'accept', '立案', '属实，予以立案');
    await expect.poll(() => statusOf(duty)).toBe('accepted');
    await expect.poll(() => duty.getByTestId('task-badge').getAttribute('data-count')).toBe('0');
    await duty.context().close();

    // The village handler has the inbox open, still empty: the dispatch will show up live.
    const handler = await openAs('handlerVA1');
    await handler.goto(`${server.baseUrl}/tasks`);
    await handler.getByTestId('task-count').waitFor();
    expect(await handler.getByTestId('task-row').count()).toBe(0);
    await expect.poll(() => streamHubOf(server.test.deps).countOf(server.test.fixture.users.handlerVA1!.id)).toBeGreaterThan(0);

    // The county dispatcher dispatches (one outcome: nothing to choose).
    const disp = await openAs(`dispatcherC-${dialect}`);
    await fromInbox(disp, 'mine', title);
    await complete(disp, 'dispatch', null);
    await expect.poll(() => statusOf(disp)).toBe('dispatched');
    await disp.context().close();

    // The handler: the task arrived without a reload (the list refreshes by itself only every minute), with a green light.
    const row = handler.getByTestId('task-row').filter({ hasText: title });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => handler.getByTestId('task-badge').getAttribute('data-count')).toBe('1');
    expect(await row.getAttribute('data-sla')).toBe('on_time');
    expect(await row.getByTestId('sla-light').textContent()).toContain('正常');
    await row.getByTestId('task-event-link').click();
    await handler.waitForURL(/\/events\//);
    const handle = handler.locator('[data-testid="current-task"][data-node="handle"]');
    await handle.getByTestId('task-claim').click();
    await expect.poll(() => handle.getAttribute('data-status')).toBe('claimed');
    // What the step allows: return, transfer, ask for more time, ask to shelve.
    for (const id of ['task-return', 'task-transfer', 'task-extend', 'task-shelve']) expect(await handle.getByTestId(id).isVisible()).toBe(true);
    await complete(handler, 'handle', null, '已更换新井盖');
    await expect.poll(() => statusOf(handler)).toBe('awaiting_verification');
    const timeline = handler.getByTestId('timeline');
    expect(await timeline.textContent()).toContain('创建待办「处置」→ 南浦村（处置人员）');
    expect(await timeline.textContent()).toContain('办结「处置」：已处置');
    expect(await timeline.textContent()).toContain('已更换新井盖');
    // Never a phone number on the timeline (the fixture's all start 13800).
    expect(await timeline.textContent()).not.toMatch(/1380000\d{4}/);
    await handler.context().close();

    // The grid worker verifies on site; the event closes.
    const gw = await openAs('gwA1a');
    await fromInbox(gw, 'mine', title);
    await complete(gw, 'verify', '核查通过');
    await expect.poll(() => statusOf(gw)).toBe('closed');
    expect(await header(gw).textContent()).toContain('已结案');
    expect(await gw.getByTestId('current-tasks').textContent()).toContain('流程已结束');
    await gw.goto(`${server.baseUrl}/tasks?tab=done`);
    await gw.getByTestId('task-row').filter({ hasText: title }).waitFor();
    await gw.context().close();
  });

  it('asks for an extension on a phone and the township dispatcher grants it; a stale action shows the server’s refusal', async () => {
    const title = `垃圾堆放 ${dialect}`;
    const id = (
      await server.test.as('gwA1a')('POST', '/api/v1/events', { category: '0101', title, source: 'patrol', location: server.test.fixture.points.gA1a })
    ).json().id as string;
    const tasksOf = async (user: string) =>
      (await server.test.as(user)('GET', `/api/v1/tasks?assignee=unit&eventId=${id}`)).json().items as Array<{ id: string; nodeId: string }>;
    // The process starts with the linkage, just after the report's commit.
    await expect.poll(async () => (await tasksOf('duty')).length, { timeout: 10_000 }).toBe(1);
    const [accept] = await tasksOf('duty');
    await server.test.as('duty')('POST', `/api/v1/tasks/${accept!.id}/complete`, { outcome: 'accept' });
    const [dispatch] = await tasksOf('duty');
    await server.test.as('duty')('POST', `/api/v1/tasks/${dispatch!.id}/complete`, {});

    const phone = await openAs('handlerVA1', { width: 390, height: 844 });
    await fromInbox(phone, 'mine', title);
    const handle = phone.locator('[data-testid="current-task"][data-node="handle"]');
    await handle.getByTestId('task-extend').click();
    const dialog = phone.getByRole('dialog');
    await dialog.getByTestId('task-extra').fill('2');
    await dialog.getByTestId('task-dialog-ok').click();
    await handle.getByTestId('pending-request').waitFor();
    expect(await handle.getByTestId('pending-request').textContent()).toContain('申请延期 2 小时');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The handler has the page open while the task is completed elsewhere: submitting is refused with the reason, the note kept.
    const [handleTask] = await tasksOf('handlerVA1');
    const granted = await openAs('dispatcherA');
    await granted.goto(`${server.baseUrl}/events/${id}`);
    const pending = granted.locator('[data-testid="current-task"][data-node="handle"]');
    await pending.getByTestId('task-approve').click();
    await granted.getByRole('dialog').getByTestId('task-dialog-ok').click();
    await pending.getByTestId('pending-request').waitFor({ state: 'detached' });
    expect(await granted.getByTestId('timeline').textContent()).toContain('「处置」延期 2 小时');

    await handle.getByTestId('task-complete').click();
    await phone.getByRole('dialog').getByTestId('task-note').fill('已清运');
    await server.test.as('handlerVA1')('POST', `/api/v1/tasks/${handleTask!.id}/complete`, {});
    await phone.getByRole('dialog').getByTestId('task-dialog-ok').click();
    await phone.getByTestId('task-error').waitFor();
    expect(await phone.getByTestId('task-error').textContent()).toContain('已办结');
    expect(await phone.getByRole('dialog').getByTestId('task-note').inputValue()).toBe('已清运');
    await phone.context().close();
    await granted.context().close();
  });
});
