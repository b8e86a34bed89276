import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { countEventRows, eventBody } from './events.test-helpers.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-test-image-bytes')]);
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = '----liandong-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(TEST_DIALECTS)('attachments on %s', (dialect) => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'liandong-uploads-'));
    t = await createTestApp(dialect, { config: { dataDir, http: { uploadLimitBytes: 4096 } } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = async (user: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) => {
    const { payload, headers } = multipart(fields, file);
    return t.app.inject({ method: 'POST', url: '/api/v1/attachments', payload, headers: { ...headers, authorization: await t.login(user) } });
  };

  it('stores a photo by its bytes, with its hash, under uploads/YYYY/MM', async () => {
    const res = await upload('gwA1a', { kind: 'photo' }, { name: 'C:\\photos\\scene.png', bytes: PNG, type: 'image/jpeg' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'photo', mime: 'image/png', size: PNG.length });
    expect(body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const path = join(dataDir, 'uploads', '2026', '11', body.dataId);
    expect(readFileSync(path)).toEqual(PNG);
  });

  it('refuses bytes that are not an image, and oversized files, storing nothing', async () => {
    const before = await countEventRows(t);
    const notImage = await upload('gwA1a', { kind: 'photo' }, { name: 'evil.jpg', bytes: Buffer.from('<script>alert(1)</script>'), type: 'image/jpeg' });
    expect(notImage.statusCode).toBe(422);
    expect(notImage.json().error.code).toBe('INVALID_ATTACHMENT');
    const big = await upload('gwA1a', { kind: 'photo' }, { name: 'big.jpg', bytes: Buffer.concat([JPEG_HEAD, Buffer.alloc(8192, 1)]) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const noFile = await upload('gwA1a', { kind: 'photo' });
    expect(noFile.statusCode).toBe(400);
    const badKind = await upload('gwA1a', { kind: 'hologram' }, { name: 'x.png', bytes: PNG });
    expect(badKind.statusCode).toBe(400);
    expect(await countEventRows(t)).toEqual(before);
  });

  it('links uploads and external URLs to a new event and serves them only within its scope', async () => {
    const up = (await upload('gwA1a', { kind: 'photo' }, { name: 'scene.png', bytes: PNG })).json();
    const created = await t.as('gwA1a')(
      'POST',
      '/api/v1/events',
      eventBody(t, {
        attachments: [
          { dataId: up.dataId, kind: 'photo' },
          { url: 'https://cdn.example.com/snap/1.jpg', kind: 'photo' },
        ],
      }),
    );
    expect(created.statusCode).toBe(201);
    const e = created.json();
    expect(e.attachments).toHaveLength(2);
    expect(e.attachments).toEqual(
      expect.arrayContaining([
        { id: up.dataId, kind: 'photo', url: `/api/v1/attachments/${up.dataId}`, mime: 'image/png' },
        expect.objectContaining({ url: 'https://cdn.example.com/snap/1.jpg' }),
      ]),
    );

    const file = await t.as('handlerVA1')('GET', `/api/v1/attachments/${up.dataId}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload).toEqual(PNG);
    const outside = await t.as('gwB1a')('GET', `/api/v1/attachments/${up.dataId}`);
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('ATTACHMENT_NOT_FOUND');
    const external = e.attachments.find((a: { url: string }) => a.url.startsWith('https://'));
    const redirect = await t.as('gwA1a')('GET', `/api/v1/attachments/${external.id}`);
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('https://cdn.example.com/snap/1.jpg');

    // A dataId is used once.
    const before = await countEventRows(t);
    const reuse = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { attachments: [{ dataId: up.dataId, kind: 'photo' }] }));
    expect(reuse.statusCode).toBe(422);
    expect(await countEventRows(t)).toEqual(before);
  });

  it('keeps an unlinked upload to its uploader', async () => {
    const up = (await upload('gwA1a', { kind: 'photo' }, { name: 'mine.png', bytes: PNG })).json();
    expect((await t.as('gwA1a')('GET', `/api/v1/attachments/${up.dataId}`)).statusCode).toBe(200);
    expect((await t.as('admin')('GET', `/api/v1/attachments/${up.dataId}`)).statusCode).toBe(404);
    const before = await countEventRows(t);
    const stolen = await t.as('gwB1a')('POST', '/api/v1/events', eventBody(t, { attachments: [{ dataId: up.dataId, kind: 'photo' }] }));
    expect(stolen.statusCode).toBe(422);
    expect(stolen.json().error.code).toBe('INVALID_ATTACHMENT');
    expect(await countEventRows(t)).toEqual(before);
    expect(existsSync(join(dataDir, 'uploads', '2026', '11', up.dataId))).toBe(true);
  });

  it('adds the snapshots of a merged duplicate to the open event', async () => {
    const p = { lng: 122.15, lat: 30.05 };
    const first = (await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { category: '0101', location: p }))).json();
    const up = (await upload('duty', { kind: 'photo' }, { name: 'again.png', bytes: PNG })).json();
    const merged = await t.as('duty')(
      'POST',
      '/api/v1/events',
      eventBody(t, { category: '0101', location: p, attachments: [{ dataId: up.dataId, kind: 'photo' }] }),
    );
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ id: first.id, merged: true });
    expect(merged.json().attachments.map((a: { id: string }) => a.id)).toEqual([up.dataId]);
  });
});
