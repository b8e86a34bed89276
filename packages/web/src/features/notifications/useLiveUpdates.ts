import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useAuth } from '../../api/auth.tsx';
import type { StreamMessages } from '@liandong/contracts';
import { addToInbox, INBOX_KEY, type InboxPage } from './notifications.api.ts';

/** Lists refetch at most this often however many events arrive (a busy county files several a second). */
const LIST_REFRESH_MS = 3_000;

/**
 * The live stream (GET /api/v1/stream): new notifications go to the top of the inbox and show a
 * toast; new events within the user's scope refresh the event lists. EventSource cannot send
 * headers, so the session token travels as `access_token`. It reconnects by itself; each
 * (re)connection refetches the inbox, so nothing missed while offline stays missing.
 */
export function useLiveUpdates(): void {
  const { token } = useAuth();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;

  useEffect(() => {
    if (!token || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(token)}`);
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;

    source.addEventListener('ready', () => void queryClient.invalidateQueries({ queryKey: INBOX_KEY }));
    source.addEventListener('notification', (e) => {
      const n = JSON.parse((e as MessageEvent<string>).data) as StreamMessages['notification'];
      const cached = queryClient.getQueryData<InboxPage>(INBOX_KEY);
      if (cached) queryClient.setQueryData<InboxPage>(INBOX_KEY, addToInbox(cached, n));
      else void queryClient.invalidateQueries({ queryKey: INBOX_KEY });
      notification.open({
        key: n.id,
        message: n.title ?? '',
        description: n.body,
        type: n.urgent ? 'warning' : 'info',
        placement: 'topRight',
        duration: n.urgent ? 0 : 6,
        className: 'ld-toast',
        props: { 'data-testid': 'notification-toast' },
        onClick: () => {
          notification.destroy(n.id);
          if (n.link) navigateRef.current(n.link);
        },
      });
    });
    source.addEventListener('event.created', () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void queryClient.invalidateQueries({ queryKey: ['events'] });
      }, LIST_REFRESH_MS);
    });
    // The server ends the stream when the session ends; the next request will go to the login page.
    source.addEventListener('end', () => source.close());

    return () => {
      if (refreshTimer) clearTimeout(refreshTimer);
      source.close();
    };
  }, [token, queryClient, notification]);
}
