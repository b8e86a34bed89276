import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isWorkingDay } from './calendar.ts';
import { chinaCalendarYears, defaultChinaCalendar, seedChinaCalendar } from './china-calendar.ts';

// The package's own query API, to check our reading of its data against it.
const chineseDays = createRequire(import.meta.url)('chinese-days') as { getDayDetail(d: string): { work: boolean; name: string } };

describe("China's official calendar from chinese-days", () => {
  it('covers 2025 and 2026 at least', () => {
    expect(chinaCalendarYears()).toEqual(expect.arrayContaining([2025, 2026]));
  });

  it('knows National Day 2026 and its adjusted working days (Sunday 20 September, Saturday 10 October)', () => {
    const { days, years, missingYears } = seedChinaCalendar([2026]);
    expect(years).toEqual([2026]);
    expect(missingYears).toEqual([]);
    expect(days).toContainEqual({ date: '2026-10-01', kind: 'holiday', note: '国庆节' });
    expect(days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(days.find((d) => d.date === '2026-09-20')?.note).toBe('国庆节调休');
    expect(days.filter((d) => d.kind === 'holiday' && d.note === '春节').map((d) => d.date)).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(days.every((d) => d.date.startsWith('2026-'))).toBe(true);
  });

  it('knows 2025: National Day with Mid-autumn from 1 to 8 October, worked Sunday 28 September', () => {
    const { days } = seedChinaCalendar([2025]);
    const holidays = new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date));
    for (let d = 1; d <= 8; d++) expect(holidays.has(`2025-10-0${d}`)).toBe(true);
    expect(days).toContainEqual({ date: '2025-09-28', kind: 'workday', note: '国庆节调休' });
  });

  it('says which asked-for years it has no announcement for', () => {
    const far = Math.max(...chinaCalendarYears()) + 5;
    expect(seedChinaCalendar([2026, far])).toMatchObject({ years: [2026], missingYears: [far] });
  });

  it('agrees with the package API on every day of 2025 and 2026', () => {
    const cal = defaultChinaCalendar();
    for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      expect(isWorkingDay(cal, date), date).toBe(chineseDays.getDayDetail(date).work);
    }
  });
});
