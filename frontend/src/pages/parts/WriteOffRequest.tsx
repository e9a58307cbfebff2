import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import {
  RequestWriteOffDocument,
  WriteOffKeepersDocument,
  WriteOffPartSearchDocument,
  type WriteOffPartSearchQuery,
  type WriteOffReason,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { qty } from './CountBits';
import './WriteOffs.css';

type FoundPart = WriteOffPartSearchQuery['parts']['edges'][number]['node'];

const REASONS: WriteOffReason[] = ['DAMAGED', 'DEFECTIVE', 'OBSOLETE'];

/**
 * 报损申请: which part, how many and why, the requester's attestation that the parts can
 * be neither claimed, returned nor repaired, and the keeper who shares the loss. Damage
 * a person caused is refused here already (the person pays); the server checks it all.
 */
export function WriteOffRequest() {
  const { t } = useTranslation();
  const local = useLocalized();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [part, setPart] = useState<FoundPart | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [reason, setReason] = useState<WriteOffReason>('DAMAGED');
  const [description, setDescription] = useState('');
  const [attested, setAttested] = useState({ cannotClaim: false, cannotReturn: false, cannotRepair: false });
  const [humanCaused, setHumanCaused] = useState<boolean | null>(null);
  const [keeper, setKeeper] = useState('');
  const term = useDebounced(search.trim());
  const [{ data: found, fetching }] = useQuery({
    query: WriteOffPartSearchDocument,
    variables: { search: term },
    pause: term.length < 2,
  });
  const [{ data: keepers }] = useQuery({ query: WriteOffKeepersDocument });
  const request = useAction(RequestWriteOffDocument);
  const allAttested = attested.cannotClaim && attested.cannotReturn && attested.cannotRepair;
  const ready =
    part !== null && Number(quantity) > 0 && description.trim() !== '' && allAttested && humanCaused === false && keeper !== '';

  return (
    <div className="page" data-testid="page-write-off-request">
      <PageHeader title={t('parts.writeOffs.form.title')} intro={t('parts.writeOffs.intro')} />
      <section className="panel">
        <MutationError error={request.error} />
        <form
          className="form-grid write-off-form"
          data-testid="write-off-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready || !part) return;
            void request
              .run({
                input: {
                  partId: part.id,
                  quantity: quantity.trim(),
                  reason,
                  description: description.trim(),
                  ...attested,
                  humanCaused: false,
                  warehouseKeeperId: keeper,
                },
              })
              .then((r) => r.data && navigate(`/parts/write-offs/${r.data.requestWriteOff.id}`));
          }}
        >
          <div className="span-all">
            {part ? (
              <div className="chosen" data-testid="write-off-part">
                <div>
                  <strong className="mono">{part.partNumber}</strong> {local(part.name, part.nameZh)}
                  <div className="hint">
                    {part.stock
                      ? t('parts.writeOffs.form.stock', {
                          onHand: qty(part.stock.onHand),
                          available: qty(part.stock.available),
                          bin: part.stock.binLocation || '—',
                        })
                      : t('parts.writeOffs.form.notStocked')}
                  </div>
                </div>
                <button type="button" className="button button-ghost button-small" onClick={() => setPart(null)}>
                  {t('parts.writeOffs.form.change')}
                </button>
              </div>
            ) : (
              <SearchPicker
                label={t('parts.writeOffs.form.part')}
                placeholder={t('parts.writeOffs.form.partSearch')}
                query={search}
                onQuery={setSearch}
                results={(found?.parts.edges ?? []).map((e) => e.node)}
                fetching={fetching}
                keyOf={(p) => p.id}
                render={(p) => (
                  <>
                    <span className="mono">{p.partNumber}</span> {local(p.name, p.nameZh)}
                    {p.stock && <span className="muted"> · {qty(p.stock.onHand)}</span>}
                  </>
                )}
                onPick={setPart}
                testId="write-off-part-search"
                autoFocus
              />
            )}
          </div>
          <label className="control">
            <span>{t('parts.writeOffs.form.quantity')}</span>
            <input
              className="input input-num"
              inputMode="decimal"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              data-testid="write-off-quantity"
              required
            />
          </label>
          <fieldset className="control">
            <legend>{t('parts.writeOffs.form.reason')}</legend>
            <div className="inline-list">
              {REASONS.map((r) => (
                <label key={r}>
                  <input
                    type="radio"
                    name="reason"
                    value={r}
                    checked={reason === r}
                    onChange={() => setReason(r)}
                    data-testid={`write-off-reason-${r.toLowerCase()}`}
                  />{' '}
                  {t(`parts.writeOffs.reasons.${r.toLowerCase() as Lowercase<WriteOffReason>}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="control span-all">
            <span>{t('parts.writeOffs.form.description')}</span>
            <textarea
              className="textarea"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              data-testid="write-off-description"
              required
            />
            <span className="hint">{t('parts.writeOffs.form.descriptionHelp')}</span>
          </label>
          <fieldset className="control span-all" data-testid="write-off-attestation">
            <legend>{t('parts.writeOffs.form.attestation')}</legend>
            {(['cannotClaim', 'cannotReturn', 'cannotRepair'] as const).map((key) => (
              <label key={key} style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  checked={attested[key]}
                  onChange={(e) => setAttested((a) => ({ ...a, [key]: e.target.checked }))}
                  data-testid={`write-off-${key}`}
                />{' '}
                {t(`parts.writeOffs.form.${key}`)}
              </label>
            ))}
            {!allAttested && <span className="hint">{t('parts.writeOffs.form.attestationMissing')}</span>}
          </fieldset>
          <fieldset className="control span-all">
            <legend>{t('parts.writeOffs.form.humanCaused')}</legend>
            <div className="inline-list">
              <label>
                <input
                  type="radio"
                  name="humanCaused"
                  checked={humanCaused === false}
                  onChange={() => setHumanCaused(false)}
                  data-testid="write-off-human-no"
                />{' '}
                {t('parts.writeOffs.form.humanCausedNo')}
              </label>
              <label>
                <input
                  type="radio"
                  name="humanCaused"
                  checked={humanCaused === true}
                  onChange={() => setHumanCaused(true)}
                  data-testid="write-off-human-yes"
                />{' '}
                {t('parts.writeOffs.form.humanCausedYes')}
              </label>
            </div>
            {humanCaused && (
              <div className="alert alert-warn" role="alert" data-testid="write-off-human-refused">
                {t('parts.writeOffs.form.humanCausedRefused')}
              </div>
            )}
          </fieldset>
          <label className="control">
            <span>{t('parts.writeOffs.form.keeper')}</span>
            <select className="select" value={keeper} onChange={(e) => setKeeper(e.target.value)} data-testid="write-off-keeper" required>
              <option value="">{t('parts.writeOffs.form.choose')}</option>
              {(keepers?.writeOffKeepers ?? []).map((k) => (
                <option key={k.id} value={k.id}>
                  {k.displayName}
                </option>
              ))}
            </select>
          </label>
          <div className="form-actions span-all">
            <button type="submit" className="button button-primary" disabled={!ready || request.pending} data-testid="write-off-submit">
              {request.pending ? t('parts.writeOffs.form.submitting') : t('parts.writeOffs.form.submit')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
