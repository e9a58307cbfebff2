import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { StatusPill, When } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { RecordQualityCheckDocument, ReportAdditionalFaultDocument, type CheckStage } from '../../gql/graphql';
import { useViewer } from '../../session';
import { PartsRequestPanel } from '../parts/PartsRequestPanel';
import type { SectionProps } from './RepairOrderPage';

/** 领料: the order's parts requests, once the customer approved the work. */
export function OrderParts({ order }: SectionProps) {
  const viewer = useViewer();
  const status = order.status.toLowerCase();
  if (!can(viewer, 'parts_issue', 'read') || ['open', 'awaiting_approval', 'cancelled'].includes(status)) return null;
  return <PartsRequestPanel key={`${order.id}-${order.status}`} orderId={order.id} />;
}

/** 追加项目: a technician reports a new fault; it is added only with the customer's consent. */
export function AdditionalWork({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [text, setText] = useState('');
  const [hours, setHours] = useState('');
  const report = useAction(ReportAdditionalFaultDocument);
  const additional = order.lines.filter((l) => l.additional);
  const status = order.status.toLowerCase();
  const mayReport = can(viewer, 'job_clock', 'record') && (status === 'approved' || status === 'in_progress');

  if (!mayReport && additional.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="additional-heading" data-testid="additional-work">
      <div className="panel-header">
        <h2 id="additional-heading">{t('order.additionalWork')}</h2>
      </div>
      <p className="hint">{t('order.additionalIntro')}</p>
      {additional.length === 0 ? (
        <p className="empty">{t('order.noAdditional')}</p>
      ) : (
        <ul className="grant-list">
          {additional.map((l) => (
            <li key={l.id} className="grant" data-testid="additional-line" data-status={l.status.toLowerCase()}>
              <div className="grant-row">
                <span className="grant-label">{l.description || l.operation?.name}</span>
                <StatusPill family="line" value={l.status} />
                {l.reportedBy && <span className="muted">{t('common.by', { name: l.reportedBy.displayName })}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {mayReport && (
        <form
          className="form-grid"
          style={{ marginTop: 12 }}
          onSubmit={(e) => {
            e.preventDefault();
            void report
              .run({ input: { orderId: order.id, description: text.trim(), estimatedHours: hours || null } })
              .then((r) => {
                if (r.data) {
                  setText('');
                  setHours('');
                  reload();
                }
              });
          }}
        >
          <label className="control span-2">
            <span>{t('order.reportFaultText')}</span>
            <input className="input" required value={text} data-testid="additional-fault" onChange={(e) => setText(e.target.value)} />
          </label>
          <label className="control">
            <span>{t('common.hours')}</span>
            <input className="input input-num" inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} />
          </label>
          <div className="control" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" className="button button-secondary" disabled={!text.trim() || report.pending} data-testid="report-fault">
              {t('order.reportFault')}
            </button>
          </div>
          <div className="span-all">
            <MutationError error={report.error} />
          </div>
        </form>
      )}
    </section>
  );
}

const STAGES: { stage: CheckStage; action: string }[] = [
  { stage: 'SELF', action: 'self_check' },
  { stage: 'TEAM', action: 'team_check' },
  { stage: 'FINAL', action: 'final_check' },
];

/** 自检 / 互检 / 总检 of the current round, each by a different person; a failure is rework. */
export function QualityChecks({ order, reload }: SectionProps) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const record = useAction(RecordQualityCheckDocument);
  const [notes, setNotes] = useState('');
  const round = order.reworkCount;
  const current = order.qualityChecks.filter((c) => c.round === round);
  const earlier = order.qualityChecks.filter((c) => c.round !== round);
  const checking = order.status.toLowerCase() === 'work_done';

  const run = (stage: CheckStage, passed: boolean) =>
    void record.run({ input: { orderId: order.id, stage, passed, notes: notes.trim() } }).then((r) => {
      if (r.data) {
        setNotes('');
        reload();
      }
    });

  return (
    <section className="panel" aria-labelledby="quality-heading" data-testid="quality-checks">
      <div className="panel-header">
        <h2 id="quality-heading">{t('order.quality')}</h2>
        {round > 0 && <span className="pill pill-danger">{t('order.round', { round: round + 1 })}</span>}
      </div>
      <p className="hint">{t('order.qualityIntro')}</p>
      <MutationError error={record.error} />
      <table className="table">
        <tbody>
          {STAGES.map(({ stage, action }, index) => {
            const done = current.find((c) => c.stage === stage);
            const previousDone = index === 0 || current.some((c) => c.stage === STAGES[index - 1]!.stage && c.passed);
            const mayCheck = checking && !done && previousDone && can(viewer, 'quality_check', action);
            return (
              <tr key={stage} data-testid={`qc-${stage.toLowerCase()}`} data-state={done ? (done.passed ? 'passed' : 'failed') : ''}>
                <th scope="row">{t(`qcStage.${stage.toLowerCase()}` as 'qcStage.self')}</th>
                <td>
                  {done ? (
                    <>
                      <span className={`pill ${done.passed ? 'pill-ok' : 'pill-danger'}`}>{done.passed ? t('order.pass') : t('order.fail')}</span>{' '}
                      <span className="muted">
                        {done.checkedBy?.displayName} · <When at={done.checkedAt} />
                      </span>
                      {done.notes && <div className="hint">{done.notes}</div>}
                    </>
                  ) : (
                    <span className="muted">{t('order.notChecked')}</span>
                  )}
                </td>
                <td className="nowrap">
                  {mayCheck && (
                    <div className="inline-list">
                      <button type="button" className="button button-ok button-small" disabled={record.pending} data-testid={`qc-${stage.toLowerCase()}-pass`} onClick={() => run(stage, true)}>
                        {t('order.pass')}
                      </button>
                      {can(viewer, 'quality_check', 'send_to_rework') && (
                        <button type="button" className="button button-danger button-small" disabled={record.pending || !notes.trim()} data-testid={`qc-${stage.toLowerCase()}-fail`} onClick={() => run(stage, false)}>
                          {t('order.fail')}
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {checking && STAGES.some(({ action }) => can(viewer, 'quality_check', action)) && (
        <label className="control" style={{ marginTop: 10 }}>
          <span>{t('common.notes')}</span>
          <input className="input" value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="qc-notes" />
        </label>
      )}
      {earlier.length > 0 && (
        <ul className="hint" style={{ marginTop: 10 }}>
          {earlier.map((c) => (
            <li key={`${c.round}-${c.stage}`}>
              {t('order.round', { round: c.round + 1 })} · {t(`qcStage.${c.stage.toLowerCase()}` as 'qcStage.self')} ·{' '}
              {c.passed ? t('order.pass') : t('order.fail')} · {c.checkedBy?.displayName} {c.notes && `— ${c.notes}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
