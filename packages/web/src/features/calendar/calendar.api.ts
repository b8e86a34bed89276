import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface WorkingPeriod {
  start: string;
  end: string;
}

export interface CalendarView {
  id: string;
  name: string;
  tzOffsetMinutes: number;
  workingPeriods: WorkingPeriod[];
  weeklyWorkingDays: number[];
  workingMinutesPerDay: number;
  isDefault: boolean;
  updatedAt: string;
  /** Years (this one, or the next from 60 days before it) without holidays: their weekdays all count as working days. */
  missingHolidayYears?: number[];
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export function useCalendars() {
  return useQuery({ queryKey: ['calendars'], queryFn: () => api.get<{ items: CalendarView[] }>('/api/v1/calendars') });
}

/** One calendar with its marked days of a year. */
export function useCalendarYear(id: string | undefined, year: number) {
  return useQuery({
    queryKey: ['calendars', id, year],
    enabled: Boolean(id),
    queryFn: () => api.get<CalendarView & { days: CalendarDay[] }>(`/api/v1/calendars/${id}`, { from: `${year}-01-01`, to: `${year}-12-31` }),
  });
}

export function useSetDay(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ date, kind, note }: { date: string; kind: 'holiday' | 'workday' | null; note?: string }): Promise<void> => {
      if (kind) await api.put<CalendarDay>(`/api/v1/calendars/${id}/days/${date}`, { kind, note: note || null });
      else await api.delete<unknown>(`/api/v1/calendars/${id}/days/${date}`);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calendars'] }),
  });
}

export function useUpdateCalendar(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { workingPeriods: WorkingPeriod[]; weeklyWorkingDays: number[] }) => api.put<CalendarView>(`/api/v1/calendars/${id}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calendars'] }),
  });
}
