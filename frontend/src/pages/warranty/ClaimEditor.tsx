import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { Money } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import {
  AddWarrantyClaimLinesDocument,
  RemoveWarrantyClaimLineDocument,
  UpdateWarrantyClaimDocument,
  UpdateWarrantyClaimLineDocument,
  type WarrantyClaimType,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { EligibilityDetail } from './ClaimBits';
import { CausalPartPicker, orderParts, PREPARED_TYPES, ThreeCFields, type PartChoice, type ThreeC } from './ClaimFields';
import { warrantyLines } from './ClaimOrderLines';
import type { ClaimSectionProps } from './ClaimPage';

/** The fault, its 3C, the causal part and the claim type, saved together. */
export function ClaimFactsEditor({ claim, changed }: ClaimSectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const update = useAction(UpdateWarrantyClaimDocument);
  const [faultCode, setFaultCode] = useState(claim.faultCode);
  const [faultDate, setFaultDate] = useState(claim.faultDate);
  const [threeC, setThreeC] = useState<ThreeC>({ complaint: claim.complaint, cause: claim.cause, correction: claim.correction });
  const [causalPart, setCausalPart] = useState<PartChoice | null>(claim.causalPart ?? null);
  const [claimType, setClaimType] = useState<WarrantyClaimType>(claim.claimType);
  const [campaignId, setCampaignId] = useState<string | null>(claim.campaign?.id ?? null);
  const [saved, setSaved] = useState(false);
  const campaigns = claim.order?.vehicle?.openWarrantyCampaigns ?? [];
  const typeChanged = claimType !== claim.claimType || (claimType === 'CAMPAIGN' && campaignId !== (claim.campaign?.id ?? null));

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await update.run({
      input: {
        claimId: claim.id,
        faultCode: faultCode.trim(),
        faultDate,
        complaint: threeC.complaint,
        cause: threeC.cause,
        correction: threeC.correction,
        causalPartId: causalPart?.id ?? null,
        clearCausalPart: causalPart === null,
        claimType: typeChanged ? claimType : null,
        campaignId: typeChanged && claimType === 'CAMPAIGN' ? campaignId : null,
      },
    });
    if (result.data) {
      setSaved(true);
      changed();
    }
  };

  return (
    <form className="panel" aria-labelledby="facts-heading" data-testid="claim-facts" onSubmit={(e) => void save(e)}>
      <div className="panel-header">
        <h2 id="facts-heading">{t('warranty.claims.detail.facts')}</h2>
      </div>
      <div className="form-grid claim-3c">
        <label className="control">
          <span>{t('warranty.claims.build.faultCode')}</span>
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
          <input className="input" type="date" required value={faultDate} onChange={(e) => setFaultDate(e.target.value)} />
        </label>
        <label className="control">
          <span>{t('warranty.claims.build.claimType')}</span>
          <select className="select" value={claimType} data-testid="claim-type" onChange={(e) => setClaimType(e.target.value as WarrantyClaimType)}>
            {[...PREPARED_TYPES, ...(claim.claimType === 'GOODWILL' ? (['GOODWILL'] as const) : [])].map((c) => (
              <option key={c} value={c} disabled={c === 'GOODWILL'}>
                {t(`warranty.claims.type.${c.toLowerCase()}` as 'warranty.claims.type.standard')}
              </option>
            ))}
          </select>
        </label>
        {claimType === 'CAMPAIGN' && (
          <label className="control">
            <span>{t('warranty.claims.build.campaign')}</span>
            <select className="select" value={campaignId ?? ''} onChange={(e) => setCampaignId(e.target.value || null)}>
              <option value="" />
              {claim.campaign && !campaigns.some((c) => c.id === claim.campaign!.id) && (
                <option value={claim.campaign.id}>{claim.campaign.code}</option>
              )}
              {campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} {local(c.title, c.titleZh)}
                </option>
              ))}
            </select>
          </label>
        )}
        <CausalPartPicker value={causalPart} onChange={setCausalPart} offered={claim.order ? orderParts(claim.order) : []} />
        <ThreeCFields value={threeC} onChange={setThreeC} />
      </div>
      <MutationError error={update.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.pending} data-testid="claim-save">
          {update.pending ? t('common.saving') : t('warranty.claims.detail.save')}
        </button>
        {saved && !update.pending && (
          <span className="muted" role="status" data-testid="claim-saved">
            {t('warranty.claims.detail.saved')}
          </span>
        )}
      </div>
    </form>
  );
}

