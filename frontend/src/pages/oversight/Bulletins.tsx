import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  DistributeTechnicalBulletinDocument,
  MarkTechnicalBulletinReadDocument,
  PublishTechnicalBulletinDocument,
  TechnicalBulletinReadingsDocument,
  TechnicalBulletinsDocument,
  type TechnicalBulletinRowFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CompletionBar } from './CampaignBits';
import './Campaigns.css';

/** 技术通报: the manufacturer's bulletins; the technical director gives them to staff, who mark them read. */
export function Bulletins() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [publishing, setPublishing] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({ query: TechnicalBulletinsDocument, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const rows = data?.technicalBulletins ?? [];
  return (
    <div className="page page-wide" data-testid="page-bulletins">
      <PageHeader
        title={t('oversight.campaigns.bulletins.title')}
        intro={t('oversight.campaigns.bulletins.intro')}
        actions={
          can(viewer, 'bulletin', 'publish') && !publishing ? (
            <button type="button" className="button" data-testid="bulletin-new" onClick={() => setPublishing(true)}>
              {t('oversight.campaigns.bulletins.publishShow')}
            </button>
          ) : null
        }
      />
      {publishing && (
        <PublishBulletin
          onDone={() => {
            setPublishing(false);
            reload();
          }}
        />
      )}
      {error ? (
        <ErrorPanel error={error} onRetry={reload} />
      ) : fetching && !data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="empty">{t('oversight.campaigns.bulletins.empty')}</p>
      ) : (
        rows.map((b) => <BulletinCard key={b.id} bulletin={b} changed={reload} />)
      )}
    </div>
  );
}

