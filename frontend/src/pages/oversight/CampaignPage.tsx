import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { CloseCampaignDocument, OversightCampaignDocument } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CompletionBar, KindLabel } from './CampaignBits';
import { CampaignVins } from './CampaignVins';
import './Campaigns.css';

/** A campaign: this dealer's affected vehicles; for the manufacturer, completion per dealer. */
export function CampaignPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const viewer = useViewer();
  const local = useLocalized();
  const close = useAction(CloseCampaignDocument);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OversightCampaignDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!data) return null;
  const { campaign: c, vehicles, byDealer } = data.campaign;
  const manage = can(viewer, 'campaign', 'manage');
  return (
    <div className="page page-wide" data-testid="page-campaign" data-code={c.code}>
      <p>
        <Link to="/oversight/campaigns">← {t('oversight.campaigns.page.back')}</Link>
      </p>
      <PageHeader
        title={`${c.code} ${local(c.title, c.titleZh)}`}
        intro={local(c.description, c.descriptionZh) || undefined}
        actions={
          manage && c.open ? (
            <button
              type="button"
              className="button button-secondary"
              data-testid="campaign-close"
              disabled={close.pending}
              onClick={() => {
                if (window.confirm(t('oversight.campaigns.page.closeConfirm'))) void close.run({ campaignId: c.id }).then(reload);
              }}
            >
              {t('oversight.campaigns.page.close')}
            </button>
          ) : null
        }
      />
      <section className="panel">
        <dl className="facts">
          <dt>{t('oversight.campaigns.kindLabel')}</dt>
          <dd>
            <KindLabel kind={c.kind} />
          </dd>
          <dt>{t('oversight.campaigns.status')}</dt>
          <dd data-testid="campaign-status">{c.open ? t('oversight.campaigns.open') : t('oversight.campaigns.closed')}</dd>
          <dt>{t('oversight.campaigns.period')}</dt>
          <dd>
            {c.startsOn} – {c.endsOn ?? ''}
          </dd>
          <dt>{t('oversight.campaigns.operation')}</dt>
          <dd>{c.operation ? `${c.operation.code} ${local(c.operation.name, c.operation.nameZh)} (${c.operation.standardHours} h)` : '—'}</dd>
          {c.bulletinCode && (
            <>
              <dt>{t('oversight.campaigns.page.bulletin')}</dt>
              <dd>
                <Link to="/oversight/bulletins">{c.bulletinCode}</Link>
              </dd>
            </>
          )}
        </dl>
        <MutationError error={close.error} />
      </section>
      {manage && c.open && <CampaignVins campaignId={c.id} changed={reload} />}
      {data.campaign.networkVins !== null && data.campaign.networkVins !== undefined && (
        <section className="panel" aria-labelledby="campaign-network" data-testid="campaign-network">
          <h2 id="campaign-network">{t('oversight.campaigns.page.network')}</h2>
          <p>
            <CompletionBar done={data.campaign.networkCompleted ?? 0} total={data.campaign.networkVins} />{' '}
            {t('oversight.campaigns.page.networkSummary', {
              completed: data.campaign.networkCompleted ?? 0,
              vins: data.campaign.networkVins,
              percent: data.campaign.networkPercent ?? 0,
            })}
          </p>
          <h3>{t('oversight.campaigns.page.byDealer')}</h3>
          <table className="table" data-testid="campaign-by-dealer">
            <thead>
              <tr>
                <th scope="col">{t('oversight.campaigns.page.dealer')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.affected')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.page.completed')}</th>
                <th scope="col">{t('oversight.campaigns.page.percent')}</th>
              </tr>
            </thead>
            <tbody>
              {byDealer.map((d) => (
                <tr key={d.dealerId} data-testid="campaign-dealer-row" data-dealer={d.dealerCode}>
                  <td>
                    {d.dealerCode} {d.dealerName}
                  </td>
                  <td className="number">{d.affected}</td>
                  <td className="number">{d.completed}</td>
                  <td>
                    <CompletionBar done={d.completed} total={d.affected} /> {d.percent !== null && d.percent !== undefined ? `${d.percent}%` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="panel" aria-labelledby="campaign-vehicles">
        <h2 id="campaign-vehicles">{t('oversight.campaigns.page.vehicles')}</h2>
        {vehicles.length === 0 ? (
          <p className="empty">{t('oversight.campaigns.page.noVehicles')}</p>
        ) : (
          <table className="table" data-testid="campaign-vehicles">
            <thead>
              <tr>
                <th scope="col">{t('oversight.campaigns.page.vin')}</th>
                <th scope="col">{t('oversight.campaigns.page.plate')}</th>
                <th scope="col">{t('oversight.campaigns.page.model')}</th>
                <th scope="col">{t('oversight.campaigns.page.customer')}</th>
                <th scope="col">{t('oversight.campaigns.page.lastVisit')}</th>
                <th scope="col">{t('oversight.campaigns.page.completion')}</th>
              </tr>
            </thead>
            <tbody>
              {vehicles.map((v) => (
                <tr key={v.vin} data-testid="campaign-vehicle" data-vin={v.vin}>
                  <td>
                    <code>{v.vin}</code>
                  </td>
                  <td>{v.plate}</td>
                  <td>{v.model}</td>
                  <td>
                    {v.customerName} <span className="muted">{v.customerPhone}</span>
                  </td>
                  <td>
                    <When at={v.lastVisitAt} />
                  </td>
                  <td data-testid="campaign-vehicle-state">
                    {v.completedHere
                      ? t('oversight.campaigns.page.doneHere')
                      : v.completedElsewhere
                        ? t('oversight.campaigns.page.doneElsewhere')
                        : t('oversight.campaigns.page.notDone')}{' '}
                    {v.completedAt && <When at={v.completedAt} />}
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
