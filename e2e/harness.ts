import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Dialect } from '../packages/server/src/db/database.ts';
import { createTestApp, type TestApp } from '../packages/server/src/testing/test-app.ts';

export const WEB_DIR = resolve(import.meta.dirname, '../packages/web/dist');

export interface RunningServer {
  test: TestApp;
  baseUrl: string;
}

/** The real server with the fixture county, serving the built web app, on a free port. */
export async function startServer(dialect: Dialect): Promise<RunningServer> {
  if (!existsSync(resolve(WEB_DIR, 'index.html'))) {
    throw new Error(`The web app is not built (${WEB_DIR}): run \`npm run build -w @liandong/web\` first`);
  }
  const test = await createTestApp(dialect, { config: { http: { webDir: WEB_DIR } } });
  const address = await test.app.listen({ host: '127.0.0.1', port: 0 });
  return { test, baseUrl: address };
}

/** Debian's Chromium, headless. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(/\/plaza/);
}

/**
 * Where a geographic point is on a CountyMap, in page pixels. The map fits the base layer's
 * bounding box, centred, into its canvas less a 24 px padding, with the latitude aspect
 * correction the component applies (packages/web/src/components/CountyMap.tsx).
 */
export async function pixelOf(
  page: Page,
  mapTestId: string,
  bbox: [number, number, number, number],
  point: { lng: number; lat: number },
): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(mapTestId).locator('canvas').first().boundingBox();
  if (!box) throw new Error(`map ${mapTestId} is not visible`);
  const padding = 24;
  const [minLng, minLat, maxLng, maxLat] = bbox;
  const aspect = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const geoW = maxLng - minLng;
  const geoH = (maxLat - minLat) / aspect;
  const scale = Math.min((box.width - 2 * padding) / geoW, (box.height - 2 * padding) / geoH);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return {
    x: cx + (point.lng - (minLng + maxLng) / 2) * scale,
    y: cy - ((point.lat - (minLat + maxLat) / 2) / aspect) * scale,
  };
}
