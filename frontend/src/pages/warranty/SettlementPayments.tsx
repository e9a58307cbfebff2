import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { dealerToday } from '../../dates';
import { RecordWarrantyPaymentDocument, SettlementPaymentsDocument } from '../../gql/graphql';
import { useViewer } from '../../session';
import { SettlementAllocation } from './SettlementAllocation';
import { SettlementClaims } from './SettlementClaims';
import { SettlementMonthly } from './SettlementMonthly';

type Tab = 'payments' | 'claims' | 'monthly';

/** 三包费用结算: the manufacturer's payments and their allocation, claim differences, the months. */
export function SettlementPayments() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('payments');
  const tabs: [Tab, string][] = [
    ['payments', t('warranty.settlement.tabPayments')],
    ['claims', t('warranty.settlement.tabClaims')],
    ['monthly', t('warranty.settlement.tabMonthly')],
  ];
  return (
    <div className="page page-wide" data-testid="page-settlement">
      <PageHeader title={t('warranty.settlement.title')} intro={t('warranty.settlement.intro')} />
      <div className="segmented segmented-light" role="tablist" aria-label={t('warranty.settlement.title')} style={{ marginBottom: 12 }}>
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            aria-selected={tab === key}
            className={tab === key ? 'active' : undefined}
            data-testid={`settlement-tab-${key}`}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'payments' && <Payments />}
      {tab === 'claims' && <SettlementClaims />}
      {tab === 'monthly' && <SettlementMonthly />}
    </div>
  );
}

function Payments() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [search, setSearch] = useState('');
  const [unallocatedOnly, setUnallocatedOnly] = useState(false);
  const [after, setAfter] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SettlementPaymentsDocument,
    variables: { search: search.trim() || null, unallocatedOnly, after },
    requestPolicy: 'cache-and-network',
  });
  const payments = (data?.warrantyPayments.edges ?? []).map((e) => e.node);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <>
      {can(viewer, 'settlement', 'collect') && (
        <RecordPayment
          onRecorded={(id) => {
            setChosen(id);
            reload();
          }}
        />
      )}
      <div className="split">
        <section className="panel" data-testid="settlement-payments">
          <div className="panel-header">
            <input
              className="filter"
              type="search"
              placeholder={t('warranty.settlement.payments.search')}
              aria-label={t('warranty.settlement.payments.search')}
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                setAfter(null);
              }}
            />
            <label className="inline-list nowrap" style={{ alignItems: 'center', flexWrap: 'nowrap' }}>
              <input
                type="checkbox"
                checked={unallocatedOnly}
                onChange={(e) => {
                  setUnallocatedOnly(e.target.checked);
                  setAfter(null);
                }}
              />{' '}
              {t('warranty.settlement.payments.unallocatedOnly')}
            </label>
          </div>
          {error ? (
            <ErrorPanel error={error} onRetry={reload} />
          ) : fetching && !data ? (
            <Loading />
          ) : payments.length === 0 ? (
            <p className="empty">{t('warranty.settlement.payments.none')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('warranty.settlement.payments.reference')}</th>
                  <th scope="col">{t('warranty.settlement.payments.paidOn')}</th>
                  <th scope="col" className="amount">
                    {t('warranty.settlement.payments.amount')}
                  </th>
                  <th scope="col" className="amount">
                    {t('warranty.settlement.payments.unallocated')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr
                    key={p.id}
                    className={p.id === chosen ? 'row-highlight' : undefined}
                    data-testid="payment-row"
                    data-reference={p.reference}
                    tabIndex={0}
                    style={{ cursor: 'pointer' }}
                    onClick={() => setChosen(p.id)}
                    onKeyDown={(e) => e.key === 'Enter' && setChosen(p.id)}
                  >
                    <td>
                      <span className="mono">{p.reference}</span>
                      {p.note && <div className="hint">{p.note}</div>}
                    </td>
                    <td className="nowrap">{p.paidOn}</td>
                    <td className="amount">
                      <Money amount={p.amount} />
                    </td>
                    <td className="amount" data-testid="payment-unallocated" data-value={p.unallocated}>
                      <Money amount={p.unallocated} />
                      {Number(p.unallocated) !== 0 && <div className="pill pill-warn">{t('warranty.settlement.payments.leftOver')}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data?.warrantyPayments.pageInfo.hasNextPage && (
            <button type="button" className="button button-secondary" onClick={() => setAfter(data.warrantyPayments.pageInfo.endCursor)}>
              {t('warranty.settlement.claims.more')}
            </button>
          )}
        </section>
        {chosen ? (
          <SettlementAllocation paymentId={chosen} onChanged={reload} />
        ) : (
          <section className="panel">
            <p className="empty">{t('warranty.settlement.payments.pick')}</p>
          </section>
        )}
      </div>
    </>
  );
}

function RecordPayment({ onRecorded }: { onRecorded: (id: string) => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const today = dealerToday(viewer.currentDealer?.timeZone);
  const [form, setForm] = useState({ reference: '', paidOn: today, amount: '', note: '' });
  const record = useAction(RecordWarrantyPaymentDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await record.run({ input: form });
    if (result.data) {
      setForm({ reference: '', paidOn: today, amount: '', note: '' });
      onRecorded(result.data.recordWarrantyPayment.id);
    }
  };

  return (
    <section className="panel" data-testid="settlement-record">
      <h2>{t('warranty.settlement.record.heading')}</h2>
      <MutationError error={record.error} />
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <label className="control">
          <span>{t('warranty.settlement.record.reference')}</span>
          <input className="input mono" required value={form.reference} data-testid="payment-reference" onChange={(e) => setForm({ ...form, reference: e.target.value })} />
        </label>
        <label className="control">
          <span>{t('warranty.settlement.record.paidOn')}</span>
          <input className="input" type="date" required max={today} value={form.paidOn} data-testid="payment-paid-on" onChange={(e) => setForm({ ...form, paidOn: e.target.value })} />
        </label>
        <label className="control">
          <span>
            {t('warranty.settlement.record.amount')} <span className="hint">{t('warranty.settlement.record.amountHint')}</span>
          </span>
          <input
            className="input input-num"
            required
            inputMode="decimal"
            pattern="-?[0-9]+(\.[0-9]{1,2})?"
            value={form.amount}
            data-testid="payment-amount"
            onChange={(e) => setForm({ ...form, amount: e.target.value.trim() })}
          />
        </label>
        <label className="control">
          <span>{t('warranty.settlement.record.note')}</span>
          <input className="input" value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
        </label>
        <div className="control" style={{ justifyContent: 'flex-end' }}>
          <button type="submit" className="button button-primary" disabled={record.pending} data-testid="payment-record">
            {t('warranty.settlement.record.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
