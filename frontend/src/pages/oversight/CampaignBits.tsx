import { useTranslation } from 'react-i18next';
import type { CampaignKind } from '../../gql/graphql';

/** A completion bar: done here (green) then done elsewhere (blue), of all affected. */
export function CompletionBar({ done, elsewhere = 0, total, testId }: { done: number; elsewhere?: number; total: number; testId?: string }) {
  const here = total ? (100 * done) / total : 0;
  const other = total ? (100 * elsewhere) / total : 0;
  return (
    <span
      className="campaign-bar"
      role="img"
      aria-label={`${Math.round(here + other)}%`}
      data-testid={testId}
      data-done={done}
      data-total={total}
    >
      <span style={{ width: `${here + other}%` }} className="elsewhere" />
      <span style={{ width: `${here}%` }} />
    </span>
  );
}

export function KindLabel({ kind }: { kind: CampaignKind }) {
  const { t } = useTranslation();
  return (
    <span className={`status-pill status-${kind === 'RECALL' ? 'cancelled' : 'open'}`}>
      {t(`oversight.campaigns.kind.${kind}`)}
    </span>
  );
}
