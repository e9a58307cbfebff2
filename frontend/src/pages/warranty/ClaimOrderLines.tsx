import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { AssessWarrantyLineDocument, type OrderWarrantyFieldsFragment, type WarrantyCause } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { ClaimStatusPill, EligibilityDetail } from './ClaimBits';
import { CausalPartPicker, orderParts, type PartChoice } from './ClaimFields';

type OrderLine = OrderWarrantyFieldsFragment['lines'][number];

export const CAUSES: WarrantyCause[] = ['DEFECT', 'ACCIDENT', 'MISUSE', 'MODIFICATION', 'LACK_OF_MAINTENANCE', 'EXTERNAL_INFLUENCE'];

/** The order's lines paid by warranty (live ones: not declined or cancelled). */
export function warrantyLines(order: OrderWarrantyFieldsFragment): OrderLine[] {
  return order.lines.filter((l) => l.payType === 'WARRANTY' && l.status !== 'DECLINED' && l.status !== 'CANCELLED');
}

/**
 * The order's warranty lines with their coverage and claim; optionally selectable (to build
 * or extend a claim) and judgeable (cause and causal part, by the claims specialist).
 */
export function WarrantyLinesTable({
  order,
  selected,
  onToggle,
  onChanged,
}: {
  order: OrderWarrantyFieldsFragment;
  selected?: Set<string>;
  onToggle?: (lineId: string) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const [judging, setJudging] = useState<string | null>(null);
  const lines = warrantyLines(order);
  const mayJudge = can(viewer, 'warranty_claim', 'create');
  if (lines.length === 0) return <p className="empty">{t('warranty.claims.build.noWarrantyLines')}</p>;
  return (
    <table className="table claim-lines" data-testid="warranty-lines">
      <thead>
        <tr>
          {onToggle && <th scope="col" aria-label={t('warranty.claims.build.lines')} />}
          <th scope="col">{t('warranty.claims.detail.description')}</th>
          <th scope="col">{t('warranty.claims.detail.coverage')}</th>
          <th scope="col">{t('warranty.claims.assess.title')}</th>
          <th scope="col">{t('warranty.claims.orderPanel.claim')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => {
          const claimed = line.warrantyClaim;
          const free = !claimed || (selected?.has(line.id) ?? false);
          return (
            <tr key={line.id} data-testid="warranty-line" data-line-id={line.id}>
              {onToggle && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={line.description}
                    checked={selected?.has(line.id) ?? false}
                    disabled={!free}
                    data-testid="pick-line"
                    onChange={() => onToggle(line.id)}
                  />
                </td>
              )}
              <td>
                <span className="muted">{t(`lineKind.${line.kind.toLowerCase()}` as 'lineKind.labour')}</span>{' '}
                {line.operation && <span className="mono">{line.operation.code} </span>}
                {line.part && <span className="mono">{line.part.partNumber} </span>}
                {line.operation ? local(line.operation.name, line.operation.nameZh) : line.part ? local(line.part.name, line.part.nameZh) : line.description}
                {line.hours != null && <span className="muted"> · {t('common.hoursValue', { value: Number(line.hours).toFixed(2) })}</span>}
              </td>
              <td>
                <EligibilityDetail eligibility={line.warrantyEligibility} />
              </td>
              <td>
                {line.warrantyAssessment ? (
                  <span>
                    {t(`warranty.claims.cause.${line.warrantyAssessment.cause.toLowerCase()}` as 'warranty.claims.cause.defect')}
                    {line.warrantyAssessment.causalPart && <span className="mono muted"> {line.warrantyAssessment.causalPart.partNumber}</span>}
                  </span>
                ) : (
                  <span className="muted">{t('warranty.claims.assess.none')}</span>
                )}
                {mayJudge && (
                  <div>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      data-testid="judge-line"
                      onClick={() => setJudging(judging === line.id ? null : line.id)}
                    >
                      {t('warranty.claims.assess.title')}
                    </button>
                  </div>
                )}
                {judging === line.id && (
                  <AssessLineForm
                    line={line}
                    offered={orderParts(order)}
                    onDone={() => {
                      setJudging(null);
                      onChanged();
                    }}
                  />
                )}
              </td>
              <td>
                {claimed ? (
                  <Link to={`/warranty/claims/${claimed.id}`} className="inline-list">
                    <span className="mono">{claimed.number}</span> <ClaimStatusPill status={claimed.status} />
                  </Link>
                ) : (
                  <span className="muted">{t('warranty.claims.orderPanel.notClaimed')}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** 保内鉴定 of one line: why it failed and which part caused it; eligibility follows. */
function AssessLineForm({ line, offered, onDone }: { line: OrderLine; offered: PartChoice[]; onDone: () => void }) {
  const { t } = useTranslation();
  const assess = useAction(AssessWarrantyLineDocument);
  const [cause, setCause] = useState<WarrantyCause>(line.warrantyAssessment?.cause ?? 'DEFECT');
  const initial = line.warrantyAssessment?.causalPart;
  const [part, setPart] = useState<PartChoice | null>(
    initial ? (offered.find((p) => p.id === initial.id) ?? { id: initial.id, partNumber: initial.partNumber, name: initial.partNumber, nameZh: '' }) : null,
  );
  const [note, setNote] = useState(line.warrantyAssessment?.note ?? '');
  return (
    <form
      className="form-grid"
      data-testid="assess-form"
      onSubmit={(e) => {
        e.preventDefault();
        void assess
          .run({ input: { lineId: line.id, cause, causalPartId: part?.id ?? null, note } })
          .then((r) => r.data && onDone());
      }}
    >
      <label className="control">
        <span>{t('warranty.claims.assess.cause')}</span>
        <select className="select" value={cause} data-testid="assess-cause" onChange={(e) => setCause(e.target.value as WarrantyCause)}>
          {CAUSES.map((c) => (
            <option key={c} value={c}>
              {t(`warranty.claims.cause.${c.toLowerCase()}` as 'warranty.claims.cause.defect')}
            </option>
          ))}
        </select>
      </label>
      <CausalPartPicker value={part} onChange={setPart} offered={offered} />
      <label className="control span-all">
        <span>{t('warranty.claims.assess.note')}</span>
        <input className="input" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <MutationError error={assess.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary button-small" disabled={assess.pending} data-testid="assess-save">
          {t('warranty.claims.assess.save')}
        </button>
      </div>
    </form>
  );
}