/** The claim's lines: hours against the standard, coverage, amounts, the manufacturer's decision. */
export function ClaimLines({ claim, changed, editing }: ClaimSectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const remove = useAction(RemoveWarrantyClaimLineDocument);
  const updateLine = useAction(UpdateWarrantyClaimLineDocument);
  const decided = claim.lines.some((l) => l.decision);
  return (
    <section className="panel" aria-labelledby="claim-lines-heading" data-testid="claim-lines">
      <div className="panel-header">
        <h2 id="claim-lines-heading">{t('warranty.claims.detail.lines')}</h2>
      </div>
      <MutationError error={remove.error ?? updateLine.error} />
      <table className="table claim-lines">
        <thead>
          <tr>
            <th scope="col">{t('warranty.claims.detail.description')}</th>
            <th scope="col">{t('warranty.claims.detail.coverage')}</th>
            <th scope="col" className="num">
              {t('warranty.claims.detail.quantity')}
            </th>
            <th scope="col" className="num">
              {t('warranty.claims.detail.hours')}
            </th>
            <th scope="col" className="num">
              {t('warranty.claims.detail.standard')}
            </th>
            <th scope="col" className="num">
              {t('warranty.claims.detail.unitPrice')}
            </th>
            <th scope="col" className="num">
              {t('warranty.claims.detail.amount')}
            </th>
            {decided && <th scope="col">{t('warranty.claims.detail.decision')}</th>}
            {editing && <th scope="col" />}
          </tr>
        </thead>
        <tbody>
          {claim.lines.map((line) => (
            <tr key={line.id} data-testid="claim-line" data-kind={line.kind.toLowerCase()}>
              <td>
                <span className="muted">{t(`warranty.claims.lineKind.${line.kind.toLowerCase()}` as 'warranty.claims.lineKind.labour')}</span>{' '}
                {line.operation && <span className="mono">{line.operation.code} </span>}
                {line.part && <span className="mono">{line.part.partNumber} </span>}
                {line.operation ? local(line.operation.name, line.operation.nameZh) : line.part ? local(line.part.name, line.part.nameZh) : line.description}
              </td>
              <td>
                <EligibilityDetail eligibility={line.eligibility} />
              </td>
              <td className="num">{Number(line.quantity)}</td>
              <td className="num">
                {line.kind === 'LABOUR' && editing ? (
                  <HoursCell
                    value={line.hours ?? ''}
                    label={t('warranty.claims.detail.hours')}
                    onCommit={(hours) =>
                      void updateLine.run({ input: { claimLineId: line.id, hours } }).then((r) => r.data && changed())
                    }
                  />
                ) : line.hours != null ? (
                  Number(line.hours).toFixed(2)
                ) : (
                  ''
                )}
              </td>
              <td className="num">{line.standardHours != null ? Number(line.standardHours).toFixed(2) : ''}</td>
              <td className="num">
                <Money amount={line.unitPrice} />
              </td>
              <td className="num">
                <Money amount={line.amount} />
              </td>
              {decided && (
                <td data-testid="line-decision" data-decision={line.decision?.toLowerCase() ?? ''}>
                  {line.decision && (
                    <>
                      <strong>{t(`warranty.claims.decision.${line.decision.toLowerCase()}` as 'warranty.claims.decision.approved')}</strong>{' '}
                      <Money amount={line.approvedAmount} />
                      {line.decisionReason && <div className="hint">{line.decisionReason}</div>}
                    </>
                  )}
                </td>
              )}
              {editing && (
                <td>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={t('warranty.claims.detail.removeLine')}
                    title={t('warranty.claims.detail.removeLine')}
                    onClick={() => void remove.run({ claimLineId: line.id }).then((r) => r.data && changed())}
                  >
                    ×
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={6}>
              {t('common.total')}
            </th>
            <td className="num">
              <Money amount={claim.requestedAmount} />
            </td>
            {decided && (
              <td>
                <Money amount={claim.approvedAmount} />
              </td>
            )}
            {editing && <td />}
          </tr>
        </tfoot>
      </table>
      {editing && <AddLines {...{ claim, changed, editing }} />}
    </section>
  );
}

function HoursCell({ value, label, onCommit }: { value: string; label: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(value);
  const commit = () => {
    if (text !== value && text.trim() !== '' && Number.isFinite(Number(text))) onCommit(text.trim());
  };
  return (
    <input
      className="input input-small input-num"
      style={{ width: 80 }}
      aria-label={label}
      inputMode="decimal"
      value={text}
      data-testid="claim-line-hours"
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commit())}
    />
  );
}

/** More of the order's free warranty lines into the claim. */
function AddLines({ claim, changed }: ClaimSectionProps) {
  const { t } = useTranslation();
  const local = useLocalized();
  const add = useAction(AddWarrantyClaimLinesDocument);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const inClaim = new Set(claim.lines.map((l) => l.orderLine?.id));
  const free = claim.order ? warrantyLines(claim.order).filter((l) => !l.warrantyClaim && !inClaim.has(l.id)) : [];
  return (
    <div data-testid="claim-add-lines" style={{ marginTop: 12 }}>
      <h3>{t('warranty.claims.detail.addLines')}</h3>
      {free.length === 0 ? (
        <p className="muted">{t('warranty.claims.detail.noMoreLines')}</p>
      ) : (
        <div className="inline-list">
          {free.map((line) => (
            <label key={line.id} className="inline-list">
              <input
                type="checkbox"
                checked={picked.has(line.id)}
                onChange={() => {
                  const next = new Set(picked);
                  if (next.has(line.id)) next.delete(line.id);
                  else next.add(line.id);
                  setPicked(next);
                }}
              />
              {line.operation ? local(line.operation.name, line.operation.nameZh) : line.part ? local(line.part.name, line.part.nameZh) : line.description}
            </label>
          ))}
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={picked.size === 0 || add.pending}
            onClick={() =>
              void add.run({ claimId: claim.id, lineIds: [...picked] }).then((r) => {
                if (r.data) {
                  setPicked(new Set());
                  changed();
                }
              })
            }
          >
            {t('warranty.claims.detail.addSelected')}
          </button>
        </div>
      )}
      <MutationError error={add.error} />
    </div>
  );
}
