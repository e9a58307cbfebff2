import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Provider as UrqlProvider } from 'urql';
import { mapExchange, type Client } from '@urql/core';
import { apiError, makeClient, type ApiError } from './api/client';
import {
  SignInDocument,
  SignOutDocument,
  SwitchDealerDocument,
  ViewerDocument,
  type ViewerFieldsFragment,
} from './gql/graphql';

export type Viewer = ViewerFieldsFragment;

type Status = 'loading' | 'signedOut' | 'signedIn' | 'unreachable';

interface SessionValue {
  status: Status;
  viewer: Viewer | null;
  /** Why the session ended on its own (expired), shown on the sign-in screen. */
  notice: string | null;
  signIn(username: string, password: string): Promise<ApiError | null>;
  signOut(): Promise<void>;
  switchDealer(dealerId: string): Promise<ApiError | null>;
  reload(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

/** The signed-in viewer; only for components rendered inside the signed-in layout. */
export function useViewer(): Viewer {
  const { viewer } = useSession();
  if (!viewer) throw new Error('useViewer without a signed-in viewer');
  return viewer;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const statusRef = useRef<Status>('loading');
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  const expire = useCallback(() => {
    if (statusRef.current !== 'signedIn') return;
    setViewer(null);
    setStatus('signedOut');
    setNotice('UNAUTHENTICATED');
  }, []);

  // Each client starts with an empty cache: a new one per sign-in and dealer switch.
  const newClient = useCallback(
    (): Client =>
      makeClient([
        mapExchange({
          onError(error, operation) {
            if (operation.kind === 'query' && apiError(error).code === 'UNAUTHENTICATED') expire();
          },
        }),
      ]),
    [expire],
  );
  const [client, setClient] = useState<Client>(() => newClient());

  useEffect(() => {
    let cancelled = false;
    const probe = newClient();
    void probe
      .query(ViewerDocument, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        if (result.data?.viewer) {
          setViewer(result.data.viewer);
          setClient(probe);
          setStatus('signedIn');
        } else if (result.error && apiError(result.error).code === 'NETWORK') {
          setStatus('unreachable');
        } else {
          setStatus('signedOut');
        }
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, newClient]);

  const signIn = useCallback(
    async (username: string, password: string): Promise<ApiError | null> => {
      const fresh = newClient();
      const result = await fresh
        .mutation(SignInDocument, { input: { username, password, mode: 'COOKIE' } })
        .toPromise();
      if (result.error) return apiError(result.error);
      if (!result.data) return { code: 'UNKNOWN', message: 'empty response', retryAfterSeconds: null };
      setViewer(result.data.signIn.viewer);
      setClient(fresh);
      setNotice(null);
      setStatus('signedIn');
      return null;
    },
    [newClient],
  );

  const signOut = useCallback(async () => {
    await client.mutation(SignOutDocument, {}).toPromise();
    setViewer(null);
    setClient(newClient());
    setNotice(null);
    setStatus('signedOut');
  }, [client, newClient]);

  const switchDealer = useCallback(
    async (dealerId: string): Promise<ApiError | null> => {
      const switched = await client.mutation(SwitchDealerDocument, { dealerId }).toPromise();
      if (switched.error) return apiError(switched.error);
      // Refetch everything for the new dealer: a fresh client, and the viewer from it.
      const fresh = newClient();
      const result = await fresh
        .query(ViewerDocument, {}, { requestPolicy: 'network-only' })
        .toPromise();
      if (result.error) return apiError(result.error);
      if (!result.data?.viewer) {
        expire();
        return null;
      }
      setViewer(result.data.viewer);
      setClient(fresh);
      return null;
    },
    [client, newClient, expire],
  );

  const reload = useCallback(() => {
    setStatus('loading');
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<SessionValue>(
    () => ({ status, viewer, notice, signIn, signOut, switchDealer, reload }),
    [status, viewer, notice, signIn, signOut, switchDealer, reload],
  );

  return (
    <SessionContext.Provider value={value}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </SessionContext.Provider>
  );
}
