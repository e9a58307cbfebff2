import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { AddCampaignOperationDocument, VehicleOpenCampaignsDocument, type CampaignKind } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import './Campaigns.css';

export interface FlaggedCampaign {
  campaignId: string;
  code: string;
  kind: CampaignKind;
  title: string;
  titleZh: string;
  operation: { id: string; code: string; name: string; nameZh: string; standardHours: string } | null;
}

/**
 * The reception and appointment banner: an open recall or service campaign on the vehicle.
 * With `orderId` one click adds the campaign's operation to the order (warranty, standard
 * hours); with `onAddItem` the booking screen adds it as a campaign item.
 */
export function CampaignFlag({
  vehicleId,
  orderId,
  onAdded,
  onAddItem,
}: {
  vehicleId: string;
  orderId?: string;
  onAdded?: () => void;
  onAddItem?: (campaign: FlaggedCampaign) => void;
}) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const local = useLocalized();
  const add = useAction(AddCampaignOperationDocument);
  const [added, setAdded] = useState<string[]>([]);
  const [{ data }, refetch] = useQuery({ query: VehicleOpenCampaignsDocument, variables: { vehicleId }, requestPolicy: 'cache-and-network' });
  const node = data?.node;
  const campaigns: FlaggedCampaign[] = node && 'openCampaigns' in node ? node.openCampaigns : [];
  if (campaigns.length === 0) return null;
  const mayAdd = orderId !== undefined && can(viewer, 'repair_order', 'add_items');
  return (
    <div data-testid="campaign-flags">
      {campaigns.map((c) => (
        <div
          key={c.campaignId}
          className={`campaign-flag ${c.kind.toLowerCase()}`}
          role="alert"
          data-testid="campaign-flag"
          data-code={c.code}
          data-kind={c.kind}
        >
          <strong>
            {t('oversight.campaigns.flag.banner', {
              kind: t(`oversight.campaigns.kind.${c.kind}`),
              code: c.code,
              title: local(c.title, c.titleZh),
            })}
          </strong>
          {c.operation && (
            <span className="muted">
              {c.operation.code} {local(c.operation.name, c.operation.nameZh)} · {t('oversight.campaigns.flag.hours', { hours: c.operation.standardHours })}
            </span>
          )}
          {c.operation && mayAdd && !added.includes(c.campaignId) && (
            <button
              type="button"
              className="button button-small"
              data-testid="campaign-add-operation"
              disabled={add.pending}
              onClick={() =>
                void add.run({ repairOrderId: orderId as string, campaignId: c.campaignId }).then((r) => {
                  if (r.data) {
                    setAdded([...added, c.campaignId]);
                    refetch({ requestPolicy: 'network-only' });
                    onAdded?.();
                  }
                })
              }
            >
              {t('oversight.campaigns.flag.add')}
            </button>
          )}
          {c.operation && onAddItem && !added.includes(c.campaignId) && (
            <button
              type="button"
              className="button button-small"
              data-testid="campaign-add-item"
              onClick={() => {
                setAdded([...added, c.campaignId]);
                onAddItem(c);
              }}
            >
              {t('oversight.campaigns.flag.add')}
            </button>
          )}
          {added.includes(c.campaignId) && (
            <span className="muted" data-testid="campaign-added">
              {t('oversight.campaigns.flag.added')}
            </span>
          )}
        </div>
      ))}
      <MutationError error={add.error} />
    </div>
  );
}
