import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, itemsOf } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import type { CreateRosterEntryRequest, RosterEntry, RosterList } from '@liandong/contracts';
import { HANDLING_ROLES } from '@liandong/contracts/values';

// The shapes and the stand-in roles are the contract's (packages/contracts/src/duty.ts, values.ts), as the server uses them.
export type { RosterEntry };
export { HANDLING_ROLES };

export function useRoster(orgUnitId: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ['duty-rosters', orgUnitId, from, to],
    queryFn: () => api.get<RosterList>('/api/v1/duty-rosters', { orgUnitId, from, to }),
    enabled: !!orgUnitId,
  });
}

/** People holding a membership in exactly this unit. */
export function useUnitMembers(orgUnitId: string | undefined) {
  return useQuery({
    queryKey: ['users', 'unit', orgUnitId],
    queryFn: async () =>
      itemsOf<User>(await api.get('/api/v1/users', { orgUnitId, limit: 500 })).filter((u) => u.memberships.some((m) => m.orgUnitId === orgUnitId)),
    enabled: !!orgUnitId,
  });
}

export function useAddRosterEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRosterEntryRequest) => api.post<RosterEntry>('/api/v1/duty-rosters', body),
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
