import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

describe.each(TEST_DIALECTS)('process configuration center on %s', (dialect) => {
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

  it('lengthens the parking grace period in the diagram and new starts use the new version', async () => {
    await page.getByRole('menuitem', { name: '流程配置' }).click();
    await page.getByTestId('process-parking').click();
    await page.waitForURL(/\/processes\/parking$/);
    await expect.poll(() => page.getByTestId('active-version').textContent()).toContain('第 1 版');

    // The grace wait, as drawn: a timer edge of 5 minutes and a signal edge.
    await expect.poll(() => page.getByTestId('process-diagram').textContent()).toContain('定时 5 分钟');
    await page.getByTestId('node-grace').click();
    const form = page.getByTestId('node-form');
    await expect.poll(() => form.getAttribute('data-node')).toBe('grace');
    // Who may say the car is gone: part of the process, shown with the signal.
    await expect.poll(() => form.getByTestId('signal-senders').textContent()).toContain('上报人');
    expect(await form.getByTestId('signal-senders').textContent()).toContain('执法队员');
    expect(await form.getByTestId('signal-senders').textContent()).toContain('具有 signals:write 权限的接口密钥');
    await form.getByTestId('wait-timer-minutes').fill('10');
    await expect.poll(() => page.getByTestId('process-diagram').textContent()).toContain('定时 10 分钟');
    await expect.poll(() => page.getByTestId('validation-ok').count()).toBe(1);

    await page.getByTestId('process-save').click();
    await page.getByRole('dialog').getByRole('textbox').fill('宽限期由 5 分钟改为 10 分钟');
    await page.getByTestId('process-save-confirm').click();
    await expect.poll(() => page.getByTestId('active-version').textContent()).toContain('第 2 版');

    await page.getByRole('tab', { name: '版本' }).click();
    await expect.poll(() => page.getByTestId('version-2').getAttribute('data-active')).toBe('true');
    expect(await page.getByTestId('version-1').getAttribute('data-active')).toBe('false');
    expect(await page.getByTestId('version-2').textContent()).toContain('宽限期由 5 分钟改为 10 分钟');

    // What a new parking process would start on.
    const res = await server.test.as('admin')('GET', '/api/v1/processes/parking');
    expect(res.json().activeVersion).toBe(2);
    const grace = res.json().definition.nodes.find((n: { id: string }) => n.id === 'grace');
    expect(grace.timer.duration).toEqual({ minutes: 10, kind: 'natural' });
    // Editing the timer kept who may send the signal.
    expect(grace.signal.senders).toEqual([
      { kind: 'reporter' },
      { kind: 'role', role: 'officer', unit: { department: 'enforcement' } },
      { kind: 'apiKey', scope: 'signals:write' },
    ]);
    const v1 = await server.test.as('admin')('GET', '/api/v1/processes/parking/versions/1');
    expect(v1.json().definition.nodes.find((n: { id: string }) => n.id === 'grace').timer.duration.minutes).toBe(5);

    // And a new parking event does run on version 2: the owner is given 10 minutes.
    await server.test.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J88888')}`, { ownerName: '周杰', ownerPhone: '13912340000' });
    const reminded = await server.test.as('officer')('POST', '/api/v1/vehicles/reminders', { plate: '蒙J88888', location: { lng: 122.05, lat: 30.05 } });
    expect(reminded.statusCode).toBe(201);
    const eventId = reminded.json().id;
    const instance = (await server.test.as('admin')('GET', `/api/v1/events/${eventId}/process`)).json().items[0];
    expect(instance).toMatchObject({ processKey: 'parking', version: 2, tokens: [{ nodeId: 'grace', state: 'waiting' }] });
    const [timer] = instance.timers;
    const start = Date.parse(server.test.clock.now().toISOString());
    expect(Date.parse(timer.dueAt) - start).toBe(10 * 60_000);
    const sms = (await server.test.as('admin')('GET', `/api/v1/sms-messages?eventId=${eventId}`)).json().items;
    expect(sms[0].text).toContain('10分钟内驶离');
  });

  it('shows the problems of a broken process and highlights the node', async () => {
    await page.getByTestId('node-enforce').click();
    await page.getByTestId('node-delete').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /删\s*除/ })
      .click();
    await expect.poll(() => page.getByTestId('validation-problems').count()).toBe(1);
    await page.getByTestId('validation-problems').click();
    await expect.poll(() => page.getByTestId('problem-list').textContent()).toContain('连接到了不存在的节点');
    // The node left without its successor is marked on the diagram.
    await expect.poll(() => page.locator('.ld-step.has-problem').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '放弃修改' }).click();
    await expect.poll(() => page.getByTestId('node-enforce').count()).toBe(1);
  });

  it('says in Chinese what a newly added step still lacks', async () => {
    await page.getByTestId('add-node').hover();
    await page.getByRole('menuitem', { name: '自动步骤' }).click();
    // The new step is selected and not connected yet: its form says so in words, not in the server's English.
    await expect.poll(() => page.locator('.ld-node-problems').textContent()).toContain('尚未连接下一步');
    expect(await page.locator('.ld-node-problems').textContent()).not.toMatch(/[A-Za-z]{4,}/);
    // Placed below the others, it is brought into view.
    const inView = () =>
      page.getByTestId('node-action_1').evaluate((el) => {
        const r = el.getBoundingClientRect();
        const pane = el.closest('.react-flow')!.getBoundingClientRect();
        return r.top >= pane.top && r.bottom <= pane.bottom && r.left >= pane.left && r.right <= pane.right;
      });
    await expect.poll(inView).toBe(true);
    await page.getByRole('button', { name: '放弃修改' }).click();
  });

  it('marks a holiday in the working calendar', async () => {
    await page.getByRole('menuitem', { name: '工作日历' }).click();
    await page.waitForURL(/\/calendar$/);
    // The server's clock stands in late November 2026 and the calendar data ends with 2026.
    await expect.poll(() => page.getByTestId('calendar-missing-holidays').textContent()).toContain('2027 年的节假日尚未设置');
    const calendarId = (await server.test.as('admin')('GET', '/api/v1/calendars')).json().items[0].id as string;
    // A weekday of the month shown that no holiday or adjusted day has claimed yet.
    const today = new Date();
    const month = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}`;
    const marked = new Set(
      ((await server.test.as('admin')('GET', `/api/v1/calendars/${calendarId}?from=${month}-01&to=${month}-28`)).json().days as Array<{ date: string }>).map(
        (d) => d.date,
      ),
    );
    const date = Array.from({ length: 28 }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`).find((x) => {
      const wd = new Date(`${x}T00:00:00Z`).getUTCDay();
      return wd >= 1 && wd <= 5 && !marked.has(x);
    })!;
    const cell = page.getByTestId(`day-${date}`);
    await expect.poll(() => cell.getAttribute('data-kind')).toBe('workday');
    await cell.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('节假日（休息）').click();
    await dialog.getByRole('textbox').fill('县庆');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => cell.getAttribute('data-kind')).toBe('holiday');
    const after = (await server.test.as('admin')('GET', `/api/v1/calendars/${calendarId}?from=${date}&to=${date}`)).json().days;
    expect(after).toEqual([{ date, kind: 'holiday', note: '县庆' }]);
  });
});
