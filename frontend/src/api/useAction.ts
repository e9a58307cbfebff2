import { useCallback, useState } from 'react';
import { useMutation, type AnyVariables, type TypedDocumentNode } from 'urql';
import { apiError, type ApiError } from './client';

export interface ActionResult<Data> {
  data: Data | null;
  error: ApiError | null;
}

/**
 * A mutation as a button press: `run` resolves with the data or the server's error
 * (code, rule, extensions), and `pending` / `error` drive the button and the message.
 * The query cache refetches what the mutation touched (by typename).
 */
export function useAction<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>) {
  const [state, execute] = useMutation<Data, Variables>(document);
  const [error, setError] = useState<ApiError | null>(null);

  const run = useCallback(
    async (variables: Variables): Promise<ActionResult<Data>> => {
      setError(null);
      const result = await execute(variables, { additionalTypenames: ['RepairOrder', 'Appointment'] });
      if (result.error) {
        const failure = apiError(result.error);
        setError(failure);
        return { data: null, error: failure };
      }
      return { data: result.data ?? null, error: null };
    },
    [execute],
  );

  return { run, pending: state.fetching, error, clearError: () => setError(null) };
}
