import type { Translation } from '../../i18n/types.ts';
import type { calendarZh } from './calendar.i18n.ts';

// English, in a file of its own: the Chinese comes with the app's first load, this only with English (i18n/en-bundle.ts).
export const calendarEn: Translation<typeof calendarZh> = {
  title: 'Working calendar',
  subtitle: 'Time limits count working time: holidays do not count, adjusted working days (调休) do. Click a date to make it a holiday or a working day.',
  legend: { workday: 'Working day', restday: 'Rest day', holiday: 'Holiday', adjusted: 'Adjusted working day' },
  badge: { holiday: 'Off', adjusted: 'Work' },
  dayTitle: 'Set {{date}} ({{weekday}})',
  dayKind: 'This day is',
  asHoliday: 'A holiday (off)',
  asWorkday: 'An adjusted working day',
  asPattern: 'As the weekly pattern ({{what}})',
  note: 'Note',
  notePlaceholder: 'e.g. National Day',
  daySaved: '{{date}} updated',
  readOnly: 'Read-only: only administrators change the calendar',
  missingHolidays:
    'No holidays are set for {{years}} yet: until they are, New Year’s Day, the Spring Festival and every other holiday of that year count as working days. Click each date to set it once the State Council has announced the arrangement.',
  yearSeparator: ' and ',
  periods: 'Working periods of a day',
  addPeriod: 'Add period',
  weekdays: 'Working weekdays',
  perDay: '{{hours}} hours per working day',
  saveSettings: 'Save working periods',
  settingsSaved: 'Working periods saved',
  periodsInvalid: 'Periods are HH:MM, start before end, not overlapping',
  weekday: { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' },
  month: '{{month}}/{{year}}',
  today: 'Today',
  marked: 'Special days this month',
  noneMarked: 'No holidays or adjusted days this month',
};
