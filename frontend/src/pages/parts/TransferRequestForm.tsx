import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { useAction } from '../../api/useAction';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import {
  RequestPartsTransferDocument,
  TransferOffersDocument,
  TransferPartSearchDocument,
  type PartsTransferFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { PartName, qty } from './ReorderBits';

export interface Offer {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  dealerNameZh: string;
  partId: string;
  partNumber: string;
  quantity: string;
  slowMoving: boolean;
}

interface ChosenPart {
  id: string;
  partNumber: string;
  name: string;
  nameZh: string;
}

/**
 * Asks a dealer of the region for a part (调拨申请). From a suggestion, its offers and
 * quantity are given; by hand, the part is searched and the region's offers fetched.
 * Only dealer, part and transferable quantity of the other dealers are ever shown.
 */
export function TransferRequestForm({
  suggestion,
  onDone,
  onClose,
}: {
  suggestion?: { id: string; quantity: string; part: ChosenPart | null; offers: readonly Offer[] };
  onDone: (transfer: PartsTransferFieldsFragment) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [search, setSearch] = useState('');
  const [part, setPart] = useState<ChosenPart | null>(suggestion?.part ?? null);
  const [chosen, setChosen] = useState<Offer | null>(suggestion?.offers[0] ?? null);
  const [quantity, setQuantity] = useState(() =>
    suggestion?.offers[0] ? qty(Math.min(Number(suggestion.quantity), Number(suggestion.offers[0].quantity))) : '',
  );
  const [note, setNote] = useState('');
  const request = useAction(RequestPartsTransferDocument);

  const pick = (offer: Offer) => {
    setChosen(offer);
    const wanted = suggestion ? Number(suggestion.quantity) : Number(offer.quantity);
    setQuantity(qty(Math.min(wanted, Number(offer.quantity))));
  };

  const submit = async () => {
    if (!chosen) return;
    const result = await request.run({
      input: {
        sourceDealerId: chosen.dealerId,
        partId: chosen.partId,
        quantity,
        note,
        suggestionId: suggestion?.id ?? null,
      },
    });
    if (result.data) onDone(result.data.requestPartsTransfer);
  };

  return (
    <section className="panel transfer-request" aria-labelledby={`${id}-title`} data-testid="transfer-request">
      <div className="panel-header">
        <h2 id={`${id}-title`}>{t('parts.transfers.request.title')}</h2>
        <button type="button" className="button button-secondary button-small" onClick={onClose}>
          {t('parts.transfers.request.close')}
        </button>
      </div>
      {suggestion ? (
        <p className="hint">
          {t('parts.transfers.request.fromSuggestion', {
            part: suggestion.part?.partNumber ?? '',
            qty: qty(suggestion.quantity),
          })}
        </p>
      ) : (
        <>
          <p className="hint">{t('parts.transfers.request.intro')}</p>
          <PartSearch
            search={search}
            onSearch={setSearch}
            onPick={(p) => {
              setPart(p);
              setSearch(p.partNumber);
              setChosen(null);
              setQuantity('');
            }}
          />
        </>
      )}
      {suggestion ? (
        <OfferList offers={suggestion.offers} chosen={chosen} onPick={pick} />
      ) : (
        part && <RegionOffers partId={part.id} chosen={chosen} onPick={pick} />
      )}
      {chosen && (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label className="control">
            <span>{t('parts.transfers.request.quantity')}</span>
            <input
              className="input input-num"
              inputMode="decimal"
              required
              value={quantity}
              data-testid="transfer-quantity"
              onChange={(e) => setQuantity(e.target.value)}
            />
          </label>
          <label className="control span-2">
            <span>{t('parts.transfers.request.note')}</span>
            <input className="input" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="form-actions span-all">
            <button
              type="submit"
              className="button button-primary"
              disabled={request.pending || !quantity}
              data-testid="transfer-submit"
            >
              {t('parts.transfers.request.submit')}
            </button>
          </div>
        </form>
      )}
      <MutationError error={request.error} />
    </section>
  );
}

function PartSearch({
  search,
  onSearch,
  onPick,
}: {
  search: string;
  onSearch: (value: string) => void;
  onPick: (part: ChosenPart) => void;
}) {
  const { t } = useTranslation();
  const settled = useDebounced(search.trim());
  const [{ data, fetching }] = useQuery({
    query: TransferPartSearchDocument,
    variables: { search: settled },
    pause: settled.length === 0,
  });
  const parts = (data?.parts.edges ?? []).map((e) => e.node);
  return (
    <SearchPicker
      label={t('parts.transfers.request.part')}
      placeholder={t('parts.transfers.request.partPlaceholder')}
      query={search}
      onQuery={onSearch}
      results={parts}
      fetching={fetching}
      keyOf={(p) => p.id}
      render={(p) => <PartName part={p} />}
      onPick={onPick}
      testId="transfer-part"
    />
  );
}

function RegionOffers({
  partId,
  chosen,
  onPick,
}: {
  partId: string;
  chosen: Offer | null;
  onPick: (offer: Offer) => void;
}) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: TransferOffersDocument,
    variables: { partId },
    requestPolicy: 'network-only',
  });
  if (error) return <ErrorPanel error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  return <OfferList offers={data?.transferOffers ?? []} chosen={chosen} onPick={onPick} />;
}

function OfferList({
  offers,
  chosen,
  onPick,
}: {
  offers: readonly Offer[];
  chosen: Offer | null;
  onPick: (offer: Offer) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  if (offers.length === 0) return <p className="empty">{t('parts.transfers.request.noOffers')}</p>;
  const isChosen = (o: Offer) => chosen?.dealerId === o.dealerId && chosen.partId === o.partId;
  return (
    <table className="table" data-testid="transfer-offers">
      <caption className="muted">{t('parts.transfers.request.offers')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('parts.transfers.request.dealer')}</th>
          <th scope="col">{t('parts.transfers.request.part')}</th>
          <th scope="col" className="num">
            {t('parts.transfers.request.available')}
          </th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {offers.map((o) => (
          <tr key={`${o.dealerId}-${o.partId}`} data-testid="transfer-offer" data-dealer={o.dealerCode}>
            <td>
              <span className="mono">{o.dealerCode}</span> {local(o.dealerName, o.dealerNameZh)}
            </td>
            <td>
              <span className="mono">{o.partNumber}</span>{' '}
              {o.slowMoving && <span className="pill pill-muted">{t('parts.transfers.request.slowMoving')}</span>}
            </td>
            <td className="num">{qty(o.quantity)}</td>
            <td>
              <button
                type="button"
                className="button button-secondary button-small"
                aria-pressed={isChosen(o)}
                data-testid="transfer-offer-choose"
                onClick={() => onPick(o)}
              >
                {isChosen(o) ? t('parts.transfers.request.chosen') : t('parts.transfers.request.choose')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
