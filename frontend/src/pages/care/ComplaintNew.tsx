import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import {
  OpenComplaintDocument,
  SearchCustomersDocument,
  type ComplaintChannel,
  type ComplaintLevel,
  type SearchCustomersQuery,
} from '../../gql/graphql';
import { COMPLAINT_LEVELS } from './ComplaintBits';

const CHANNELS: ComplaintChannel[] = ['PHONE', 'ON_SITE', 'REVISIT', 'LETTER', 'EMAIL', 'WEBSITE', 'MEDIA', 'WECHAT', 'GOVERNMENT'];
type FoundCustomer = SearchCustomersQuery['customers']['edges'][number]['node'];

/** 登记投诉: a new complaint ticket (工联单) for a customer found by name, phone, plate or VIN. */
export function ComplaintNew() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [customer, setCustomer] = useState<FoundCustomer | null>(null);
  const [vehicleId, setVehicleId] = useState('');
  const [channel, setChannel] = useState<ComplaintChannel>('PHONE');
  const [level, setLevel] = useState<ComplaintLevel>('GENERAL');
  const [summary, setSummary] = useState('');
  const [detail, setDetail] = useState('');
  const search = useDebounced(query.trim());
  const [{ data, fetching }] = useQuery({
    query: SearchCustomersDocument,
    variables: { search, first: 10 },
    pause: search.length === 0 || customer !== null,
  });
  const open = useAction(OpenComplaintDocument);
  const [missingCustomer, setMissingCustomer] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!customer) {
      setMissingCustomer(true);
      return;
    }
    const result = await open.run({
      input: { customerId: customer.id, vehicleId: vehicleId || null, channel, level, summary, detail },
    });
    if (result.data) navigate(`/care/complaints/${result.data.openComplaint.id}`);
  };

  return (
    <div className="page" data-testid="page-complaint-new">
      <PageHeader title={t('care.complaints.form.title')} intro={t('care.complaints.form.intro')} />
      <p>
        <Link to="/care/complaints">← {t('care.complaints.ticket.back')}</Link>
      </p>
      <form className="panel form-grid" onSubmit={submit} aria-label={t('care.complaints.form.title')}>
        <div className="span-2">
          {customer ? (
            <div className="control">
              <span>{t('care.complaints.form.customer')}</span>
              <div data-testid="complaint-customer">
                <strong>{customer.name}</strong> <span className="muted mono">{customer.phone}</span>{' '}
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => {
                    setCustomer(null);
                    setVehicleId('');
                  }}
                >
                  {t('care.complaints.form.change')}
                </button>
              </div>
            </div>
          ) : (
            <SearchPicker
              label={t('care.complaints.form.customer')}
              placeholder={t('care.complaints.form.customerPlaceholder')}
              query={query}
              onQuery={setQuery}
              results={(data?.customers.edges ?? []).map((e) => e.node)}
              fetching={fetching}
              keyOf={(c) => c.id}
              testId="complaint-customer-search"
              autoFocus
              render={(c) => (
                <div>
                  {c.name} <span className="mono muted">{c.phone}</span>
                  <div className="muted">{c.vehicles.map((v) => v.plateDisplay || v.vin).join(' · ')}</div>
                </div>
              )}
              onPick={(c) => {
                setCustomer(c);
                setMissingCustomer(false);
                setVehicleId(c.vehicles.length === 1 ? (c.vehicles[0]?.id ?? '') : '');
              }}
            />
          )}
          {missingCustomer && (
            <div className="alert alert-warn" role="alert">
              {t('care.complaints.form.pickCustomer')}
            </div>
          )}
        </div>
        <label className="control">
          <span>{t('care.complaints.form.vehicle')}</span>
          <select
            className="select"
            value={vehicleId}
            data-testid="complaint-vehicle"
            disabled={!customer}
            onChange={(e) => setVehicleId(e.target.value)}
          >
            <option value="">{t('care.complaints.form.noVehicle')}</option>
            {(customer?.vehicles ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.plateDisplay || v.plate} {v.model} {v.vin}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>{t('care.complaints.form.channel')}</span>
          <select
            className="select"
            value={channel}
            data-testid="complaint-channel"
            onChange={(e) => setChannel(e.target.value as ComplaintChannel)}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`care.complaints.channel.${c.toLowerCase()}` as 'care.complaints.channel.phone')}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>{t('care.complaints.form.level')}</span>
          <select
            className="select"
            value={level}
            data-testid="complaint-level-input"
            onChange={(e) => setLevel(e.target.value as ComplaintLevel)}
          >
            {COMPLAINT_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`care.complaints.level.${l.toLowerCase()}` as 'care.complaints.level.general')}
              </option>
            ))}
          </select>
        </label>
        <label className="control span-2">
          <span>{t('care.complaints.form.summary')}</span>
          <input
            className="input"
            required
            value={summary}
            data-testid="complaint-summary"
            onChange={(e) => setSummary(e.target.value)}
          />
        </label>
        <label className="control span-2">
          <span>{t('care.complaints.form.detail')}</span>
          <textarea className="input" rows={4} value={detail} data-testid="complaint-detail" onChange={(e) => setDetail(e.target.value)} />
        </label>
        <div className="span-2">
          <MutationError error={open.error} />
          <button type="submit" className="button button-primary" disabled={open.pending} data-testid="complaint-submit">
            {t('care.complaints.form.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
