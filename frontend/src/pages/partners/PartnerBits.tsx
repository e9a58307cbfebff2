import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { MutationError } from '../../components/Mutation';
import type { PartnerScopeFieldsFragment } from '../../gql/graphql';
import './Partners.css';

/** The scope catalog as checkboxes, each with its English and Chinese name. */
export function ScopeChecklist({
  scopes,
  chosen,
  onChange,
  disabled = false,
}: {
  scopes: readonly PartnerScopeFieldsFragment[];
  chosen: readonly string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="scope-list" data-testid="scope-list" disabled={disabled}>
      <legend>{t('partners.apps.scopes')}</legend>
      <p className="hint">{t('partners.apps.scopesHint')}</p>
      {scopes.map((s) => (
        <label key={s.key} className="scope-item" title={s.permissions.join(', ')}>
          <input
            type="checkbox"
            data-testid={`scope-${s.key}`}
            checked={chosen.includes(s.key)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, s.key] : chosen.filter((k) => k !== s.key))}
          />
          <span>
            <span className="scope-name">{s.name}</span> <span className="scope-name-zh">{s.nameZh}</span>{' '}
            <code className="muted">{s.key}</code>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** A refused change, with the partner-specific codes in the interface language. */
export function PartnerError({ error }: { error: ApiError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const codes = ['SCOPE_NOT_GRANTABLE', 'UNKNOWN_SCOPE', 'PARTNER_APP_NAME_TAKEN', 'PARTNER_APP_DISABLED'] as const;
  const code = codes.find((c) => c === error.code);
  if (!code) return <MutationError error={error} />;
  const missing = error.extensions?.missingPermissions;
  const detail = Array.isArray(missing) ? missing.join(', ') : '';
  return (
    <div className="alert alert-error" role="alert" data-testid="mutation-error" data-code={error.code}>
      {t(`partners.apps.codes.${code}`, { detail })}
    </div>
  );
}
