import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  ClaimOrderByNumberDocument,
  CreateWarrantyClaimDocument,
  OrderWarrantyDocument,
  type OrderWarrantyFieldsFragment,
  type WarrantyClaimType,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { WarrantyWarningsList } from './ClaimBits';
import { CausalPartPicker, orderParts, PREPARED_TYPES, ThreeCFields, type PartChoice, type ThreeC } from './ClaimFields';
import { WarrantyLinesTable, warrantyLines } from './ClaimOrderLines';

/** 新建索赔: pick the order (by number, or from its page), its lines for one fault, the 3C. */
export function ClaimNew() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const orderId = params.get('order');
  const [number, setNumber] = useState('');
  const [asked, setAsked] = useState('');
  const [byId, refetchById] = useQuery({ query: OrderWarrantyDocument, variables: { id: orderId ?? '' }, pause: !orderId });
  const [byNumber, refetchByNumber] = useQuery({ query: ClaimOrderByNumberDocument, variables: { number: asked }, pause: !asked || !!orderId });
  const order: OrderWarrantyFieldsFragment | null = orderId
    ? byId.data?.node?.__typename === 'RepairOrder'
      ? (byId.data.node as OrderWarrantyFieldsFragment)
      : null
    : (byNumber.data?.repairOrderByNumber ?? null);
  const state = orderId ? byId : byNumber;
  const reload = () => (orderId ? refetchById : refetchByNumber)({ requestPolicy: 'network-only' });

  return (
    <div className="page page-wide" data-testid="page-claim-new">
      <PageHeader title={t('warranty.claims.build.title')} intro={t('warranty.claims.build.intro')} />
      {!orderId && (
        <form
          className="panel inline-list"
          onSubmit={(e) => {
            e.preventDefault();
            setAsked(number.trim());
          }}
        >
          <label className="control">
            <span>{t('warranty.claims.build.orderNumber')}</span>
            <input className="input mono" value={number} data-testid="claim-order-number" onChange={(e) => setNumber(e.target.value)} />
          </label>
          <button type="submit" className="button button-secondary" disabled={!number.trim()} data-testid="claim-find-order">
            {t('warranty.claims.build.findOrder')}
          </button>
        </form>
      )}
      {state.error ? (
        <ErrorPanel error={state.error} onRetry={reload} />
      ) : state.fetching && !state.data ? (
        <Loading />
      ) : order ? (
        <ClaimBuilder key={order.id} order={order} reload={reload} onOrderChosen={(id) => setParams({ order: id })} />
      ) : (
        (orderId || asked) && <p className="empty">{t('warranty.claims.build.noOrder')}</p>
      )}
    </div>
  );
}

/** The claim type the chosen lines are covered as (a recall, the first service, else standard). */
function suggestedType(order: OrderWarrantyFieldsFragment, selected: Set<string>): { type: WarrantyClaimType; campaignId: string | null } {
  const reasons = warrantyLines(order)
    .filter((l) => selected.has(l.id))
    .map((l) => l.warrantyEligibility);
  const campaign = reasons.find((e) => e?.reason === 'CAMPAIGN')?.campaign ?? null;
  if (reasons.length > 0 && reasons.every((e) => e?.reason === 'CAMPAIGN')) return { type: 'CAMPAIGN', campaignId: campaign?.id ?? null };
  if (reasons.length > 0 && reasons.every((e) => e?.reason === 'FIRST_SERVICE')) return { type: 'FIRST_SERVICE', campaignId: null };
  return { type: 'STANDARD', campaignId: null };
}

