import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InstanceView, ProcessVersionDetail, TaskAction, TaskActionRequest, TaskView } from '@liandong/contracts';
import { api } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import { INBOX_KEY, type InboxPage } from '../notifications/notifications.api.ts';

export type { InstanceView, TaskAction, TaskActionRequest, TaskView };

/** The inbox tabs and the GET /tasks query each stands for. */
export const INBOX_TABS = {
  mine: { assignee: 'me', status: 'open' },
  unit: { assignee: 'unit', status: 'open' },
  soon: { assignee: 'me', status: 'open', due: 'soon' },
  overdue: { assignee: 'me', status: 'open', due: 'overdue' },
  done: { assignee: 'me', status: 'done' },
} as const;
export type InboxTab = keyof typeof INBOX_TABS;

export const TASKS_KEY = ['tasks'] as const;

export function useTasks(tab: InboxTab) {
  const { token } = useAuth();
  return useQuery({
    queryKey: [...TASKS_KEY, 'inbox', tab],
    queryFn: () => api.get<{ items: TaskView[] }>('/api/v1/tasks', { ...INBOX_TABS[tab], limit: 200 }).then((b) => b.items),
    enabled: !!token,
    // The stream refreshes on task notifications; this only catches what no notification announces.
    refetchInterval: 60_000,
  });
}

/** Open tasks waiting on the signed-in user (the menu badge). */
export function useOpenTaskCount(): number | undefined {
  const { token } = useAuth();
  const q = useQuery({
    queryKey: [...TASKS_KEY, 'count'],
    queryFn: () => api.get<{ items: TaskView[] }>('/api/v1/tasks', { assignee: 'me', status: 'open', limit: 500 }).then((b) => b.items.length),
    enabled: !!token,
    refetchInterval: 60_000,
  });
  return q.data;
}

/** One task by id; `null` when the caller may not see it (someone else's unit). */
export async function fetchTaskOrNull(id: string): Promise<TaskView | null> {
  try {
    return await api.get<TaskView>(`/api/v1/tasks/${id}`);
  } catch (e) {
    if ((e as { status?: number }).status === 404 || (e as { status?: number }).status === 403) return null;
    throw e;
  }
}

export function useEventProcess(eventId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['event', eventId, 'process'],
    queryFn: () => api.get<{ items: InstanceView[] }>(`/api/v1/events/${eventId}/process`).then((b) => b.items),
    enabled,
  });
}

export function useProcessVersion(key: string | undefined, version: number | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['processes', key, 'versions', version],
    queryFn: () => api.get<ProcessVersionDetail>(`/api/v1/processes/${encodeURIComponent(key!)}/versions/${version}`),
    enabled: enabled && !!key && !!version,
    // Published versions never change.
    staleTime: Infinity,
    retry: false,
  });
}

/** An action on a task; afterwards every task list and the event itself are refetched. */
export function useTaskAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ task, action, body }: { task: TaskView; action: TaskAction; body?: TaskActionRequest }) =>
      api.post<TaskView>(`/api/v1/tasks/${task.id}/${action}`, body ?? {}),
    onSuccess: (_r, { task }) => {
      void qc.invalidateQueries({ queryKey: TASKS_KEY });
      void qc.invalidateQueries({ queryKey: ['event', task.eventId] });
      void qc.invalidateQueries({ queryKey: ['events'] });
    },
  });
}

/** Notification kinds that mean someone's task list changed. */
function touchesTasks(kind: string): boolean {
  return kind.startsWith('task.') || kind === 'event.urged' || kind === 'event.supervised';
}

/**
 * Refetches the task lists when a task notification arrives on the live stream. The stream
 * (useLiveUpdates) puts each new notification at the top of the cached inbox; watching that
 * cache keeps one stream per tab instead of opening a second.
 */
export function useTaskLiveRefresh(): void {
  const qc = useQueryClient();
  useEffect(() => {
    let newest: string | undefined = qc.getQueryData<InboxPage>(INBOX_KEY)?.items[0]?.id;
    return qc.getQueryCache().subscribe((e) => {
      if (e.type !== 'updated' || e.query.queryHash !== JSON.stringify(INBOX_KEY)) return;
      const items = (e.query.state.data as InboxPage | undefined)?.items ?? [];
      const fresh: typeof items = [];
      for (const n of items) {
        if (n.id === newest) break;
        fresh.push(n);
      }
      const first = newest === undefined;
      newest = items[0]?.id ?? newest;
      // The first load is history, not news.
      if (!first && fresh.some((n) => touchesTasks(n.kind))) {
        void qc.invalidateQueries({ queryKey: TASKS_KEY });
        const events = new Set(fresh.map((n) => n.eventId).filter(Boolean));
        for (const id of events) void qc.invalidateQueries({ queryKey: ['event', id] });
      }
    });
  }, [qc]);
}

/** Unit names in the current language (one helper for the whole app). */
export { useUnitLabel } from '../../api/catalog.ts';
