import { useSyncExternalStore } from 'react';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { subscriptionExchange, type Client, type Exchange } from '@urql/core';
import { useClient } from 'urql';
import { GRAPHQL_URL, csrfToken } from './client';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/**
 * One WebSocket (graphql-transport-ws) per API client, so a new sign-in or dealer switch
 * also gets a new socket. The browser sends the same-origin session cookie with the
 * upgrade; the CSRF token goes in the connection parameters. Lazy: the socket opens with
 * the first subscription and closes after the last one; it reconnects on its own.
 */
export class LiveConnection {
  private status: LiveStatus = 'connecting';
  private readonly listeners = new Set<() => void>();
  readonly ws: WsClient;

  constructor() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    this.ws = createClient({
      url: `${scheme}://${window.location.host}${GRAPHQL_URL}`,
      lazy: true,
      lazyCloseTimeout: 3_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, 15_000)));
      },
      keepAlive: 15_000,
      connectionParams: () => {
        const token = csrfToken();
        return token ? { csrfToken: token } : {};
      },
      on: {
        connecting: () => this.set('connecting'),
        connected: () => this.set('live'),
        closed: () => this.set('offline'),
        error: () => this.set('offline'),
      },
    });
  }

  private set(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly current = (): LiveStatus => this.status;

  exchange(): Exchange {
    return subscriptionExchange({
      forwardSubscription: (request) => {
        const input = { ...request, query: request.query || '' };
        return {
          subscribe: (sink) => ({ unsubscribe: this.ws.subscribe(input, sink) }),
        };
      },
    });
  }
}

const CONNECTIONS = new WeakMap<Client, LiveConnection>();

export function registerLive(client: Client, live: LiveConnection): void {
  CONNECTIONS.set(client, live);
}

const NONE: LiveConnection | null = null;

/** Whether the current client's socket is up: the board's "live" indicator. */
export function useLiveStatus(): LiveStatus {
  const client = useClient();
  const live = CONNECTIONS.get(client) ?? NONE;
  return useSyncExternalStore(
    live ? live.subscribe : noopSubscribe,
    live ? live.current : offline,
    live ? live.current : offline,
  );
}

const noopSubscribe = () => () => {};
const offline = (): LiveStatus => 'offline';
