import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { CheckRevisitContactDocument, RevisitContactChecksDocument, type RevisitContactChecksQuery } from '../../gql/graphql';
import { useViewer } from '../../session';
import { AttemptHistory, RevisitFacts, useRevisitLabels } from './RevisitBits';

type Check = RevisitContactChecksQuery['revisitContactChecks'][number];

/** 核实客户信息: the advisor checks the numbers of a failed revisit, then it is called again. */
export function ContactChecks() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const mayAll = can(viewer, 'revisit', 'assign');
  const [mine, setMine] = useState(true);
  const [done, setDone] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: RevisitContactChecksDocument,
    variables: { mine },
    requestPolicy: 'cache-and-network',
  });
  const checks = data?.revisitContactChecks ?? [];

  return (
    <div className="page page-wide" data-testid="page-contact-checks">
      <PageHeader title={t('care.revisits.checks.title')} intro={t('care.revisits.checks.intro')} />
      {mayAll && (
        <div className="segmented segmented-light" role="tablist" aria-label={t('care.revisits.checks.title')} style={{ marginBottom: 12 }}>
          {([true, false] as const).map((value) => (
            <button
              key={String(value)}
              type="button"
              role="tab"
              aria-selected={mine === value}
              className={mine === value ? 'active' : undefined}
              data-testid={`contact-checks-${value ? 'mine' : 'all'}`}
              onClick={() => setMine(value)}
            >
              {value ? t('care.revisits.checks.mine') : t('care.revisits.checks.all')}
            </button>
          ))}
        </div>
      )}
      {done && (
        <div className="alert alert-info" role="status" data-testid="contact-check-done">
          {done}
        </div>
      )}
      {error && <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {!data && fetching && <Loading />}
      {data && checks.length === 0 && (
        <p className="muted" data-testid="contact-checks-empty">
          {t('care.revisits.checks.empty')}
        </p>
      )}
      {checks.map((check) => (
        <CheckPanel
          key={check.id}
          check={check}
          onDone={(status) => {
            setDone(status);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      ))}
    </div>
  );
}

function CheckPanel({ check, onDone }: { check: Check; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const labels = useRevisitLabels();
  const action = useAction(CheckRevisitContactDocument);
  const [phone, setPhone] = useState(check.customerPhone);
  const [altPhone, setAltPhone] = useState(check.customerAltPhone);
  const [note, setNote] = useState('');

  const submit = async (event: FormEvent, confirmUnreachable: boolean) => {
    event.preventDefault();
    const result = await action.run({
      input: confirmUnreachable
        ? { revisitId: check.id, note, confirmUnreachable: true }
        : {
            revisitId: check.id,
            phone: phone.trim() !== check.customerPhone ? phone : null,
            altPhone: altPhone.trim() !== check.customerAltPhone ? altPhone : null,
            note,
          },
    });
    if (result.data) {
      onDone(t('care.revisits.checks.done', { status: labels.status(result.data.checkRevisitContact.status) }));
    }
  };

  return (
    <section className="panel" data-testid="contact-check" data-order={check.orderNumber}>
      <div className="revisit-call-grid">
        <div>
          <p>
            <strong>{t('care.revisits.checks.reason')}: </strong>
            <span data-testid="contact-check-reason">{check.failureReason ? labels.failure(check.failureReason) : '—'}</span>
          </p>
          <RevisitFacts revisit={check} />
          <AttemptHistory attempts={check.attemptLog} />
        </div>
        <form onSubmit={(e) => submit(e, false)}>
          <label className="field">
            <span>{t('care.revisits.checks.phone')}</span>
            <input value={phone} inputMode="tel" data-testid="contact-check-phone" onChange={(e) => setPhone(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('care.revisits.checks.altPhone')}</span>
            <input value={altPhone} inputMode="tel" data-testid="contact-check-alt-phone" onChange={(e) => setAltPhone(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('care.revisits.checks.note')}</span>
            <input value={note} data-testid="contact-check-note" onChange={(e) => setNote(e.target.value)} />
          </label>
          <MutationError error={action.error} />
          <div className="page-actions">
            <button type="submit" className="button button-primary" disabled={action.pending} data-testid="contact-check-retry">
              {t('care.revisits.checks.retry')}
            </button>
            <button
              type="button"
              className="button button-secondary"
              disabled={action.pending}
              data-testid="contact-check-unreachable"
              onClick={(e) => submit(e, true)}
            >
              {t('care.revisits.checks.confirmUnreachable')}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
