import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { eventBody } from '../events/events.test-helpers.ts';
import { findVehicleOwner } from './vehicles.repository.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function multipart(filename: string, bytes: Buffer, type: string) {
  const boundary = '----liandong-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('车辆');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(TEST_DIALECTS)('vehicle registry on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const upload = async (user: string, bytes: Buffer, contentType: string, asMultipart = false) => {
    const body = asMultipart ? multipart('vehicles', bytes, contentType) : { payload: bytes, headers: { 'content-type': contentType } };
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/vehicles/import',
      payload: body.payload,
      headers: { ...body.headers, authorization: await t.login(user) },
    });
  };
  const auditActions = async (action: string) =>
    await t.deps.db.selectFrom('audit_log').select(['target_id', 'details']).where('action', '=', action).execute();

  it('registers a vehicle by PUT under any spelling of the plate, and replaces it on a second PUT', async () => {
    const created = await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙j·12345')}`, {
      ownerName: '张三丰',
      ownerPhone: '+86 138 0013 8000',
      vehicleType: '小型轿车',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      plate: '蒙J12345',
      plateKind: 'ordinary',
      ownerName: '张三丰',
      ownerPhone: '13800138000',
      vehicleType: '小型轿车',
      masked: false,
    });
    t.clock.advance(60_000);
    const replaced = await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`, {
      ownerName: '张三丰',
      ownerPhone: '13800138001',
      note: '夜间停放',
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ ownerPhone: '13800138001', vehicleType: null, note: '夜间停放' });
    expect(replaced.json().updatedAt > replaced.json().createdAt).toBe(true);
    const audits = await auditActions('vehicle.update');
    expect(audits.map((a) => a.target_id)).toContain('蒙J12345');
    // The audit names the fields, never the owner's data.
    expect(JSON.stringify(audits)).not.toContain('13800138001');
  });

  it('refuses an invalid plate with 422 INVALID_PLATE and a bad phone with 400, writing nothing', async () => {
    const bad = await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙I12345')}`, { ownerName: '李四' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_PLATE', details: [{ path: 'params.plate' }] });
    expect(bad.json().error.message).toMatch(/issuing-authority letter/);
    const nev = await t.as('admin')('POST', '/api/v1/vehicles', { plate: '蒙JL12345', ownerName: '李四' });
    expect(nev.statusCode).toBe(422);
    expect(nev.json().error.details).toEqual([{ path: 'body.plate', message: expect.stringMatching(/new-energy/) }]);
    const phone = await t.as('admin')('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J54321')}`, { ownerName: '李四', ownerPhone: '0471-1234567' });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error.code).toBe('VALIDATION_FAILED');
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J54321')}`)).statusCode).toBe(404);
  });

  it('creates by POST /vehicles (201) and answers 200 when the plate was registered', async () => {
    const first = await t.as('admin')('POST', '/api/v1/vehicles', { plate: '蒙J D12345', ownerName: '王芳', ownerPhone: '13900000001' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ plate: '蒙JD12345', plateKind: 'new_energy' });
    const again = await t.as('admin')('POST', '/api/v1/vehicles', { plate: '蒙JD12345', ownerName: '王芳芳' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ ownerName: '王芳芳', ownerPhone: null });
  });

  it('masks owner name and phone for every reader but the administrator', async () => {
    const full = await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J·12345')}`);
    expect(full.json()).toMatchObject({ ownerName: '张三丰', ownerPhone: '13800138001', masked: false });
    for (const user of ['officer', 'dispatcherA', 'duty', 'leader']) {
      const one = await t.as(user)('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`);
      expect(one.statusCode, user).toBe(200);
      expect(one.json()).toMatchObject({ plate: '蒙J12345', ownerName: '张**', ownerPhone: '138****8001', masked: true });
      const list = await t.as(user)('GET', '/api/v1/vehicles?limit=100');
      expect(list.statusCode, user).toBe(200);
      const body = list.json();
      expect(body.items.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toContain('13800138001');
      expect(JSON.stringify(body)).not.toContain('张三丰');
      expect(body.items.find((v: { plate: string }) => v.plate === '蒙JD12345')).toMatchObject({ ownerName: '王**' });
    }
    const admin = (await t.as('admin')('GET', '/api/v1/vehicles')).json();
    expect(admin.items.find((v: { plate: string }) => v.plate === '蒙J12345')).toMatchObject({ ownerName: '张三丰', ownerPhone: '13800138001' });
  });

  it('refuses other roles and writers without the admin role', async () => {
    for (const user of ['handlerVA1', 'gwA1a', 'deputy', 'integrator']) {
      expect((await t.as(user)('GET', '/api/v1/vehicles')).statusCode, user).toBe(403);
      expect((await t.as(user)('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`)).statusCode, user).toBe(403);
    }
    for (const user of ['officer', 'leader']) {
      expect((await t.as(user)('PUT', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`, { ownerName: '某人' })).statusCode).toBe(403);
      expect((await t.as(user)('DELETE', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`)).statusCode).toBe(403);
      expect((await upload(user, Buffer.from('车牌号,车主\n蒙J11111,甲\n'), 'text/csv')).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/vehicles' })).statusCode).toBe(401);
  });

  it('searches plates for everyone and owners only for administrators', async () => {
    const byPlate = (await t.as('officer')('GET', `/api/v1/vehicles?q=${encodeURIComponent('j d123')}`)).json();
    expect(byPlate.items.map((v: { plate: string }) => v.plate)).toEqual(['蒙JD12345']);
    const officerByName = (await t.as('officer')('GET', `/api/v1/vehicles?q=${encodeURIComponent('张三丰')}`)).json();
    expect(officerByName.items).toEqual([]);
    const adminByName = (await t.as('admin')('GET', `/api/v1/vehicles?q=${encodeURIComponent('张三')}`)).json();
    expect(adminByName.items.map((v: { plate: string }) => v.plate)).toEqual(['蒙J12345']);
  });

  it('imports a CSV: valid rows written, bad rows reported with row, column and reason', async () => {
    const csv = [
      '\uFEFF车牌号,车主,电话,类型,备注',
      '蒙J·A0001,赵一,13700000001,小型轿车,',
      '蒙j a0002,钱二,,货车,"临街, 常停"',
      '蒙I00003,孙三,13700000003,,',
      '蒙J A0004,,13700000004,,',
      '蒙JA0005,周五,12345,,',
      '',
      '蒙JA0001,吴六,13700000006,,',
      '蒙J12345,张三丰,13800138002,小型轿车,换了手机',
    ].join('\r\n');
    const res = await upload('admin', Buffer.from(csv), 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      imported: 2,
      updated: 1,
      errors: [
        { row: 4, field: 'plate', message: expect.stringMatching(/issuing-authority letter/) },
        { row: 5, field: 'owner', message: expect.stringMatching(/empty/) },
        { row: 6, field: 'phone', message: expect.stringMatching(/mobile/) },
        { row: 8, field: 'plate', message: 'The plate 蒙JA0001 already appears on row 2' },
      ],
    });
    const a2 = (await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙JA0002')}`)).json();
    expect(a2).toMatchObject({ ownerName: '钱二', ownerPhone: null, vehicleType: '货车', note: '临街, 常停' });
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J12345')}`)).json().ownerPhone).toBe('13800138002');
    for (const p of ['蒙I00003', '蒙JA0004', '蒙JA0005']) {
      const r = await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent(p)}`);
      expect([404, 422]).toContain(r.statusCode);
    }
    const audit = await auditActions('vehicle.import');
    expect(JSON.parse(audit.at(-1)!.details!)).toMatchObject({ imported: 2, updated: 1, refused: 4 });
  });

  it('imports an XLSX workbook with English headers in another order, as multipart', async () => {
    const bytes = await xlsxOf([
      ['Owner', 'Plate', 'Phone', 'Note'],
      ['郑七', '蒙J 12345F', 13700000007, '大型新能源'],
      ['冯八', '蒙JB0001', '13700000008', null],
      ['卫十一', '蒙JL00001', '13700000010', null],
      ['陈九', '蒙J1234学', '', '教练车'],
    ]);
    const res = await upload('admin', bytes, XLSX_TYPE, true);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: 3, updated: 0, errors: [{ row: 4, field: 'plate', message: expect.stringMatching(/new-energy/) }] });
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J12345F')}`)).json()).toMatchObject({
      plateKind: 'new_energy',
      ownerName: '郑七',
      ownerPhone: '13700000007',
    });
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙J1234学')}`)).json()).toMatchObject({ plateKind: 'coach', note: '教练车' });
  });

  it('imports a GB18030 CSV as Excel saves it on Chinese Windows', async () => {
    // "车牌号,车主\r\n蒙JC0001,韩十\r\n" in GB18030
    const gbk = Buffer.from('b3b5c5c6bac52cb3b5d6f70d0ac3c94a43303030312cbaabcaae0d0a', 'hex');
    const res = await upload('admin', gbk, 'text/csv', true);
    expect(res.json()).toEqual({ imported: 1, updated: 0, errors: [] });
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙JC0001')}`)).json().ownerName).toBe('韩十');
  });

  it('refuses a file it cannot read, or one without the plate or owner column, whole', async () => {
    const noOwner = await upload('admin', Buffer.from('plate,phone\n蒙JC0002,13700000009\n'), 'text/csv');
    expect(noOwner.statusCode).toBe(400);
    expect(noOwner.json().error.message).toMatch(/owner column \(车主 or owner\)/);
    const corrupt = await upload('admin', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 1)]), XLSX_TYPE);
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().error.message).toMatch(/not a readable XLSX/);
    const xls = await upload('admin', Buffer.from('d0cf11e0a1b11ae1000000', 'hex'), 'application/octet-stream');
    expect(xls.statusCode).toBe(415);
    const json = await t.as('admin')('POST', '/api/v1/vehicles/import', { rows: [] });
    expect(json.statusCode).toBe(415);
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙JC0002')}`)).statusCode).toBe(404);
  });

  it('deletes a vehicle (audited) and answers 404 for an unknown plate', async () => {
    expect((await t.as('admin')('DELETE', `/api/v1/vehicles/${encodeURIComponent('蒙JB0001')}`)).statusCode).toBe(204);
    expect((await t.as('admin')('GET', `/api/v1/vehicles/${encodeURIComponent('蒙JB0001')}`)).json().error.code).toBe('VEHICLE_NOT_FOUND');
    expect((await t.as('admin')('DELETE', `/api/v1/vehicles/${encodeURIComponent('蒙JB0001')}`)).statusCode).toBe(404);
    expect((await auditActions('vehicle.delete')).map((a) => a.target_id)).toEqual(['蒙JB0001']);
  });

  it('pages the list by plate with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.as('officer')('GET', `/api/v1/vehicles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const body = res.json() as { items: Array<{ plate: string }>; nextCursor: string | null };
      seen.push(...body.items.map((v) => v.plate));
      cursor = body.nextCursor;
    } while (cursor);
    const all = (await t.as('officer')('GET', '/api/v1/vehicles?limit=500')).json().items.map((v: { plate: string }) => v.plate);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.as('officer')('GET', '/api/v1/vehicles?cursor=bogus!')).json().error.code).toBe('INVALID_CURSOR');
  });

  it('finds an owner for the process engine, inside a transaction, by any spelling', async () => {
    const owner = await t.deps.db.transaction().execute((trx) => findVehicleOwner(trx, '蒙j·12345'));
    expect(owner).toEqual({ plate: '蒙J12345', ownerName: '张三丰', ownerPhone: '13800138002' });
    expect(await findVehicleOwner(t.deps.db, '蒙J99999')).toBeNull();
    expect(await findVehicleOwner(t.deps.db, 'not a plate')).toBeNull();
  });

  it('stores an event’s plate normalised and refuses an invalid one with 422 INVALID_PLATE', async () => {
    const ok = await t.as('officer')('POST', '/api/v1/events', eventBody(t, { category: '0501', title: '违停', plate: '蒙j·12345' }));
    expect(ok.statusCode, ok.body).toBe(201);
    const row = await t.deps.db.selectFrom('events').select('plate').where('id', '=', ok.json().id).executeTakeFirstOrThrow();
    expect(row.plate).toBe('蒙J12345');
    const before = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const bad = await t.as('officer')('POST', '/api/v1/events', eventBody(t, { category: '0501', title: '违停', plate: '蒙J1234' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_PLATE', details: [{ path: 'body.plate' }] });
    const after = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
