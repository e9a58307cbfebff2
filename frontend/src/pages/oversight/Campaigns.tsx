import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { useDebounced } from '../../components/SearchPicker';
import { type CampaignKind, CampaignOperationSearchDocument, OversightCampaignsDocument, PublishCampaignDocument } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CompletionBar, KindLabel } from './CampaignBits';
import './Campaigns.css';

/** 召回与服务活动: the manufacturer's campaigns with this dealer's affected vehicles. */
export function Campaigns() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const navigate = useNavigate();
  const local = useLocalized();
  const [includeClosed, setIncludeClosed] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OversightCampaignsDocument,
    variables: { includeClosed },
    requestPolicy: 'cache-and-network',
  });
  const manage = can(viewer, 'campaign', 'manage');
  const rows = data?.campaigns ?? [];
  return (
    <div className="page page-wide" data-testid="page-campaigns">
      <PageHeader
        title={t('oversight.campaigns.title')}
        intro={t('oversight.campaigns.intro')}
        actions={
          manage && !publishing ? (
            <button type="button" className="button" data-testid="campaign-new" onClick={() => setPublishing(true)}>
              {t('oversight.campaigns.publish.show')}
            </button>
          ) : null
        }
      />
      {publishing && (
        <PublishCampaign
          onDone={(id) => {
            setPublishing(false);
            if (id) navigate(`/oversight/campaigns/${encodeURIComponent(id)}`);
          }}
        />
      )}
      <section className="panel">
        <label className="check">
          <input
            type="checkbox"
            checked={includeClosed}
            data-testid="campaigns-closed"
            onChange={(e) => setIncludeClosed(e.target.checked)}
          />{' '}
          {t('oversight.campaigns.showClosed')}
        </label>
        {error ? (
          <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : fetching && !data ? (
          <Loading />
        ) : rows.length === 0 ? (
          <p className="empty">{t('oversight.campaigns.empty')}</p>
        ) : (
          <table className="table" data-testid="campaigns-table">
            <thead>
              <tr>
                <th scope="col">{t('oversight.campaigns.code')}</th>
                <th scope="col">{t('oversight.campaigns.kindLabel')}</th>
                <th scope="col">{t('oversight.campaigns.campaignTitle')}</th>
                <th scope="col">{t('oversight.campaigns.period')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.affected')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.completedHere')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.completedElsewhere')}</th>
                <th scope="col" className="number">{t('oversight.campaigns.stillOpen')}</th>
                <th scope="col">{t('oversight.campaigns.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr
                  key={c.id}
                  className="clickable"
                  data-testid="campaign-row"
                  data-code={c.code}
                  onClick={() => navigate(`/oversight/campaigns/${encodeURIComponent(c.id)}`)}
                >
                  <td>
                    <a href={`/oversight/campaigns/${encodeURIComponent(c.id)}`} onClick={(e) => e.preventDefault()}>
                      {c.code}
                    </a>
                  </td>
                  <td>
                    <KindLabel kind={c.kind} />
                  </td>
                  <td>
                    {local(c.title, c.titleZh)}
                    {!c.open && <span className="muted"> · {t('oversight.campaigns.closed')}</span>}
                  </td>
                  <td className="nowrap">
                    {c.startsOn} – {c.endsOn ?? ''}
                  </td>
                  <td className="number" data-testid="campaign-affected">{c.counts?.affected ?? 0}</td>
                  <td className="number">{c.counts?.completedHere ?? 0}</td>
                  <td className="number">{c.counts?.completedElsewhere ?? 0}</td>
                  <td className="number" data-testid="campaign-open">{c.counts?.open ?? 0}</td>
                  <td>
                    <CompletionBar
                      done={c.counts?.completedHere ?? 0}
                      elsewhere={c.counts?.completedElsewhere ?? 0}
                      total={c.counts?.affected ?? 0}
                    />
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

function PublishCampaign({ onDone }: { onDone: (id: string | null) => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const publish = useAction(PublishCampaignDocument);
  const [form, setForm] = useState({
    code: '',
    kind: 'RECALL' as CampaignKind,
    title: '',
    titleZh: '',
    description: '',
    descriptionZh: '',
    startsOn: new Date().toISOString().slice(0, 10),
    endsOn: '',
    operationId: '',
  });
  const [search, setSearch] = useState('');
  const term = useDebounced(search);
  const [{ data: ops }] = useQuery({ query: CampaignOperationSearchDocument, variables: { search: term } });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async () => {
    const result = await publish.run({
      input: {
        code: form.code,
        kind: form.kind,
        title: form.title,
        titleZh: form.titleZh,
        description: form.description,
        descriptionZh: form.descriptionZh,
        startsOn: form.startsOn,
        endsOn: form.endsOn || null,
        operationId: form.operationId,
      },
    });
    if (result.data) onDone(result.data.publishCampaign.id);
  };
  return (
    <section className="panel" aria-labelledby="publish-campaign" data-testid="campaign-publish">
      <h2 id="publish-campaign">{t('oversight.campaigns.publish.title')}</h2>
      <div className="campaign-form">
        <label>
          {t('oversight.campaigns.publish.code')}
          <input value={form.code} onChange={set('code')} data-testid="campaign-code" required />
        </label>
        <label>
          {t('oversight.campaigns.publish.kind')}
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as CampaignKind })} data-testid="campaign-kind">
            {(['RECALL', 'SERVICE_CAMPAIGN'] as CampaignKind[]).map((k) => (
              <option key={k} value={k}>
                {t(`oversight.campaigns.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('oversight.campaigns.publish.startsOn')}
          <input type="date" value={form.startsOn} onChange={set('startsOn')} data-testid="campaign-starts" />
        </label>
        <label>
          {t('oversight.campaigns.publish.endsOn')}
          <input type="date" value={form.endsOn} onChange={set('endsOn')} />
        </label>
        <label>
          {t('oversight.campaigns.publish.titleEn')}
          <input value={form.title} onChange={set('title')} data-testid="campaign-title" />
        </label>
        <label>
          {t('oversight.campaigns.publish.titleZh')}
          <input value={form.titleZh} onChange={set('titleZh')} data-testid="campaign-title-zh" />
        </label>
        <label className="wide">
          {t('oversight.campaigns.publish.description')}
          <textarea value={form.description} onChange={set('description')} rows={2} />
        </label>
        <label className="wide">
          {t('oversight.campaigns.publish.descriptionZh')}
          <textarea value={form.descriptionZh} onChange={set('descriptionZh')} rows={2} />
        </label>
        <label>
          {t('oversight.campaigns.publish.operationSearch')}
          <input value={search} onChange={(e) => setSearch(e.target.value)} data-testid="campaign-operation-search" />
        </label>
        <label>
          {t('oversight.campaigns.publish.operation')}
          <select value={form.operationId} onChange={set('operationId')} data-testid="campaign-operation">
            <option value="">—</option>
            {(ops?.labourOperations.edges ?? []).map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.code} {local(node.name, node.nameZh)} ({node.standardHours} h)
              </option>
            ))}
          </select>
        </label>
      </div>
      <MutationError error={publish.error} />
      <div className="actions">
        <button type="button" className="button" disabled={publish.pending} data-testid="campaign-publish-submit" onClick={() => void submit()}>
          {t('oversight.campaigns.publish.submit')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
          {t('oversight.campaigns.publish.cancel')}
        </button>
      </div>
    </section>
  );
}
