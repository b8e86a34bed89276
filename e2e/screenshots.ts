// Captures the main pages at desktop and phone sizes into .tmp/screens (a visual check, not a test):
//   npx tsx e2e/screenshots.ts
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { launchBrowser, signIn, startServer } from './harness.ts';

const OUT = resolve(import.meta.dirname, '../.tmp/screens');
mkdirSync(OUT, { recursive: true });

const server = await startServer('sqlite');
const { test } = server;
const gw = test.as('gwA1a');
for (const [i, p] of [test.fixture.points.gA1a, { lng: 122.03, lat: 30.02 }, { lng: 122.08, lat: 30.07 }].entries()) {
  await gw('POST', '/api/v1/events', { category: i === 1 ? '0201' : '0101', title: `样例事件 ${i + 1}`, description: '截图用', source: 'patrol', location: p });
}
const browser = await launchBrowser();
const lang = process.argv[2] === 'en' ? 'en' : 'zh';
for (const [name, viewport] of [
  ['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  for (const user of ['gwA1a', 'admin']) {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && console.log(`[${name}/${user}] console:`, m.text()));
    await page.goto(`${server.baseUrl}/login`);
    if (lang === 'en') await page.evaluate(() => localStorage.setItem('liandong.lang', 'en'));
    if (user === 'gwA1a') await page.screenshot({ path: `${OUT}/${lang}-${name}-login.png` });
    await signIn(page, server.baseUrl, user, FIXTURE_PASSWORD).catch(async () => {
      // English labels
      await page.getByLabel('Username').fill(user);
      await page.getByLabel('Password').fill(FIXTURE_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/plaza/);
    });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${OUT}/${lang}-${name}-${user}-plaza.png`, fullPage: true });
    if (user === 'gwA1a') {
      await page.goto(`${server.baseUrl}/report`);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `${OUT}/${lang}-${name}-report.png`, fullPage: true });
      await page.goto(`${server.baseUrl}/plaza`);
      await page.getByTestId('event-link').first().click();
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `${OUT}/${lang}-${name}-detail.png`, fullPage: true });
    } else {
      for (const tab of ['units', 'users', 'apiKeys', 'catalog']) {
        await page.goto(`${server.baseUrl}/admin?tab=${tab}`);
        await page.waitForTimeout(900);
        if (tab === 'units') {
          await page
            .getByText('东港镇')
            .first()
            .click()
            .catch(() => {});
          await page.waitForTimeout(900);
        }
        await page.screenshot({ path: `${OUT}/${lang}-${name}-admin-${tab}.png`, fullPage: true });
      }
    }
    await ctx.close();
  }
}
await browser.close();
await test.close();
console.log('screens in', OUT);
