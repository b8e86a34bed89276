import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createEvent } from './event-create.service.ts';
import { countEventRows, eventBody } from './events.test-helpers.ts';

// Issue 11.2: every one of these was stored, presented and redirected to.
const BAD_URLS = [
  'HTTP://attacker.example/x.jpg',
  'http://attacker.example/x.jpg',
  'javascript:alert(document.cookie)',
  'file:///etc/passwd',
  'data:image/png;base64,iVBORw0KGgo=',
  'http:/\\attacker.example/x.jpg',
  '//attacker.example/x.jpg',
  'https://user:secret@cdn.example.com/x.jpg',
  `https://cdn.example.com/${'a'.repeat(2000)}`,
];

describe.each(TEST_DIALECTS)('attachment URLs on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(BAD_URLS)('refuses an event with the attachment URL %j (422, nothing stored)', async (url) => {
    const before = await countEventRows(t);
    const res = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t, { attachments: [{ url, kind: 'photo' }] }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'ATTACHMENT_URL_INVALID', details: [{ path: 'body.attachments.0.url' }] });
    expect(await countEventRows(t)).toEqual(before);
  });

  it('refuses a bad URL among other mistakes as a plain validation failure', async () => {
    const res = await t.as('gwA1a')(
      'POST',
      '/api/v1/events',
      eventBody(t, { title: '', attachments: [{ url: 'HTTP://attacker.example/x.jpg', kind: 'photo' }] }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.title', 'body.attachments.0.url']));
  });

  it('refuses bad URLs on paths that call the service directly (demo, reminders)', async () => {
    const before = await countEventRows(t);
    const body = eventBody(t, { attachments: [{ url: 'javascript:alert(1)', kind: 'photo' }] }) as Parameters<typeof createEvent>[2];
    await expect(createEvent(t.deps, { kind: 'system', name: '测试' }, body)).rejects.toMatchObject({ code: 'ATTACHMENT_URL_INVALID', status: 422 });
    expect(await countEventRows(t)).toEqual(before);
  });

  it('stores, presents and redirects to an https: URL in its parsed form only', async () => {
    const res = await t.as('gwA1a')(
      'POST',
      '/api/v1/events',
      eventBody(t, { category: '0101', attachments: [{ url: 'HTTPS://CDN.Example.com/snap 1.jpg', kind: 'photo' }] }),
    );
    expect(res.statusCode).toBe(201);
    const [a] = res.json().attachments;
    expect(a.url).toBe('https://cdn.example.com/snap%201.jpg');
    const redirect = await t.as('gwA1a')('GET', `/api/v1/attachments/${a.id}`);
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('https://cdn.example.com/snap%201.jpg');
  });

  it('never hands out or redirects to a URL stored before URLs were checked', async () => {
    const created = await t.as('gwA1a')('POST', '/api/v1/events', eventBody(t));
    expect(created.statusCode).toBe(201);
    const eventId = created.json().id as string;
    const ids: string[] = [];
    for (const url of BAD_URLS) {
      const id = t.deps.ids.id();
      ids.push(id);
      await t.deps.db
        .insertInto('attachments')
        .values({
          id,
          event_id: eventId,
          kind: 'photo',
          mime: null,
          size_bytes: null,
          sha256: null,
          storage_path: null,
          url,
          original_name: null,
          uploaded_by: null,
          created_at: t.clock.now().toISOString(),
        })
        .execute();
    }
    for (const id of ids) {
      const res = await t.as('gwA1a')('GET', `/api/v1/attachments/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.json().error.code).toBe('ATTACHMENT_NOT_FOUND');
    }
    const view = (await t.as('gwA1a')('GET', `/api/v1/events/${eventId}`)).json();
    expect(view.attachments.map((a: { url: string }) => a.url)).toEqual(ids.map((id) => `/api/v1/attachments/${id}`));
  });
});
