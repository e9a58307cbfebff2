import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import type { DamageKind, DamageMark } from '../../components/CarDiagram';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { CHECKLIST_ITEMS, EMPTY_WALKAROUND, WalkaroundForm, type WalkaroundValue } from '../../components/WalkaroundForm';
import {
  RecordWalkaroundDocument,
  RepairOrderDocument,
  SignWalkaroundDocument,
  type OrderFieldsFragment,
  type WalkaroundFieldsFragment,
} from '../../gql/graphql';

/** The server's walk-around as the form's value (to show it again, signed or not). */
function fromServer(w: WalkaroundFieldsFragment): WalkaroundValue {
  const checklist: WalkaroundValue['checklist'] = {};
  for (const c of w.checklist) {
    if ((CHECKLIST_ITEMS as readonly string[]).includes(c.item)) {
      checklist[c.item as (typeof CHECKLIST_ITEMS)[number]] = { state: c.ok ? 'ok' : 'issue', note: c.note };
    }
  }
  return {
    checklist,
    damageMarks: w.damageMarks.map((m) => ({ x: m.x ?? 0.5, y: m.y ?? 0.5, panel: m.zone, kind: m.kind as DamageKind, note: m.note })),
    valuables: w.valuables,
    fuelLevel: w.fuelLevel ?? null,
    odometerKm: w.odometerKm != null ? String(w.odometerKm) : '',
    customerSignature: w.signature ?? null,
  };
}

function toChecklist(value: WalkaroundValue) {
  const items = CHECKLIST_ITEMS.map((item) => ({
    item,
    ok: value.checklist[item]?.state !== 'issue',
    note: value.checklist[item]?.note ?? '',
  }));
  // The digest's fuel, odometer and valuables steps are the fields below the diagram.
  return [
    ...items,
    { item: 'fuel_level', ok: true, note: '' },
    { item: 'odometer', ok: true, note: '' },
    { item: 'valuables', ok: true, note: value.valuables.trim() },
  ];
}

function toMarks(marks: DamageMark[]) {
  return marks.map((m) => ({ zone: m.panel, kind: m.kind, note: m.note, x: m.x, y: m.y }));
}

/** 环车检查 of one order: record it with the customer, who then signs it. */
export function WalkaroundPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, error, fetching }] = useQuery({ query: RepairOrderDocument, variables: { id } });
  const order = data?.node?.__typename === 'RepairOrder' ? (data.node as OrderFieldsFragment) : null;
  const [value, setValue] = useState<WalkaroundValue>(EMPTY_WALKAROUND);
  const [loaded, setLoaded] = useState(false);
  const record = useAction(RecordWalkaroundDocument);
  const sign = useAction(SignWalkaroundDocument);

  useEffect(() => {
    if (!order || loaded) return;
    setLoaded(true);
    if (order.walkaround) setValue(fromServer(order.walkaround));
    else setValue({ ...EMPTY_WALKAROUND, odometerKm: order.mileageIn != null ? String(order.mileageIn) : '' });
  }, [order, loaded]);

  if (error) return <ErrorPanel error={error} />;
  if (fetching && !data) return <Loading />;
  if (!order) return <p className="empty">{t('errors.NOT_FOUND')}</p>;
  const signed = !!order.walkaround?.signed;
  const complete = CHECKLIST_ITEMS.every((item) => value.checklist[item]) && value.fuelLevel != null && value.odometerKm !== '';

  const save = async () => {
    const recorded = await record.run({
      input: {
        orderId: order.id,
        checklist: toChecklist(value),
        damageMarks: toMarks(value.damageMarks),
        valuables: value.valuables,
        fuelLevel: value.fuelLevel ?? 0,
        odometerKm: Number(value.odometerKm || 0),
      },
    });
    if (!recorded.data) return;
    if (value.customerSignature) {
      const signedResult = await sign.run({ orderId: order.id, signature: value.customerSignature });
      if (!signedResult.data) return;
    }
    navigate(`/orders/${order.id}`);
  };

  return (
    <div className="page page-wide" data-testid="page-walkaround" data-order-id={order.id}>
      <PageHeader
        title={`${t('walkaround.title')} · ${order.number}`}
        intro={
          <>
            <span className="plate">{order.vehicle?.plateDisplay}</span> {order.vehicle?.model} · {order.customer?.name} — {t('walkaround.intro')}
          </>
        }
        actions={
          <Link className="button button-secondary" to={`/orders/${order.id}`}>
            {t('common.back')}
          </Link>
        }
      />
      {order.walkaround && (
        <div className="alert alert-info">
          <span>{t('walkaround.recorded')}</span> <When at={order.walkaround.recordedAt} />
          {signed && <span className="pill pill-ok">{t('walkaround.shownToCustomer')}</span>}
        </div>
      )}
      <WalkaroundForm value={value} onChange={setValue} readOnly={signed} />
      <MutationError error={record.error ?? sign.error} />
      {!signed && (
        <div className="form-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={!complete || record.pending || sign.pending}
            data-testid="save-walkaround"
            onClick={() => void save()}
          >
            {record.pending || sign.pending ? t('common.saving') : t('walkaround.save')}
          </button>
        </div>
      )}
    </div>
  );
}
