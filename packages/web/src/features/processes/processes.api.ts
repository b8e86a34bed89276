import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ActivatedProcessVersion,
  ProcessDefinition,
  ProcessDetail,
  ProcessList,
  ProcessValidation,
  ProcessVersionDetail,
  SavedProcessVersion,
} from '@liandong/contracts';
import { api } from '../../api/client.ts';

export type { ProcessDefinition, ProcessDetail, ProcessValidation };

export function useProcesses() {
  return useQuery({ queryKey: ['processes'], queryFn: () => api.get<ProcessList>('/api/v1/processes') });
}

export function useProcess(key: string) {
  return useQuery({ queryKey: ['processes', key], queryFn: () => api.get<ProcessDetail>(`/api/v1/processes/${encodeURIComponent(key)}`) });
}

export function fetchProcessVersion(key: string, version: number) {
  return api.get<ProcessVersionDetail>(`/api/v1/processes/${encodeURIComponent(key)}/versions/${version}`);
}

export function validateProcess(definition: unknown) {
  return api.post<ProcessValidation>('/api/v1/processes/validate', definition);
}

export function useSaveProcess(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ definition, note, activate }: { definition: ProcessDefinition; note?: string; activate: boolean }) =>
      api.put<SavedProcessVersion>(`/api/v1/processes/${encodeURIComponent(key)}${activate ? '' : '?activate=false'}`, {
        ...definition,
        version: undefined,
        note: note || undefined,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['processes'] }),
  });
}

export function useActivateProcess(key: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.post<ActivatedProcessVersion>(`/api/v1/processes/${encodeURIComponent(key)}/activate`, { version }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['processes'] }),
  });
}
