import { Client, cacheExchange, fetchExchange, type CombinedError, type Exchange } from '@urql/core';
import { LiveConnection, registerLive } from './live';

export const GRAPHQL_URL = '/graphql';
const CSRF_COOKIE = 'dn_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

/** The double-submit CSRF token the server set as a cookie at sign-in (none before). */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

function headers(): Record<string, string> {
  const token = csrfToken();
  return token ? { [CSRF_HEADER]: token } : {};
}

/**
 * A fresh client (with an empty cache). The session makes a new one whenever who or
 * where the viewer is changes (sign-in, dealer switch, sign-out), so no screen can
 * show data of the previous dealer.
 */
export function makeClient(extra: Exchange[] = []): Client {
  const live = new LiveConnection();
  const client = new Client({
    url: GRAPHQL_URL,
    exchanges: [cacheExchange, ...extra, fetchExchange, live.exchange()],
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: headers(),
    }),
  });
  registerLive(client, live);
  return client;
}

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'TOO_MANY_ATTEMPTS'
  | 'BAD_USER_INPUT'
  | 'FORBIDDEN'
  | 'NETWORK'
  | 'UNKNOWN';

export interface ApiError {
  code: ErrorCode | string;
  message: string;
  retryAfterSeconds: number | null;
  /** The error's extensions as sent (field, rule, suggestedDates, missing, ...). */
  extensions?: Record<string, unknown>;
}

/** The first GraphQL error's `extensions.code` (what the UI branches on), else a network error. */
export function apiError(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (first) {
    const extensions = (first.extensions ?? {}) as Record<string, unknown>;
    const code = typeof extensions.code === 'string' ? extensions.code : 'UNKNOWN';
    const retry = extensions.retryAfterSeconds;
    return {
      code,
      message: first.message,
      retryAfterSeconds: typeof retry === 'number' ? retry : retry ? Number(retry) || null : null,
      extensions,
    };
  }
  if (error.networkError) {
    const status = (error.response as Response | undefined)?.status;
    if (status === 401) return { code: 'UNAUTHENTICATED', message: error.message, retryAfterSeconds: null };
    if (status === 403) return { code: 'FORBIDDEN', message: error.message, retryAfterSeconds: null };
    return { code: 'NETWORK', message: error.networkError.message, retryAfterSeconds: null };
  }
  return { code: 'UNKNOWN', message: error.message, retryAfterSeconds: null };
}
