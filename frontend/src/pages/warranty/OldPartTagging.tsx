import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { OldPartsToTagDocument, TagOldPartDocument, type OldPartsToTagQuery } from '../../gql/graphql';
import { useViewer } from '../../session';
import { PartName } from './OldPartBits';

type Line = OldPartsToTagQuery['oldPartsToTag'][number];

const keyOf = (line: Line) => line.repairOrderLineId ?? line.claimLineId ?? '';

/** 待挂签: warranty part lines whose replaced parts still need a label; tag (and shelve) each. */
export function OldPartTagging({ onTagged }: { onTagged: (tag: string) => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OldPartsToTagDocument, requestPolicy: 'cache-and-network' });
  const tag = useAction(TagOldPartDocument);
  const [location, setLocation] = useState<Record<string, string>>({});
  const [quantity, setQuantity] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const lines = data?.oldPartsToTag ?? [];
  const mayTag = can(viewer, 'old_parts', 'receive');

  const submit = async (event: FormEvent, line: Line) => {
    event.preventDefault();
    const key = keyOf(line);
    const result = await tag.run({
      input: {
        repairOrderLineId: line.repairOrderLineId,
        claimLineId: line.repairOrderLineId ? null : line.claimLineId,
        quantity: quantity[key] ? quantity[key] : null,
        location: location[key] ?? '',
      },
    });
    if (result.data) {
      setDone(result.data.tagOldPart.tag);
      onTagged(result.data.tagOldPart.tag);
      refetch({ requestPolicy: 'network-only' });
    }
  };

  return (
    <section className="panel" data-testid="old-parts-to-tag">
      <p className="hint">
        {t('warranty.oldParts.toTag.intro')} {t('warranty.oldParts.toTag.mustReturnHint')}
      </p>
      {done && (
        <div className="alert alert-ok" role="status" data-testid="old-part-tagged" data-tag={done}>
          {t('warranty.oldParts.toTag.tagged', { tag: done })}
        </div>
      )}
      <MutationError error={tag.error} />
      {error ? (
        <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : lines.length === 0 ? (
        <p className="empty">{t('warranty.oldParts.toTag.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('warranty.oldParts.toTag.order')}</th>
              <th scope="col">{t('warranty.oldParts.store.claim')}</th>
              <th scope="col">{t('warranty.oldParts.store.part')}</th>
              <th scope="col">{t('warranty.oldParts.toTag.untagged')}</th>
              {mayTag && <th scope="col">{t('warranty.oldParts.store.location')}</th>}
              {mayTag && <th scope="col">{t('warranty.oldParts.store.quantity')}</th>}
              {mayTag && <th scope="col" />}
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const key = keyOf(line);
              const left = Number(line.quantity) - Number(line.tagged);
              return (
                <tr key={key} data-testid="old-part-to-tag" data-claim-number={line.claimNumber ?? ''} data-vin={line.vin}>
                  <td className="mono">{line.orderNumber ?? '—'}</td>
                  <td>
                    <span className="mono">{line.claimNumber ?? '—'}</span>
                    <div className="hint mono">{line.vin}</div>
                  </td>
                  <td>
                    <PartName number={line.partNumber} name={line.partName} nameZh={line.partNameZh} />
                  </td>
                  <td>{left}</td>
                  {mayTag && (
                    <td>
                      <input
                        className="input input-small"
                        form={`tag-${key}`}
                        aria-label={t('warranty.oldParts.store.location')}
                        placeholder={t('warranty.oldParts.store.locationPlaceholder')}
                        value={location[key] ?? ''}
                        data-testid="old-part-tag-location"
                        onChange={(e) => setLocation((l) => ({ ...l, [key]: e.target.value }))}
                      />
                    </td>
                  )}
                  {mayTag && (
                    <td>
                      <input
                        className="input input-num input-small"
                        form={`tag-${key}`}
                        type="number"
                        min={1}
                        max={left}
                        step={1}
                        aria-label={t('warranty.oldParts.store.quantity')}
                        placeholder={String(left)}
                        value={quantity[key] ?? ''}
                        onChange={(e) => setQuantity((q) => ({ ...q, [key]: e.target.value }))}
                      />
                    </td>
                  )}
                  {mayTag && (
                    <td>
                      <form id={`tag-${key}`} onSubmit={(e) => void submit(e, line)}>
                        <button type="submit" className="button button-primary button-small" disabled={tag.pending} data-testid="old-part-tag-submit">
                          {t('warranty.oldParts.toTag.tagButton')}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