function ClaimBuilder({ order, reload, onOrderChosen }: { order: OrderWarrantyFieldsFragment; reload: () => void; onOrderChosen: (id: string) => void }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const create = useAction(CreateWarrantyClaimDocument);
  const free = useMemo(() => warrantyLines(order).filter((l) => !l.warrantyClaim), [order]);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(free.map((l) => l.id)));
  const [claimType, setClaimType] = useState<WarrantyClaimType>('STANDARD');
  const [campaignId, setCampaignId] = useState<string | null>(null);
  const [typeTouched, setTypeTouched] = useState(false);
  const [faultCode, setFaultCode] = useState('');
  const [faultDate, setFaultDate] = useState('');
  const [threeC, setThreeC] = useState<ThreeC>({ complaint: order.customerDescription, cause: '', correction: '' });
  const offered = orderParts(order);
  const [causalPart, setCausalPart] = useState<PartChoice | null>(null);
  const campaigns = order.vehicle?.openWarrantyCampaigns ?? [];

  useEffect(() => {
    if (typeTouched) return;
    const suggestion = suggestedType(order, selected);
    setClaimType(suggestion.type);
    setCampaignId(suggestion.campaignId);
  }, [order, selected, typeTouched]);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const ready = selected.size > 0 && faultCode.trim() !== '' && (claimType !== 'CAMPAIGN' || !!campaignId);

  return (
    <div data-testid="claim-builder">
      <section className="panel">
        <div className="panel-header">
          <h2>
            <span className="mono">{order.number}</span> · <span className="plate">{order.vehicle?.plateDisplay}</span> {order.vehicle?.model}
          </h2>
          <span className="mono muted">{order.vehicle?.vin}</span>
        </div>
        <WarrantyWarningsList warnings={order.vehicle?.warrantyWarnings ?? []} campaigns={campaigns} showNone={false} />
        <h3>{t('warranty.claims.build.lines')}</h3>
        <WarrantyLinesTable
          order={order}
          selected={selected}
          onToggle={toggle}
          onChanged={() => {
            onOrderChosen(order.id);
            reload();
          }}
        />
      </section>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          void create
            .run({
              input: {
                orderId: order.id,
                lineIds: [...selected],
                faultCode: faultCode.trim(),
                claimType,
                campaignId: claimType === 'CAMPAIGN' ? campaignId : null,
                faultDate: faultDate || null,
                complaint: threeC.complaint,
                cause: threeC.cause,
                correction: threeC.correction,
                causalPartId: causalPart?.id ?? null,
              },
            })
            .then((r) => r.data && navigate(`/warranty/claims/${r.data.createWarrantyClaim.id}`));
        }}
      >
        <div className="form-grid claim-3c">
          <label className="control">
            <span>
              {t('warranty.claims.build.faultCode')} <span className="hint">{t('warranty.claims.build.faultCodeHint')}</span>
            </span>
            <input
              className="input mono"
              required
              maxLength={32}
              value={faultCode}
              data-testid="claim-fault-code"
              onChange={(e) => setFaultCode(e.target.value.toUpperCase())}
            />
          </label>
          <label className="control">
            <span>{t('warranty.claims.build.faultDate')}</span>
            <input className="input" type="date" value={faultDate} data-testid="claim-fault-date" onChange={(e) => setFaultDate(e.target.value)} />
          </label>
          <label className="control">
            <span>{t('warranty.claims.build.claimType')}</span>
            <select
              className="select"
              value={claimType}
              data-testid="claim-type"
              onChange={(e) => {
                setTypeTouched(true);
                setClaimType(e.target.value as WarrantyClaimType);
              }}
            >
              {PREPARED_TYPES.map((c) => (
                <option key={c} value={c}>
                  {t(`warranty.claims.type.${c.toLowerCase()}` as 'warranty.claims.type.standard')}
                </option>
              ))}
            </select>
          </label>
          {claimType === 'CAMPAIGN' && (
            <label className="control">
              <span>{t('warranty.claims.build.campaign')}</span>
              <select className="select" value={campaignId ?? ''} data-testid="claim-campaign" onChange={(e) => setCampaignId(e.target.value || null)}>
                <option value="" />
                {campaigns.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code} {local(c.title, c.titleZh)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <CausalPartPicker value={causalPart} onChange={setCausalPart} offered={offered} />
          <ThreeCFields value={threeC} onChange={setThreeC} />
        </div>
        <p className="hint">{t('warranty.claims.build.goodwillNote')}</p>
        <MutationError error={create.error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={!ready || create.pending} data-testid="claim-create">
            {create.pending ? t('warranty.claims.build.creating') : t('warranty.claims.build.create')}
          </button>
        </div>
      </form>
    </div>
  );
}
