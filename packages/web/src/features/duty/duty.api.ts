import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, itemsOf } from '../../api/client.ts';
import type { User } from '../../api/types.ts';

export interface RosterEntry {
  id: string;
  orgUnitId: string;
  userId: string;
  userName: string;
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdAt: string;
}

/** Roles whose members stand in when nobody is rostered (server: modules/duty/on-duty.ts). */
export const HANDLING_ROLES = ['handler', 'dispatcher', 'duty_officer', 'grid_worker', 'officer', 'leader'];

export function useRoster(orgUnitId: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ['duty-rosters', orgUnitId, from, to],
    queryFn: () => api.get<{ items: RosterEntry[] }>('/api/v1/duty-rosters', { orgUnitId, from, to }),
    enabled: !!orgUnitId,
  });
}

/** People holding a membership in exactly this unit. */
export function useUnitMembers(orgUnitId: string | undefined) {
  return useQuery({
    queryKey: ['users', 'unit', orgUnitId],
    queryFn: async () => itemsOf<User>(await api.get('/api/v1/users', { orgUnitId, limit: 500 })).filter((u) => u.memberships.some((m) => m.orgUnitId === orgUnitId)),
    enabled: !!orgUnitId,
  });
}

export function useAddRosterEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { orgUnitId: string; userId: string; startsAt: string; endsAt: string; note?: string }) => api.post<RosterEntry>('/api/v1/duty-rosters', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['duty-rosters'] }),
  });
}

export function useRemoveRosterEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/duty-rosters/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['duty-rosters'] }),
  });
}
