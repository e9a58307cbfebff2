import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/** A refused mutation in words: the server's message for input errors, else by code. */
export function MutationError({ error, testId = 'mutation-error' }: { error: ApiError | null; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const known = ['FORBIDDEN', 'UNAUTHENTICATED', 'NETWORK', 'NOT_FOUND'];
  const text = known.includes(error.code)
    ? t(`errors.${error.code}` as 'errors.FORBIDDEN')
    : error.code === 'SEGREGATION_OF_DUTIES'
      ? t('errors.SEGREGATION_OF_DUTIES', { message: error.message })
      : error.message;
  const rule = typeof error.extensions?.rule === 'string' ? error.extensions.rule : null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-code={error.code} data-rule={rule ?? ''}>
      <span>{text}</span>
      {rule && <code className="muted">{rule}</code>}
    </div>
  );
}
