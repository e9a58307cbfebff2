import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { ComplaintDocument, type ComplaintDetailFragment } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { ComplaintLevelPill, ComplaintStatusPill, Countdown, dynamicT } from './ComplaintBits';
import { ComplaintSteps } from './ComplaintSteps';

/** Codes the system writes as the note of its own actions (intake rule, timer). */
const SYSTEM_NOTES = ['dealer_rule', 'severe', 'overdue'];

/** 投诉工联单: one ticket, its deadline countdown, its timeline and the viewer's next steps. */
export function ComplaintPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ComplaintDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (error) return <ErrorPanel error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  const complaint = data?.complaint;
  if (!complaint) {
    return (
      <div className="page">
        <p className="empty" data-testid="complaint-not-found">
          {t('care.complaints.ticket.notFound')}
        </p>
      </div>
    );
  }
  return (
    <div className="page page-wide" data-testid="page-complaint" data-status={complaint.status.toLowerCase()}>
      <PageHeader
        title={`${complaint.number} · ${complaint.summary}`}
        intro={
          <>
            <ComplaintLevelPill level={complaint.level} /> <ComplaintStatusPill status={complaint.status} />{' '}
            <Countdown at={complaint.deadlineAt} overdue={complaint.overdue} />
          </>
        }
      />
      <p>
        <Link to="/care/complaints">← {t('care.complaints.ticket.back')}</Link>
      </p>
      <div className="two-columns" style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: 16 }}>
        <section className="panel">
          <Facts complaint={complaint} />
        </section>
        <section className="panel" aria-label={t('care.complaints.ticket.steps')} data-testid="complaint-steps">
          <h2>{t('care.complaints.ticket.steps')}</h2>
          <ComplaintSteps complaint={complaint} onDone={reload} />
        </section>
      </div>
      <section className="panel">
        <h2>{t('care.complaints.ticket.timeline')}</h2>
        <Timeline complaint={complaint} />
      </section>
    </div>
  );
}

function Facts({ complaint: c }: { complaint: ComplaintDetailFragment }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const d = dynamicT(t);
  return (
    <dl className="complaint-facts" data-testid="complaint-facts">
      <dt>{t('care.complaints.ticket.customer')}</dt>
      <dd>
        {c.customerName} <span className="mono muted">{c.customerPhone}</span>
      </dd>
      <dt>{t('care.complaints.ticket.vehicle')}</dt>
      <dd>{c.vehiclePlate ? `${c.vehiclePlate} ${c.vehicleModel ?? ''} ${c.vehicleVin ?? ''}` : '—'}</dd>
      {c.repairOrderId && (
        <>
          <dt>{t('care.complaints.ticket.order')}</dt>
          <dd>
            <Link to={`/orders/${c.repairOrderId}`} className="mono">
              {c.repairOrderNumber}
            </Link>
          </dd>
        </>
      )}
      {c.revisitId && (
        <>
          <dt>{t('care.complaints.ticket.revisit')}</dt>
          <dd>
            <Link to={`/care/revisits/${c.revisitId}`}>{t('care.complaints.channel.revisit')}</Link>
          </dd>
        </>
      )}
      <dt>{t('care.complaints.ticket.channel')}</dt>
      <dd>{d(`care.complaints.channel.${c.channel.toLowerCase()}`)}</dd>
      <dt>{t('care.complaints.ticket.received')}</dt>
      <dd>
        <When at={c.receivedAt} /> · {localized(c.dealerName, c.dealerNameZh)}
      </dd>
      <dt>{t('care.complaints.ticket.department')}</dt>
      <dd data-testid="complaint-department">{c.department ? d(`care.complaints.department.${c.department.toLowerCase()}`) : '—'}</dd>
      <dt>{t('care.complaints.ticket.responsible')}</dt>
      <dd>{c.responsibleName ?? t('care.complaints.ticket.nobody')}</dd>
      <dt>{t('care.complaints.ticket.dueAt')}</dt>
      <dd>
        <When at={c.dueAt} />
      </dd>
      {c.agreedDueAt && (
        <>
          <dt>{t('care.complaints.ticket.agreedDueAt')}</dt>
          <dd>
            <When at={c.agreedDueAt} />
          </dd>
        </>
      )}
      {c.escalationLevel > 0 && (
        <>
          <dt>{t('care.complaints.list.status')}</dt>
          <dd data-testid="complaint-escalation">{d(`care.complaints.escalation.${c.escalationLevel}`)}</dd>
        </>
      )}
      {c.resolution && (
        <>
          <dt>{t('care.complaints.ticket.resolution')}</dt>
          <dd>{c.resolution}</dd>
        </>
      )}
      {c.customerFeedback && (
        <>
          <dt>{t('care.complaints.ticket.feedback')}</dt>
          <dd>{c.customerFeedback}</dd>
        </>
      )}
      {c.detail && (
        <>
          <dt>{t('care.complaints.form.detail')}</dt>
          <dd style={{ whiteSpace: 'pre-wrap' }}>{c.detail}</dd>
        </>
      )}
    </dl>
  );
}

function Timeline({ complaint }: { complaint: ComplaintDetailFragment }) {
  const { t } = useTranslation();
  const d = dynamicT(t);
  return (
    <ol className="complaint-timeline" data-testid="complaint-timeline">
      {complaint.actions.map((a) => (
        <li key={a.id} data-kind={a.kind.toLowerCase()}>
          <strong>{d(`care.complaints.action.${a.kind.toLowerCase()}`, { level: a.escalationLevel ?? '' })}</strong>{' '}
          <span className="muted">
            <When at={a.at} /> · {a.actorName ?? t('care.complaints.ticket.system')}
          </span>
          {a.dueAt && (
            <span className="muted">
              {' '}
              → <When at={a.dueAt} />
            </span>
          )}
          {a.note && <div>{a.actorName == null && SYSTEM_NOTES.includes(a.note) ? d(`care.complaints.systemNote.${a.note}`) : a.note}</div>}
        </li>
      ))}
    </ol>
  );
}
