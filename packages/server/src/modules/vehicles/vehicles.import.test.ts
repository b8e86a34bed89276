import { describe, expect, it } from 'vitest';
import { decodeText, headerField, parseCsv, readImportFile } from './vehicles.import.ts';

describe('parseCsv', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\r\nx,y,,\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\nlines'],
      ['x', 'y', '', ''],
    ]);
  });

  it('detects semicolon and tab separated files from the header', () => {
    expect(parseCsv('车牌号;车主\n蒙J12345;张三')).toEqual([
      ['车牌号', '车主'],
      ['蒙J12345', '张三'],
    ]);
    expect(parseCsv('plate\towner\n蒙J12345\t张三\n')).toEqual([
      ['plate', 'owner'],
      ['蒙J12345', '张三'],
    ]);
  });

  it('keeps a last line without a line break and ignores a trailing one', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\n')).toEqual([['a', 'b']]);
  });
});

describe('headers', () => {
  it.each([
    ['车牌号', 'plate'],
    ['车牌号码', 'plate'],
    [' Plate ', 'plate'],
    ['License Plate', 'plate'],
    ['\uFEFF车牌号', 'plate'],
    ['车主', 'owner'],
    ['OWNER', 'owner'],
    ['车主姓名', 'owner'],
    ['电话', 'phone'],
    ['手机号', 'phone'],
    ['Phone', 'phone'],
    ['联系电话（手机）', 'phone'],
    ['类型', 'type'],
    ['车辆类型', 'type'],
    ['Vehicle_Type', 'type'],
    ['备注', 'note'],
    ['Remarks', 'note'],
  ])('%j is %s', (h, f) => {
    expect(headerField(h)).toBe(f);
  });

  it('ignores unknown columns', () => {
    expect(headerField('颜色')).toBeNull();
  });
});

describe('readImportFile', () => {
  it('numbers rows as in the file, skipping blank lines, the header being row 1', async () => {
    const rows = await readImportFile(Buffer.from('plate,owner,colour\n\n蒙J12345,张三,red\n,,\n蒙J12346,李四,blue\n'));
    expect(rows).toEqual([
      { row: 3, values: { plate: '蒙J12345', owner: '张三' } },
      { row: 5, values: { plate: '蒙J12346', owner: '李四' } },
    ]);
  });

  it('refuses an empty file and one with only a header-less line of data', async () => {
    await expect(readImportFile(Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(readImportFile(Buffer.from('蒙J12345,张三\n'))).rejects.toThrow(/plate column \(车牌号 or plate\) and an owner column/);
  });

  it('decodes UTF-8 with a BOM and GB18030', () => {
    expect(decodeText(Buffer.from('\uFEFF车主', 'utf8'))).toBe('车主');
    expect(decodeText(Buffer.from('b3b5d6f7', 'hex'))).toBe('车主');
  });
});
