import { useTranslation } from 'react-i18next';
import type { CombinedError } from '@urql/core';
import { apiError } from '../api/client';

export function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('app.loading')}
    </div>
  );
}

/** A failed query, with its server code translated where the UI knows it. */
export function ErrorPanel({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const { code, message } = apiError(error);
  const text =
    code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || code === 'NETWORK'
      ? t(`errors.${code}`)
      : t('errors.UNKNOWN', { message });
  return (
    <div className="alert alert-error" role="alert" data-testid="error-panel" data-code={code}>
      <strong>{t('errors.title')}</strong>
      <span>{text}</span>
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}
