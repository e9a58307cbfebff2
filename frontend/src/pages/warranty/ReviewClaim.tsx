import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { WarrantyReviewClaimDocument, WarrantyReviewFileDocument, type WarrantyReviewClaimQuery } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { ClaimStatusPill, ClaimTypeText, DecisionText } from './ReviewBits';
import { ReviewDecision } from './ReviewDecision';

export type Submission = NonNullable<WarrantyReviewClaimQuery['warrantySubmission']>;

/** One received claim as the manufacturer sees it: facts, lines, files, history, answers; and the answer form. */
export function ReviewClaim() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WarrantyReviewClaimDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const item = data?.warrantySubmission ?? null;

  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  if (!item || !item.claim) {
    return (
      <div className="page">
        <p className="empty" data-testid="review-not-found">
          {t('warranty.review.detail.notFound')}
        </p>
        <Link to="/warranty/review">{t('warranty.review.detail.back')}</Link>
      </div>
    );
  }
  const claim = item.claim;
  return (
    <div className="page page-wide" data-testid="page-review-claim" data-number={claim.number}>
      <PageHeader
        title={t('warranty.review.detail.title', { number: claim.number })}
        actions={<Link to="/warranty/review">{t('warranty.review.detail.back')}</Link>}
      />
      <div className="split">
        <div>
          <Facts item={item} />
          <Lines item={item} />
          <Files item={item} />
        </div>
        <div>
          <ReviewDecision item={item} onDecided={reload} />
          <Decisions item={item} />
          <History item={item} />
          <section className="panel">
            <details>
              <summary>{t('warranty.review.detail.payload')}</summary>
              <p className="hint">
                {t('warranty.review.detail.key')}: <span className="mono">{item.idempotencyKey}</span>
              </p>
              <pre className="code" data-testid="review-payload" style={{ maxHeight: 320, overflow: 'auto' }}>
                {JSON.stringify(item.payload, null, 2)}
              </pre>
            </details>
          </section>
        </div>
      </div>
    </div>
  );
}

