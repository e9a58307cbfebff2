import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { WriteOffsDocument, type WriteOffCapacity, type WriteOffReason } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { qty, WriteOffStatusPill } from './CountBits';

/** 报损: requests waiting for signatures first; decided ones on demand. */
export function WriteOffsList() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [all, setAll] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WriteOffsDocument,
    variables: { status: all ? null : ['REQUESTED', 'APPROVED'], first: 100 },
    requestPolicy: 'cache-and-network',
  });
  const writeOffs = (data?.writeOffs.edges ?? []).map((e) => e.node);

  return (
    <div className="page page-wide" data-testid="page-write-offs">
      <PageHeader
        title={t('parts.writeOffs.title')}
        intro={t('parts.writeOffs.intro')}
        actions={
          can(viewer, 'parts_write_off', 'request') && (
            <Link className="button button-primary" to="/parts/write-offs/new" data-testid="new-write-off">
              {t('parts.writeOffs.newWriteOff')}
            </Link>
          )
        }
      />
      <section className="panel">
        <div className="panel-header">
          <h2>{t('parts.writeOffs.title')}</h2>
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('parts.writeOffs.showFinished')}
          </label>
        </div>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : writeOffs.length === 0 ? (
          <p className="empty" data-testid="write-offs-empty">
            {all ? t('parts.writeOffs.none') : t('parts.writeOffs.noneOpen')}
          </p>
        ) : (
          <table className="table" data-testid="write-offs-table">
            <thead>
              <tr>
                <th scope="col">{t('parts.writeOffs.number')}</th>
                <th scope="col">{t('parts.writeOffs.part')}</th>
                <th scope="col" className="num">{t('parts.writeOffs.quantity')}</th>
                <th scope="col">{t('parts.writeOffs.reason')}</th>
                <th scope="col" className="num">{t('parts.writeOffs.value')}</th>
                <th scope="col">{t('parts.writeOffs.statusLabel')}</th>
                <th scope="col">{t('parts.writeOffs.missing')}</th>
                <th scope="col">{t('parts.writeOffs.requested')}</th>
              </tr>
            </thead>
            <tbody>
              {writeOffs.map((w) => (
                <tr
                  key={w.id}
                  data-testid="write-off-row"
                  data-number={w.number}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/parts/write-offs/${w.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/parts/write-offs/${w.id}`)}
                >
                  <td>
                    <Link to={`/parts/write-offs/${w.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                      {w.number}
                    </Link>
                  </td>
                  <td>
                    <span className="mono">{w.part.partNumber}</span> {local(w.part.name, w.part.nameZh)}
                  </td>
                  <td className="num">
                    {qty(w.quantity)} {w.part.unit}
                  </td>
                  <td>{t(`parts.writeOffs.reasons.${w.reason.toLowerCase() as Lowercase<WriteOffReason>}`)}</td>
                  <td className="num">
                    <Money amount={w.value} />
                  </td>
                  <td>
                    <WriteOffStatusPill status={w.status} />
                  </td>
                  <td>
                    {w.missingCapacities
                      .map((c) => t(`parts.writeOffs.capacities.${c.toLowerCase() as Lowercase<WriteOffCapacity>}`))
                      .join(', ')}
                  </td>
                  <td>
                    <When at={w.requestedAt} />
                    <div className="hint">{w.requestedBy?.displayName}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
