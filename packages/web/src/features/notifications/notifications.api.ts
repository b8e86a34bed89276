import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InboxNotification, SmsMessage, SmsTemplate } from '@liandong/contracts';
import { api } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import type { Page } from '../../api/types.ts';

export type { InboxNotification, SmsMessage, SmsTemplate };

export interface InboxPage extends Page<InboxNotification> {
  unreadCount: number;
}

export const INBOX_KEY = ['notifications', 'mine'] as const;

/** The signed-in user's in-app notifications and unread count (kept fresh by the live stream). */
export function useInbox() {
  const { token } = useAuth();
  return useQuery({
    queryKey: INBOX_KEY,
    queryFn: () => api.get<InboxPage>('/api/v1/notifications', { mine: 1, limit: 50 }),
    enabled: !!token,
    staleTime: 60_000,
  });
}

/** Puts a notification that just arrived live at the top of the cached inbox. */
export function addToInbox(old: InboxPage | undefined, n: InboxNotification): InboxPage | undefined {
  if (!old) return old;
  if (old.items.some((i) => i.id === n.id)) return old;
  return { ...old, items: [n, ...old.items], unreadCount: old.unreadCount + (n.read ? 0 : 1) };
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<{ notification: InboxNotification; unreadCount: number }>(`/api/v1/notifications/${id}/read`),
    onSuccess: ({ notification, unreadCount }) =>
      queryClient.setQueryData<InboxPage>(INBOX_KEY, (old) =>
        old ? { ...old, unreadCount, items: old.items.map((i) => (i.id === notification.id ? notification : i)) } : old,
      ),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ updated: number; unreadCount: number }>('/api/v1/notifications/read-all'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY }),
  });
}

export function useSmsMessages(to?: string) {
  return useQuery({
    queryKey: ['sms-messages', to ?? ''],
    queryFn: () => api.get<Page<SmsMessage>>('/api/v1/sms-messages', { to, limit: 200 }),
    // The inbox provider "sends" in the background: statuses change while the page is open.
    refetchInterval: 5_000,
  });
}

export function useSmsTemplates() {
  return useQuery({ queryKey: ['sms-templates'], queryFn: async () => (await api.get<{ items: SmsTemplate[] }>('/api/v1/sms-templates')).items });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (p: { kind: string; locale: 'zh' | 'en'; body: string }) =>
      api.put<SmsTemplate>(`/api/v1/sms-templates/${encodeURIComponent(p.kind)}`, { locale: p.locale, body: p.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sms-templates'] }),
  });
}
