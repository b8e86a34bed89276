import ExcelJS from 'exceljs';
import { AppError } from '../../errors.ts';

/*
 * Reading a registry file: CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it on
 * Chinese Windows) or XLSX (first worksheet). The first non-empty row is the header; columns are
 * recognised by Chinese or English names in any order, and unknown columns are ignored.
 */

export const IMPORT_FIELDS = ['plate', 'owner', 'phone', 'type', 'note'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const HEADER_NAMES: Record<ImportField, string[]> = {
  plate: ['车牌号', '车牌', '车牌号码', '号牌号码', '号牌', 'plate', 'plate number', 'plate no', 'licence plate', 'license plate'],
  owner: ['车主', '车主姓名', '姓名', '所有人', 'owner', 'owner name', 'name'],
  phone: ['电话', '手机', '手机号', '手机号码', '联系电话', '车主电话', 'phone', 'mobile', 'owner phone', 'telephone'],
  type: ['类型', '车辆类型', '车型', 'type', 'vehicle type'],
  note: ['备注', '说明', 'note', 'notes', 'remark', 'remarks'],
};

/** At most this many data rows per file, so one upload cannot hold the database for long. */
export const MAX_IMPORT_ROWS = 100_000;

export interface ImportRow {
  /** 1-based row of the file (the header is row 1 when it is the first line). */
  row: number;
  values: Partial<Record<ImportField, string>>;
}

const normaliseHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .replace(/[（(].*[)）]$/, '')
    .trim();

export function headerField(h: string): ImportField | null {
  const name = normaliseHeader(h);
  for (const f of IMPORT_FIELDS) if (HEADER_NAMES[f].includes(name)) return f;
  return null;
}

type Format = 'xlsx' | 'csv';

export function detectFormat(bytes: Buffer): Format {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This is an old Excel .xls file: save it as .xlsx or CSV and upload again');
  }
  return 'csv';
}

/** Rows of the file with their header-mapped values; throws VALIDATION_FAILED when it cannot be read. */
export async function readImportFile(bytes: Buffer): Promise<ImportRow[]> {
  if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty');
  const table = detectFormat(bytes) === 'xlsx' ? await readXlsx(bytes) : parseCsv(decodeText(bytes)).map((cells, i) => ({ row: i + 1, cells }));
  const nonEmpty = table.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = nonEmpty[0];
  if (!header) throw new AppError('VALIDATION_FAILED', 'The file has no rows');
  const columns = header.cells.map(headerField);
  const missing = (['plate', 'owner'] as const).filter((f) => !columns.includes(f));
  if (missing.length) {
    const label = (f: ImportField) => `${f === 'plate' ? 'a plate' : 'an owner'} column (${HEADER_NAMES[f][0]} or ${f})`;
    throw new AppError('VALIDATION_FAILED', `The header row needs ${missing.map(label).join(' and ')}`, {
      missing,
      header: header.cells,
      accepted: HEADER_NAMES,
    });
  }
  const rows = nonEmpty.slice(1);
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `At most ${MAX_IMPORT_ROWS} rows per file; this one has ${rows.length}: split it`);
  return rows.map((r) => {
    const values: ImportRow['values'] = {};
    columns.forEach((field, i) => {
      // The first column of a name wins when a file repeats it.
      if (field && values[field] === undefined) values[field] = (r.cells[i] ?? '').trim();
    });
    return { row: r.row, values };
  });
}

/** UTF-8 when the bytes are valid UTF-8, else GB18030 (a superset of GBK), Excel's CSV encoding on Chinese Windows. */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** RFC 4180 CSV: quoted fields with doubled quotes and embedded separators or line breaks; comma, semicolon or tab separated. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  const sep = counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function readXlsx(bytes: Buffer): Promise<Array<{ row: number; cells: string[] }>> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The file is not a readable XLSX workbook');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('VALIDATION_FAILED', 'The workbook has no worksheet');
  const out: Array<{ row: number; cells: string[] }> = [];
  ws.eachRow({ includeEmpty: false }, (r, n) => {
    const cells: string[] = [];
    const count = r.cellCount;
    for (let c = 1; c <= count; c++) cells.push(cellText(r.getCell(c).value));
    out.push({ row: n, cells });
  });
  return out;
}

/** The text a person sees in a cell, whatever ExcelJS made of it. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('text' in v && typeof v.text === 'string') return v.text;
  if ('result' in v) return v.result === undefined ? '' : cellText(v.result as ExcelJS.CellValue);
  if ('error' in v) return '';
  return String(v);
}
