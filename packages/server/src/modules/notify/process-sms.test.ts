import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careVars } from '../../engine/runtime/actions.ts';
import { maskName } from '../vehicles/vehicles.policy.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { clearOutbox, enqueue, smsRequest } from './notify.test-helpers.ts';
import { DEFAULT_TEMPLATES, renderTemplate } from './templates.ts';

/**
 * Issue 11, point 10: the SMS texts the processes send. The care alert names the person (masked),
 * the place and the hours of silence when the care rule gave them, and claims no figure when it
 * did not ("已0小时无活动" was sent before); every SMS carries the platform's signature.
 */
describe('care.alert text from the process variables', () => {
  const body = DEFAULT_TEMPLATES['care.alert']!.body;

  it('names the person masked, the place and the hours when the care rule gave them', () => {
    const vars = { place: '南浦村第一网格', ...careVars({ subjectName: '张秀英', place: '南浦村3组12号', silentHours: 36 }, maskName) };
    expect(renderTemplate(body.zh, vars, 'zh')).toBe('【联动】关爱预警：张**（南浦村3组12号）已36小时无活动，请尽快上门查看。');
    expect(renderTemplate(body.en, vars, 'en')).toBe('[Liandong] Care alert: 张** (南浦村3组12号) has shown no activity for 36 hours. Please visit.');
    expect(renderTemplate('{name}已{hours}小时', vars, 'zh')).toBe('张**已36小时');
  });

  it('without a name or a figure, says "the person under care" and "for a long time", never "0 hours"', () => {
    const vars = { place: '南浦村第一网格', ...careVars({ silentHours: 0, subjectName: '  ' }, maskName) };
    const zh = renderTemplate(body.zh, vars, 'zh');
    expect(zh).toBe('【联动】关爱预警：关爱对象（南浦村第一网格）长时间无活动，请尽快上门查看。');
    expect(renderTemplate(body.en, vars, 'en')).toBe(
      '[Liandong] Care alert: the person under care (南浦村第一网格) has shown no activity for some time. Please visit.',
    );
    expect(zh).not.toMatch(/\d+小时/);
    expect(vars).not.toHaveProperty('hours');
  });

  it('every default SMS text starts with the signature', () => {
    for (const [kind, def] of Object.entries(DEFAULT_TEMPLATES)) {
      expect(def.body.zh, kind).toMatch(/^【联动】/);
      expect(def.body.en, kind).toMatch(/^\[Liandong\] /);
    }
  });
});

describe.each(TEST_DIALECTS)('SMS sent by the processes (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.as('admin')('PUT', '/api/v1/vehicles/%E8%92%99J55555', { ownerName: '王建国', ownerPhone: '13912345678' });
    // A care category as a county configures it (the fixture county has none).
    const care = await t.as('admin')('PUT', '/api/v1/categories/0590', {
      nameZh: '独居老人异常',
      nameEn: 'Person under care inactive',
      parentCode: '05',
      leadRule: { level: 'grid' },
      timeLimitMinutes: 60,
      timeLimitKind: 'natural',
      processKey: 'care-inactivity',
    });
    expect(care.statusCode, care.body).toBe(201);
  });
  afterAll(() => t?.close());

  const smsFor = async (eventId: string) =>
    (await t.as('admin')('GET', `/api/v1/sms-messages?limit=200&eventId=${eventId}`)).json().items as Array<{ kind: string; text: string; to: string }>;

  it('the parking reminder to the owner carries the 【联动】 signature', async () => {
    const res = await t.as('officer')('POST', '/api/v1/vehicles/reminders', { plate: '蒙J55555', location: { ...t.fixture.points.gA1a } });
    expect(res.statusCode, res.body).toBe(201);
    const [sms] = await smsFor(res.json().id);
    expect(sms).toMatchObject({ kind: 'parking.reminder', to: '13912345678' });
    expect(sms!.text).toMatch(/^【联动】您的车辆蒙J55555在.+违规停放，请于5分钟内驶离。$/);
  });

  it('a care alert without the rule’s figures tells the grid worker to visit without claiming "0 hours"', async () => {
    const res = await t.as('gwA1a')('POST', '/api/v1/events', { category: '0590', title: '水电气无活动', source: 'patrol', location: t.fixture.points.gA1a });
    expect(res.statusCode, res.body).toBe(201);
    const sms = (await smsFor(res.json().id)).filter((s) => s.kind === 'care.alert');
    expect(sms.length).toBeGreaterThan(0);
    for (const s of sms) {
      expect(s.text).toMatch(/^【联动】关爱预警：关爱对象（.+）长时间无活动，请尽快上门查看。$/);
      expect(s.text).not.toContain('0小时');
    }
  });

  it('an administrator’s text that uses {hours} yields to the default when the figure is unknown', async () => {
    await clearOutbox(t);
    const put = await t.as('admin')('PUT', '/api/v1/sms-templates/care.alert', { locale: 'zh', body: '【联动】{name}已{hours}小时无活动（{place}）' });
    expect(put.statusCode, put.body).toBeLessThan(300);
    try {
      const vars = { code: 'E1', place: '北门', ...careVars({}, maskName) };
      const known = { code: 'E2', place: '北门', ...careVars({ subjectName: '李四', silentHours: 12 }, maskName) };
      const { created } = await enqueue(t, [
        smsRequest('care-unknown', { kind: 'care.alert', vars }),
        smsRequest('care-known', { kind: 'care.alert', vars: known }),
      ]);
      expect(created.map((c) => c.body)).toEqual(['【联动】关爱预警：关爱对象（北门）长时间无活动，请尽快上门查看。', '【联动】李*已12小时无活动（北门）']);
    } finally {
      await t.as('admin')('PUT', '/api/v1/sms-templates/care.alert', { locale: 'zh', body: DEFAULT_TEMPLATES['care.alert']!.body.zh });
    }
  });
});
