import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { OldPartLedgerDocument } from '../../gql/graphql';

/** 账、卡、物一致: each claim's replaced parts against the tagged ones and where they are now. */
export function OldPartLedger() {
  const { t } = useTranslation();
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OldPartLedgerDocument,
    variables: { onlyDifferences, after },
    requestPolicy: 'cache-and-network',
  });
  const rows = data?.oldPartLedger.rows ?? [];
  const n = (value: string) => Number(value);
  const columns = [
    ['claimed', 'claimed'],
    ['tagged', 'tagged'],
    ['inStore', 'inStore'],
    ['requested', 'requested'],
    ['shipped', 'shipped'],
    ['confirmed', 'confirmed'],
    ['notConfirmed', 'notConfirmed'],
    ['scrapped', 'scrapped'],
    ['handedOver', 'handedOver'],
  ] as const;

  return (
    <section className="panel" data-testid="old-parts-ledger">
      <div className="panel-header">
        <p className="hint">{t('warranty.oldParts.ledger.intro')}</p>
        <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(e) => {
              setOnlyDifferences(e.target.checked);
              setAfter(null);
            }}
          />{' '}
          {t('warranty.oldParts.ledger.onlyDifferences')}
        </label>
      </div>
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.ledger.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.oldParts.store.claim')}</th>
              {columns.map(([key, label]) => (
                <th scope="col" key={key} className="amount">
                  {t(`warranty.oldParts.ledger.${label}`)}
                </th>
              ))}
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.claimId ?? 'none'} data-testid="ledger-row" data-claim-number={r.claimNumber ?? ''} data-agrees={r.agrees}>
                <td>
                  {r.claimNumber ? <span className="mono">{r.claimNumber}</span> : t('warranty.oldParts.ledger.noClaim')}
                  {r.vin && <div className="hint mono">{r.vin}</div>}
                </td>
                {columns.map(([key]) => (
                  <td key={key} className="amount">
                    {n(r[key])}
                  </td>
                ))}
                <td>
                  {r.agrees ? (
                    <span className="pill pill-ok">{t('warranty.oldParts.ledger.agrees')}</span>
                  ) : (
                    <span className="pill pill-warn">{t('warranty.oldParts.ledger.differs')}</span>
                  )}
                  {r.cardsOffLedger > 0 && <div className="hint">{t('warranty.oldParts.ledger.cardsOff', { count: r.cardsOffLedger })}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.oldPartLedger.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => setAfter(data.oldPartLedger.endCursor)}>
          {t('warranty.oldParts.store.loadMore')}
        </button>
      )}
    </section>
  );
}
