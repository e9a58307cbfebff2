import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { OrderWarrantyDocument, type OrderWarrantyFieldsFragment } from '../../gql/graphql';
import { useViewer } from '../../session';
import { EligibilityBadge, WarrantyWarningsList } from './ClaimBits';
import { WarrantyLinesTable, warrantyLines } from './ClaimOrderLines';

/** The order's warranty facts, one query shared by the panel and the line badges (urql dedupes). */
function useOrderWarranty(orderId: string) {
  const [result, refetch] = useQuery({ query: OrderWarrantyDocument, variables: { id: orderId }, requestPolicy: 'cache-and-network' });
  const order = result.data?.node?.__typename === 'RepairOrder' ? (result.data.node as OrderWarrantyFieldsFragment) : null;
  return { order, result, reload: () => refetch({ requestPolicy: 'network-only' }) };
}

/** Covered or not, on a warranty line of the order's line table. */
export function OrderLineEligibility({ orderId, lineId }: { orderId: string; lineId: string }) {
  const { order } = useOrderWarranty(orderId);
  const line = order?.lines.find((l) => l.id === lineId);
  return <EligibilityBadge eligibility={line?.warrantyEligibility} />;
}

/** 三包预警 and the warranty lines of the order with their coverage and claims. */
export function ClaimOrderPanel({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const { order, result, reload } = useOrderWarranty(orderId);
  if (result.error) return <ErrorPanel error={result.error} onRetry={reload} />;
  if (result.fetching && !result.data) return <Loading />;
  if (!order) return null;
  const lines = warrantyLines(order);
  const warnings = order.vehicle?.warrantyWarnings ?? [];
  const campaigns = order.vehicle?.openWarrantyCampaigns ?? [];
  if (lines.length === 0 && warnings.length === 0 && campaigns.length === 0) return null;
  const free = lines.some((l) => !l.warrantyClaim);
  return (
    <section className="panel" aria-labelledby="order-warranty-heading" data-testid="order-warranty">
      <div className="panel-header">
        <h2 id="order-warranty-heading">{t('warranty.claims.orderPanel.title')}</h2>
        {free && can(viewer, 'warranty_claim', 'create') && (
          <Link className="button button-primary button-small" to={`/warranty/claims/new?order=${encodeURIComponent(order.id)}`} data-testid="order-build-claim">
            {t('warranty.claims.orderPanel.buildClaim')}
          </Link>
        )}
      </div>
      <p className="hint">{t('warranty.claims.orderPanel.intro')}</p>
      <WarrantyWarningsList warnings={warnings} campaigns={campaigns} showNone={false} />
      {lines.length > 0 && <WarrantyLinesTable order={order} onChanged={reload} />}
    </section>
  );
}
