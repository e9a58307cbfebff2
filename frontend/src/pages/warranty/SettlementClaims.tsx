import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { SettlementClaimBalancesDocument, type SettledClaimStatus } from '../../gql/graphql';

/** Each approved claim's money: approved vs paid vs charged back, what is kept and outstanding. */
export function SettlementClaims() {
  const { t } = useTranslation();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [search, setSearch] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SettlementClaimBalancesDocument,
    variables: { onlyOpen, search: search.trim() || null, after },
    requestPolicy: 'cache-and-network',
  });
  const rows = data?.warrantyClaimBalances.rows ?? [];
  const money = ['approved', 'paid', 'chargedBack', 'kept', 'outstanding'] as const;

  return (
    <section className="panel" data-testid="settlement-claims">
      <div className="panel-header">
        <input
          className="filter"
          type="search"
          placeholder={t('warranty.settlement.claims.search')}
          aria-label={t('warranty.settlement.claims.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setAfter(null);
          }}
        />
        <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
          <input
            type="checkbox"
            checked={onlyOpen}
            data-testid="settlement-only-open"
            onChange={(e) => {
              setOnlyOpen(e.target.checked);
              setAfter(null);
            }}
          />{' '}
          {t('warranty.settlement.claims.onlyOpen')}
        </label>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="empty">{t('warranty.settlement.claims.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.settlement.claims.number')}</th>
              <th scope="col">{t('warranty.settlement.claims.status')}</th>
              {money.map((key) => (
                <th scope="col" key={key} className="amount">
                  {t(`warranty.settlement.claims.${key}`)}
                </th>
              ))}
              <th scope="col">{t('warranty.settlement.claims.candidates')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.claimId} data-testid="claim-balance" data-claim-number={r.number} data-status={r.status.toLowerCase()}>
                <td>
                  <span className="mono">{r.number}</span>
                  <div className="hint mono">{r.vin}</div>
                </td>
                <td>
                  <span className={`status status-${r.status.toLowerCase()}`}>
                    {t(`warranty.settlement.claimStatus.${r.status.toLowerCase() as Lowercase<SettledClaimStatus>}`)}
                  </span>
                </td>
                {money.map((key) => (
                  <td key={key} className="amount" data-field={key} data-value={r[key]}>
                    <Money amount={r[key]} />
                  </td>
                ))}
                <td>
                  {r.chargeBackCandidates > 0 ? (
                    <span className="pill pill-warn">
                      {r.chargeBackCandidates} · <Money amount={r.candidateAmount} />
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.warrantyClaimBalances.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => setAfter(data.warrantyClaimBalances.endCursor)}>
          {t('warranty.settlement.claims.more')}
        </button>
      )}
    </section>
  );
}