function BulletinCard({ bulletin: b, changed }: { bulletin: TechnicalBulletinRowFragment; changed: () => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const local = useLocalized();
  const markRead = useAction(MarkTechnicalBulletinReadDocument);
  const distribute = useAction(DistributeTechnicalBulletinDocument);
  const [added, setAdded] = useState<number | null>(null);
  const [showReaders, setShowReaders] = useState(false);
  const director = can(viewer, 'bulletin', 'distribute');
  return (
    <section className="panel" data-testid="bulletin" data-code={b.code}>
      <div className="panel-header">
        <h2>
          {b.code} {local(b.title, b.titleZh)}
        </h2>
        <span className="muted">
          {t('oversight.campaigns.bulletins.published')} <When at={b.publishedAt} />
        </span>
      </div>
      {local(b.body, b.bodyZh) && <p className="pre-wrap">{local(b.body, b.bodyZh)}</p>}
      <dl className="facts">
        <dt>{t('oversight.campaigns.bulletins.models')}</dt>
        <dd>{b.models.join(', ') || '—'}</dd>
        <dt>{t('oversight.campaigns.bulletins.operations')}</dt>
        <dd>{b.operations.map((o) => `${o.code} ${local(o.name, o.nameZh)} (${o.standardHours} h)`).join('; ') || '—'}</dd>
        <dt>{t('oversight.campaigns.bulletins.read')}</dt>
        <dd data-testid="bulletin-read-count" data-read={b.read} data-distributed={b.distributed}>
          <CompletionBar done={b.read} total={b.distributed} />{' '}
          {t('oversight.campaigns.bulletins.readOf', { read: b.read, distributed: b.distributed })}
        </dd>
      </dl>
      <div className="actions">
        {b.myReadAt ? (
          <span data-testid="bulletin-my-read">
            {t('oversight.campaigns.bulletins.youRead')} <When at={b.myReadAt} />
          </span>
        ) : b.myDistributedAt ? (
          <button
            type="button"
            className="button"
            data-testid="bulletin-mark-read"
            disabled={markRead.pending}
            onClick={() => void markRead.run({ bulletinId: b.id }).then((r) => r.data && changed())}
          >
            {t('oversight.campaigns.bulletins.markRead')}
          </button>
        ) : (
          <span className="muted">{t('oversight.campaigns.bulletins.notGiven')}</span>
        )}
        {director && (
          <>
            <button
              type="button"
              className="button button-secondary"
              data-testid="bulletin-distribute"
              disabled={distribute.pending}
              onClick={() =>
                void distribute.run({ bulletinId: b.id, userIds: null }).then((r) => {
                  if (r.data) {
                    setAdded(r.data.distributeTechnicalBulletin);
                    changed();
                  }
                })
              }
            >
              {t('oversight.campaigns.bulletins.distribute')}
            </button>
            <button type="button" className="button button-secondary" data-testid="bulletin-readers-toggle" onClick={() => setShowReaders(!showReaders)}>
              {t('oversight.campaigns.bulletins.readers')}
            </button>
          </>
        )}
      </div>
      {added !== null && (
        <p className="alert alert-success" data-testid="bulletin-distributed">
          {t('oversight.campaigns.bulletins.distributedCount', { count: added })}
        </p>
      )}
      <MutationError error={markRead.error ?? distribute.error} />
      {director && showReaders && <Readers bulletinId={b.id} />}
    </section>
  );
}

function Readers({ bulletinId }: { bulletinId: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }] = useQuery({
    query: TechnicalBulletinReadingsDocument,
    variables: { bulletinId },
    requestPolicy: 'network-only',
  });
  if (error) return <ErrorPanel error={error} />;
  if (fetching && !data) return <Loading />;
  return (
    <table className="table" data-testid="bulletin-readers">
      <thead>
        <tr>
          <th scope="col">{t('oversight.campaigns.bulletins.distributed')}</th>
          <th scope="col">{t('oversight.campaigns.bulletins.read')}</th>
        </tr>
      </thead>
      <tbody>
        {(data?.technicalBulletinReadings ?? []).map((r) => (
          <tr key={r.userId} data-testid="bulletin-reader" data-read={r.readAt ? 'yes' : 'no'}>
            <td>{r.displayName}</td>
            <td>{r.readAt ? <When at={r.readAt} /> : <span className="muted">{t('oversight.campaigns.bulletins.notRead')}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PublishBulletin({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const publish = useAction(PublishTechnicalBulletinDocument);
  const [form, setForm] = useState({ code: '', title: '', titleZh: '', body: '', bodyZh: '', models: '' });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async () => {
    const result = await publish.run({
      input: {
        code: form.code,
        title: form.title,
        titleZh: form.titleZh,
        body: form.body,
        bodyZh: form.bodyZh,
        models: form.models
          .split(/[,，]/)
          .map((m) => m.trim())
          .filter(Boolean),
        operationIds: [],
      },
    });
    if (result.data) onDone();
  };
  return (
    <section className="panel" data-testid="bulletin-publish">
      <h2>{t('oversight.campaigns.bulletins.publish')}</h2>
      <div className="campaign-form">
        <label>
          {t('oversight.campaigns.bulletins.code')}
          <input value={form.code} onChange={set('code')} data-testid="bulletin-code" />
        </label>
        <label>
          {t('oversight.campaigns.bulletins.modelsHint')}
          <input value={form.models} onChange={set('models')} data-testid="bulletin-models" />
        </label>
        <label>
          {t('oversight.campaigns.bulletins.titleEn')}
          <input value={form.title} onChange={set('title')} data-testid="bulletin-title" />
        </label>
        <label>
          {t('oversight.campaigns.bulletins.titleZh')}
          <input value={form.titleZh} onChange={set('titleZh')} />
        </label>
        <label className="wide">
          {t('oversight.campaigns.bulletins.body')}
          <textarea value={form.body} onChange={set('body')} rows={3} />
        </label>
        <label className="wide">
          {t('oversight.campaigns.bulletins.bodyZh')}
          <textarea value={form.bodyZh} onChange={set('bodyZh')} rows={3} />
        </label>
      </div>
      <MutationError error={publish.error} />
      <div className="actions">
        <button type="button" className="button" disabled={publish.pending} data-testid="bulletin-publish-submit" onClick={() => void submit()}>
          {t('oversight.campaigns.bulletins.publish')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          {t('oversight.campaigns.bulletins.cancel')}
        </button>
      </div>
    </section>
  );
}
