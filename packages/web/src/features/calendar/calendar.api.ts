import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CalendarDay, CalendarDayKind, CalendarDetail, CalendarList, CalendarView, UpdateCalendarRequest, WorkingPeriod } from '@liandong/contracts';
import { api } from '../../api/client.ts';

// The shapes are the contract's (packages/contracts/src/calendar.ts), as the server's routes use them.
export type { CalendarDay, CalendarView, WorkingPeriod };

export function useCalendars() {
  return useQuery({ queryKey: ['calendars'], queryFn: () => api.get<CalendarList>('/api/v1/calendars') });
}

/** One calendar with its marked days of a year. */
export function useCalendarYear(id: string | undefined, year: number) {
  return useQuery({
    queryKey: ['calendars', id, year],
    enabled: Boolean(id),
    queryFn: () => api.get<CalendarDetail>(`/api/v1/calendars/${id}`, { from: `${year}-01-01`, to: `${year}-12-31` }),
  });
}

export function useSetDay(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ date, kind, note }: { date: string; kind: CalendarDayKind | null; note?: string }): Promise<void> => {
      if (kind) await api.put<CalendarDay>(`/api/v1/calendars/${id}/days/${date}`, { kind, note: note || null });
      else await api.delete<unknown>(`/api/v1/calendars/${id}/days/${date}`);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calendars'] }),
  });
}

export function useUpdateCalendar(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCalendarRequest) => api.put<CalendarView>(`/api/v1/calendars/${id}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calendars'] }),
  });
}
