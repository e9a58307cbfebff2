import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { ScoreDealerAuditItemDocument, type DealerAuditDetailFragment } from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { pct, sectionLabel } from './AuditBits';

type Section = DealerAuditDetailFragment['sections'][number];
type ItemScore = Section['items'][number];

/** The checklist by section: each item's weight, and its points and note — inputs while
 * the auditor scores, text otherwise. */
export function AuditChecklist({ audit, onChange }: { audit: DealerAuditDetailFragment; onChange: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="audit-checklist">
      <h2>{t('oversight.audits.detail.checklist')}</h2>
      {audit.sections.map((section) => (
        <div key={section.section} data-testid="audit-section" data-section={section.section}>
          <h3>
            {sectionLabel(t, section.section)}{' '}
            <span className="muted">
              {section.points} / {section.weight} · {pct(section.percent)}
            </span>
          </h3>
          <table className="table">
            <thead>
              <tr>
                <th>{t('oversight.audits.detail.item')}</th>
                <th className="num">{t('oversight.audits.detail.weight')}</th>
                <th>{t('oversight.audits.detail.points')}</th>
                <th>{t('oversight.audits.detail.note')}</th>
              </tr>
            </thead>
            <tbody>
              {section.items.map((row) => (
                <ItemRow key={row.item.id} auditId={audit.id} row={row} editable={audit.viewerCan.score} onSaved={onChange} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function ItemRow({
  auditId,
  row,
  editable,
  onSaved,
}: {
  auditId: string;
  row: ItemScore;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const [points, setPoints] = useState(row.points ?? '');
  const [note, setNote] = useState(row.note);
  const score = useAction(ScoreDealerAuditItemDocument);
  const dirty = points !== (row.points ?? '') || note !== row.note;
  const save = async () => {
    const { data } = await score.run({ auditId, itemId: row.item.id, points: String(points), note });
    if (data) onSaved();
  };
  return (
    <tr data-testid="audit-item" data-code={row.item.code} data-points={row.points ?? ''}>
      <td>
        <code className="muted">{row.item.code}</code> {localized(row.item.text, row.item.textZh)}
      </td>
      <td className="num">{row.item.weight}</td>
      <td>
        {editable ? (
          <input
            className="input audit-points"
            type="number"
            min={0}
            max={row.item.weight}
            step="0.5"
            value={points}
            aria-label={t('oversight.audits.detail.points')}
            data-testid="audit-item-points"
            onChange={(e) => setPoints(e.target.value)}
          />
        ) : row.points != null ? (
          row.points
        ) : (
          <span className="muted">{t('oversight.audits.detail.notScored')}</span>
        )}
      </td>
      <td>
        {editable ? (
          <span className="audit-actions">
            <input
              className="input audit-note"
              value={note}
              aria-label={t('oversight.audits.detail.note')}
              data-testid="audit-item-note"
              onChange={(e) => setNote(e.target.value)}
            />
            <button
              type="button"
              className="button button-secondary"
              disabled={!dirty || points === '' || score.pending}
              data-testid="audit-item-save"
              onClick={save}
            >
              {t('oversight.audits.detail.save')}
            </button>
          </span>
        ) : (
          row.note
        )}
        <MutationError error={score.error} />
      </td>
    </tr>
  );
}
