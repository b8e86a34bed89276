import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, getToken, setToken, setUnauthorizedHandler } from './client.ts';
import type { MeResponse, Role, User } from './types.ts';

interface AuthState {
  token: string | null;
  me: MeResponse | undefined;
  isLoading: boolean;
  roles: Role[];
  hasRole: (...roles: Role[]) => boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Set when the session ended on its own (401), so the login page can say so. */
  sessionExpired: boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setTokenState] = useState<string | null>(() => getToken());
  const [sessionExpired, setSessionExpired] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setTokenState(null);
      setSessionExpired(true);
      queryClient.clear();
    });
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);

  const meQuery = useQuery({
    queryKey: ['me', token],
    queryFn: () => api.get<MeResponse>('/api/v1/me'),
    enabled: !!token,
    staleTime: 5 * 60_000,
  });

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api.post<{ token: string; user: User }>('/api/v1/auth/login', { username, password });
      setToken(res.token);
      setSessionExpired(false);
      queryClient.clear();
      setTokenState(res.token);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      // The session may already be gone; signing out locally is what matters.
    }
    setToken(null);
    queryClient.clear();
    setTokenState(null);
  }, [queryClient]);

  const value = useMemo<AuthState>(() => {
    const roles = meQuery.data?.roles ?? meQuery.data?.user.roles ?? [];
    return {
      token,
      me: meQuery.data,
      isLoading: !!token && meQuery.isLoading,
      roles,
      hasRole: (...rs) => rs.some((r) => roles.includes(r)),
      login,
      logout,
      sessionExpired,
    };
  }, [token, meQuery.data, meQuery.isLoading, login, logout, sessionExpired]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
