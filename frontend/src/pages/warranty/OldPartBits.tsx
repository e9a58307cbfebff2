import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { OldPartMovementsDocument, type InspectionResult, type OldPartStatus, type ShipmentStatus } from '../../gql/graphql';
import { useLocalized } from '../../localize';

/** An old part's status as a coloured pill, in the interface language. */
export function OldPartStatusPill({ status }: { status: OldPartStatus }) {
  const { t } = useTranslation();
  const key = status.toLowerCase() as Lowercase<OldPartStatus>;
  return (
    <span className={`status status-${key}`} data-testid="old-part-status" data-status={key}>
      {t(`warranty.oldParts.status.${key}`)}
    </span>
  );
}

export function ShipmentStatusPill({ status }: { status: ShipmentStatus }) {
  const { t } = useTranslation();
  const key = status.toLowerCase() as Lowercase<ShipmentStatus>;
  return (
    <span className={`status status-${key}`} data-testid="shipment-status" data-status={key}>
      {t(`warranty.oldParts.shipmentStatus.${key}`)}
    </span>
  );
}

export function InspectionResultText({ result }: { result: InspectionResult | null }) {
  const { t } = useTranslation();
  if (!result) return <span className="muted">—</span>;
  const key = result.toLowerCase() as Lowercase<InspectionResult>;
  return (
    <span className={result === 'CONFIRMED' ? 'pill pill-ok' : 'pill pill-warn'} data-result={key}>
      {t(`warranty.oldParts.result.${key}`)}
    </span>
  );
}

/** Part number and its name in the interface language. */
export function PartName({ number, name, nameZh }: { number: string; name: string; nameZh: string }) {
  const local = useLocalized();
  return (
    <>
      <span className="mono">{number}</span> {local(name, nameZh)}
    </>
  );
}

/** The ledger (movements) of one old part, oldest first. */
export function OldPartHistory({ id }: { id: string }) {
  const { t } = useTranslation();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OldPartMovementsDocument,
    variables: { id },
    requestPolicy: 'network-only',
  });
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  const part = data?.node && 'movements' in data.node ? data.node : null;
  if (!part) return null;
  return (
    <div data-testid="old-part-history">
      <h3>{t('warranty.oldParts.store.history', { tag: part.tag })}</h3>
      {part.movements.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.store.historyEmpty')}</p>
      ) : (
        <ol className="inline-list" style={{ flexDirection: 'column', alignItems: 'flex-start' }}>
          {part.movements.map((m, i) => (
            <li key={i}>
              <When at={m.at} /> {m.fromStatus && <OldPartStatusPill status={m.fromStatus} />} →{' '}
              <OldPartStatusPill status={m.toStatus} /> <span className="muted">{m.note}</span>{' '}
              <span className="hint">{m.by?.displayName ?? t('warranty.oldParts.store.byRetention')}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