function Facts({ item }: { item: Submission }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const claim = item.claim!;
  return (
    <section className="panel" aria-labelledby="review-facts">
      <div className="panel-header">
        <h2 id="review-facts">{t('warranty.review.detail.facts')}</h2>
        <ClaimStatusPill status={claim.status} />
      </div>
      <dl className="kv">
        <div>
          <dt>{t('warranty.review.detail.dealer')}</dt>
          <dd>
            {item.dealer?.code} {item.dealer ? local(item.dealer.name, item.dealer.nameZh) : ''}
          </dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.type')}</dt>
          <dd>
            <ClaimTypeText type={claim.claimType} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.vin')}</dt>
          <dd className="mono">{claim.vin}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.mileage')}</dt>
          <dd>{claim.mileage.toLocaleString()}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.faultCode')}</dt>
          <dd className="mono">{claim.faultCode || '—'}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.faultDate')}</dt>
          <dd>{claim.faultDate}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.receivedAt')}</dt>
          <dd>
            <When at={item.receivedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.round')}</dt>
          <dd>{claim.submissionCount}</dd>
        </div>
      </dl>
      <dl className="kv" style={{ marginTop: 12, gridTemplateColumns: '1fr' }}>
        <div>
          <dt>{t('warranty.review.detail.complaint')}</dt>
          <dd>{claim.complaint || '—'}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.cause')}</dt>
          <dd>{claim.cause || '—'}</dd>
        </div>
        <div>
          <dt>{t('warranty.review.detail.correction')}</dt>
          <dd>{claim.correction || '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

function Lines({ item }: { item: Submission }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const claim = item.claim!;
  return (
    <section className="panel" aria-labelledby="review-lines">
      <div className="panel-header">
        <h2 id="review-lines">{t('warranty.review.detail.lines')}</h2>
      </div>
      <table className="table" data-testid="review-lines">
        <thead>
          <tr>
            <th>{t('warranty.review.detail.item')}</th>
            <th className="num">{t('warranty.review.detail.hours')}</th>
            <th className="num">{t('warranty.review.detail.quantity')}</th>
            <th className="num">{t('warranty.review.detail.amount')}</th>
            <th className="num">{t('warranty.review.detail.approvedAmount')}</th>
          </tr>
        </thead>
        <tbody>
          {item.lines.map((line) => (
            <tr key={line.lineId} data-testid="review-line">
              <td>
                <span className="hint">{t(`warranty.review.lineKind.${line.kind as 'labour'}`, { defaultValue: line.kind })}</span>{' '}
                <span className="mono">{line.itemCode}</span> {local(line.itemName, line.itemNameZh) || line.description}
              </td>
              <td className="num">
                {line.hours ?? '—'}
                {line.standardHours && <span className="hint"> ({line.standardHours})</span>}
              </td>
              <td className="num">{line.quantity}</td>
              <td className="num">
                <Money amount={line.amount} />
              </td>
              <td className="num" data-testid="review-line-approved">
                <Money amount={line.approvedAmount} />
                {line.decision && line.decision !== 'APPROVED' && (
                  <div className="hint">
                    {t(`warranty.review.lineDecision.${line.decision.toLowerCase() as 'reduced'}`)}
                    {line.decisionReason && `: ${line.decisionReason}`}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={3}>{t('warranty.review.detail.total')}</th>
            <td className="num">
              <Money amount={claim.requestedAmount} />
            </td>
            <td className="num">
              <Money amount={claim.approvedAmount} />
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function Files({ item }: { item: Submission }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<string | null>(null);
  const [{ data, fetching }] = useQuery({
    query: WarrantyReviewFileDocument,
    variables: { id: item.id },
    pause: shown === null,
  });
  const content = data?.warrantySubmission?.files.find((f) => f.id === shown) ?? null;
  return (
    <section className="panel" aria-labelledby="review-files">
      <div className="panel-header">
        <h2 id="review-files">{t('warranty.review.detail.files')}</h2>
      </div>
      {item.files.length === 0 ? (
        <p className="empty">{t('warranty.review.detail.noFiles')}</p>
      ) : (
        <ul className="review-list" data-testid="review-files">
          {item.files.map((f) => (
            <li key={f.id}>
              <span className="mono">{f.fileName}</span> <span className="hint">({Math.ceil(f.sizeBytes / 1024)} KB)</span>{' '}
              <button
                type="button"
                className="button button-secondary button-small"
                aria-expanded={shown === f.id}
                onClick={() => setShown(shown === f.id ? null : f.id)}
              >
                {shown === f.id ? t('warranty.review.detail.hideFile') : t('warranty.review.detail.showFile')}
              </button>
              {shown === f.id &&
                (fetching || !content?.dataUrl ? (
                  <Loading />
                ) : content.contentType.startsWith('image/') ? (
                  <img src={content.dataUrl} alt={content.fileName} style={{ display: 'block', maxWidth: '100%', marginTop: 8 }} />
                ) : (
                  <a href={content.dataUrl} download={content.fileName}>
                    {content.fileName}
                  </a>
                ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Decisions({ item }: { item: Submission }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="review-decisions">
      <div className="panel-header">
        <h2 id="review-decisions">{t('warranty.review.detail.decisions')}</h2>
      </div>
      {item.decisions.length === 0 ? (
        <p className="empty">{t('warranty.review.detail.noDecisions')}</p>
      ) : (
        <ul className="review-list" data-testid="review-decisions">
          {item.decisions.map((d, n) => (
            <li key={n} data-testid="review-decision" data-decision={d.decision.toLowerCase()}>
              <DecisionText decision={d.decision} /> {d.approvedAmount !== null && <Money amount={d.approvedAmount} />}{' '}
              <span className="hint">
                <When at={d.decidedAt} /> ·{' '}
                {d.decidedByName
                  ? t('warranty.review.detail.decidedBy', { name: d.decidedByName })
                  : t('warranty.review.detail.via', {
                      source: t(`warranty.review.source.${d.source.toLowerCase() as 'inbox'}`),
                    })}
              </span>
              {d.reason && <div>{d.reason}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History({ item }: { item: Submission }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="review-history">
      <div className="panel-header">
        <h2 id="review-history">{t('warranty.review.detail.history')}</h2>
      </div>
      <ol className="review-list" data-testid="review-history">
        {item.history.map((h, n) => (
          <li key={n}>
            <When at={h.at} /> <ClaimStatusPill status={h.toStatus} />{' '}
            <span className="hint">{h.actorName ?? (h.actor || t('warranty.review.detail.systemActor'))}</span>
            {h.note && <div className="muted">{h.note}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
