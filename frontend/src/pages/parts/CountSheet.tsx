import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useClient, useQuery, type CombinedError } from 'urql';
import { useTranslation } from 'react-i18next';
import { can } from '../../access';
import { useAction } from '../../api/useAction';
import { Money, When } from '../../components/Bits';
import { ErrorPanel, Loading } from '../../components/Feedback';
import { MutationError } from '../../components/Mutation';
import { PageHeader } from '../../components/PageHeader';
import {
  ApproveStockCountDocument,
  CancelStockCountDocument,
  ExplainCountDifferencesDocument,
  RecordCountedQuantitiesDocument,
  RejectStockCountDocument,
  StockCountDocument,
  StockCountStaffDocument,
  SubmitStockCountDocument,
  type CountResponsibility,
  type StockCountFieldsFragment,
  type StockCountKind,
  type StockCountLineFieldsFragment,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { useViewer } from '../../session';
import { CountStatusPill, qty, signedQty } from './CountBits';
import './CountSheet.css';

type Count = StockCountFieldsFragment;
type Line = StockCountLineFieldsFragment;

const RESPONSIBILITIES: CountResponsibility[] = [
  'WAREHOUSE_KEEPER',
  'TECHNICIAN',
  'SUPPLIER',
  'RECORDING_ERROR',
  'THEFT',
  'UNKNOWN',
];
const PERSON_REQUIRED: CountResponsibility[] = ['WAREHOUSE_KEEPER', 'TECHNICIAN'];
const NO_PERSON: CountResponsibility[] = ['SUPPLIER', 'UNKNOWN'];
const QUANTITY = /^\d+(\.\d{1,2})?$/;

/**
 * The count sheet (盘点表): lines in bin order, counted quantities typed from the keyboard
 * (Enter goes to the next bin, leaving a field saves it), differences highlighted with
 * their cause and responsibility, then submission and someone else's approval.
 * Printable. The sheet is loaded once and patched with the lines each entry returns,
 * so a long count is not sent again for every bin.
 */
export function CountSheet() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const client = useClient();
  const viewer = useViewer();
  const [count, setCount] = useState<Count | null>(null);
  const [loadError, setLoadError] = useState<CombinedError | null>(null);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    setLoading(true);
    const result = await client.query(StockCountDocument, { id }, { requestPolicy: 'network-only' }).toPromise();
    setLoading(false);
    setLoadError(result.error ?? null);
    const node = result.data?.node;
    setCount(node?.__typename === 'StockCount' ? (node as Count) : null);
  }, [client, id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  /** Merge a mutation's figures and changed lines into the sheet. */
  const patch = useCallback((changed: Partial<Count> & { lines: Line[] }) => {
    setCount((current) => {
      if (!current) return current;
      const byId = new Map(changed.lines.map((l) => [l.id, l]));
      return { ...current, ...changed, lines: current.lines.map((l) => byId.get(l.id) ?? l) };
    });
  }, []);

  if (loadError) return <ErrorPanel error={loadError} onRetry={() => void reload()} />;
  if (loading && !count) return <Loading />;
  if (!count) {
    return (
      <div className="page">
        <p className="empty" data-testid="not-found">
          {t('errors.NOT_FOUND')}
        </p>
      </div>
    );
  }
  const mayRecord = can(viewer, 'parts_count', 'record') && count.status === 'OPEN';
  return (
    <div
      className="page page-wide count-sheet"
      data-print-sheet
      data-testid="page-count-sheet"
      data-count-number={count.number}
      data-status={count.status.toLowerCase()}
    >
      <CountHeader count={count} />
      <Decision count={count} onChange={setCount} />
      <SheetTable count={count} editable={mayRecord} onPatch={patch} />
      <PrintSignatures />
    </div>
  );
}

function CountHeader({ count }: { count: Count }) {
  const { t } = useTranslation();
  const kind = t(`parts.counts.kinds.${count.kind.toLowerCase() as Lowercase<StockCountKind>}`);
  return (
    <>
      <PageHeader
        title={`${kind} ${count.number}`}
        intro={t(`parts.counts.kindHelp.${count.kind.toLowerCase() as Lowercase<StockCountKind>}`)}
        actions={
          <>
            <CountStatusPill status={count.status} testId="count-status" />
            <button type="button" className="button button-secondary no-print" onClick={() => window.print()} data-testid="print-sheet">
              {t('parts.counts.sheet.print')}
            </button>
            <Link className="button button-secondary no-print" to="/parts/counts">
              {t('common.back')}
            </Link>
          </>
        }
      />
      <h1 className="print-only">
        {t('parts.counts.sheet.printTitle')} {count.number}
      </h1>
      {count.status === 'OPEN' && count.returnedCount > 0 && count.decisionNote && (
        <div className="alert alert-warn" role="status" data-testid="count-returned">
          {t('parts.counts.returned', { note: count.decisionNote })}
        </div>
      )}
      {count.skippedItems > 0 && (
        <div className="alert alert-info no-print">{t('parts.counts.skipped', { count: count.skippedItems })}</div>
      )}
      <section className="panel">
        <dl className="kv">
          <div>
            <dt>{t('parts.counts.scope')}</dt>
            <dd>
              {count.binPrefix ? <span className="mono">{count.binPrefix}*</span> : t('parts.counts.allBins')}
              {count.kind === 'CYCLE' && (
                <div className="muted">
                  {count.since ? (
                    <>
                      {t('parts.counts.since')}: <When at={count.since} />
                    </>
                  ) : (
                    t('parts.counts.sinceLast')
                  )}
                </div>
              )}
              {count.scopeNote && <div className="muted">{count.scopeNote}</div>}
            </dd>
          </div>
          <div>
            <dt>{t('parts.counts.counted')}</dt>
            <dd data-testid="count-progress">{t('parts.counts.progress', { counted: count.countedCount, total: count.lineCount })}</dd>
          </div>
          <div>
            <dt>{t('parts.counts.differences')}</dt>
            <dd data-testid="count-differences">{count.differenceCount}</dd>
          </div>
          <div>
            <dt>{t('parts.counts.value')}</dt>
            <dd data-testid="count-value">
              <Money amount={count.differenceValue} />
            </dd>
          </div>
          <div>
            <dt>{t('parts.counts.created')}</dt>
            <dd>
              <When at={count.createdAt} />
              <div className="muted">{count.createdBy?.displayName}</div>
            </dd>
          </div>
          {count.counters.length > 0 && (
            <div>
              <dt>{t('parts.counts.counters')}</dt>
              <dd>{count.counters.map((c) => c.displayName).join(', ')}</dd>
            </div>
          )}
          {count.financeWitness && (
            <div>
              <dt>{t('parts.counts.financeWitness')}</dt>
              <dd>{count.financeWitness}</dd>
            </div>
          )}
        </dl>
      </section>
    </>
  );
}

/** Submit (the counter), approve or send back (someone else), cancel an open count. */
function Decision({ count, onChange }: { count: Count; onChange: (count: Count) => void }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [witness, setWitness] = useState(count.financeWitness);
  const [note, setNote] = useState('');
  const submit = useAction(SubmitStockCountDocument);
  const approve = useAction(ApproveStockCountDocument);
  const reject = useAction(RejectStockCountDocument);
  const cancel = useAction(CancelStockCountDocument);
  const error = submit.error ?? approve.error ?? reject.error ?? cancel.error;
  const mayRecord = can(viewer, 'parts_count', 'record');
  const mayApprove = can(viewer, 'parts_count', 'approve');
  const input = { countId: count.id, note: note.trim() };

  if (count.status === 'APPROVED' || count.status === 'CANCELLED') {
    return (
      <section className="panel" data-testid="count-decided">
        <p>
          {count.status === 'APPROVED' && count.approvedBy && t('parts.counts.approvedBy', { name: count.approvedBy.displayName })}{' '}
          {count.approvedAt && <When at={count.approvedAt} />}
          {count.cancelledAt && <When at={count.cancelledAt} />}
        </p>
        {count.decisionNote && <p className="muted">{count.decisionNote}</p>}
      </section>
    );
  }
  if (count.status === 'OPEN' && !mayRecord) return null;

  return (
    <section className="panel no-print" aria-labelledby="decision-heading" data-testid="count-decision">
      <div className="panel-header">
        <h2 id="decision-heading">{t('parts.counts.decision')}</h2>
        {count.submittedBy && <span className="muted">{t('parts.counts.submittedBy', { name: count.submittedBy.displayName })}</span>}
      </div>
      <MutationError error={error} />
      {count.status === 'OPEN' && (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void submit
              .run({ input: { countId: count.id, financeWitness: count.kind === 'QUARTERLY' ? witness.trim() : null } })
              .then((r) => r.data && onChange(r.data.submitStockCount));
          }}
        >
          {count.countedCount < count.lineCount && (
            <p className="hint span-all">{t('parts.counts.uncounted', { count: count.lineCount - count.countedCount })}</p>
          )}
          {count.unexplainedCount > 0 && (
            <p className="hint span-all">{t('parts.counts.unexplained', { count: count.unexplainedCount })}</p>
          )}
          {count.kind === 'QUARTERLY' && (
            <label className="control">
              <span>{t('parts.counts.financeWitness')}</span>
              <input className="input" value={witness} onChange={(e) => setWitness(e.target.value)} data-testid="finance-witness" />
              <span className="hint">{t('parts.counts.financeWitnessHelp')}</span>
            </label>
          )}
          <div className="form-actions span-all">
            <button type="submit" className="button button-primary" disabled={submit.pending} data-testid="submit-count">
              {t('parts.counts.submit')}
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={cancel.pending}
              data-testid="cancel-count"
              onClick={() => {
                if (!window.confirm(t('parts.counts.cancelConfirm'))) return;
                void cancel.run({ input }).then((r) => r.data && onChange(r.data.cancelStockCount));
              }}
            >
              {t('parts.counts.cancel')}
            </button>
          </div>
        </form>
      )}
      {count.status === 'SUBMITTED' &&
        (count.viewerMayDecide ? (
          <form
            className="form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              void approve.run({ input }).then((r) => r.data && onChange(r.data.approveStockCount));
            }}
          >
            <label className="control span-all">
              <span>{t('parts.counts.rejectNote')}</span>
              <textarea className="textarea" value={note} onChange={(e) => setNote(e.target.value)} data-testid="decision-note" />
            </label>
            <div className="form-actions span-all">
              <button type="submit" className="button button-ok" disabled={approve.pending} data-testid="approve-count">
                {t('parts.counts.approve')}
              </button>
              <button
                type="button"
                className="button button-danger"
                disabled={reject.pending || !note.trim()}
                data-testid="reject-count"
                onClick={() => void reject.run({ input }).then((r) => r.data && onChange(r.data.rejectStockCount))}
              >
                {t('parts.counts.reject')}
              </button>
            </div>
          </form>
        ) : (
          <p className="muted" data-testid="count-awaiting">
            {mayApprove ? t('parts.counts.notYours') : t('parts.counts.awaiting')}
          </p>
        ))}
    </section>
  );
}

function SheetTable({
  count,
  editable,
  onPatch,
}: {
  count: Count;
  editable: boolean;
  onPatch: (changed: Partial<Count> & { lines: Line[] }) => void;
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const [onlyUncounted, setOnlyUncounted] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState<Record<string, boolean>>({});
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const record = useAction(RecordCountedQuantitiesDocument);
  const [{ data: staffData }] = useQuery({ query: StockCountStaffDocument, pause: !editable });
  const staff = staffData?.stockCountStaff ?? [];

  const lines = useMemo(
    () =>
      count.lines.filter(
        (l) => (!onlyDifferences || Number(l.difference ?? 0) !== 0) && (!onlyUncounted || l.countedQty == null),
      ),
    [count.lines, onlyDifferences, onlyUncounted],
  );

  const commit = async (line: Line) => {
    const draft = drafts[line.id];
    if (draft === undefined || saving[line.id]) return;
    const value = draft.trim();
    if (value === '' || (line.countedQty != null && Number(value) === Number(line.countedQty))) {
      setDrafts(({ [line.id]: _, ...rest }) => rest);
      return;
    }
    if (!QUANTITY.test(value)) return;
    setSaving((s) => ({ ...s, [line.id]: true }));
    const result = await record.run({
      input: { countId: count.id, entries: [{ lineId: line.id, countedQty: value }] },
      lineIds: [line.id],
    });
    setSaving(({ [line.id]: _, ...rest }) => rest);
    if (result.data) {
      onPatch(result.data.recordCountedQuantities);
      setDrafts(({ [line.id]: _, ...rest }) => rest);
    }
  };

  const focusNext = (index: number) => {
    const next = lines[index + 1];
    const element = next ? inputs.current.get(next.id) : null;
    if (element) {
      element.focus();
      element.select();
    } else {
      const current = lines[index];
      if (current) inputs.current.get(current.id)?.blur();
    }
  };

  return (
    <section className="panel" aria-labelledby="sheet-heading">
      <div className="panel-header no-print">
        <h2 id="sheet-heading">{t('parts.counts.sheet.printTitle')}</h2>
        <div className="inline-list">
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} />{' '}
            {t('parts.counts.sheet.onlyDifferences')}
          </label>
          <label className="inline-list" style={{ alignItems: 'center' }}>
            <input type="checkbox" checked={onlyUncounted} onChange={(e) => setOnlyUncounted(e.target.checked)} />{' '}
            {t('parts.counts.sheet.onlyUncounted')}
          </label>
        </div>
      </div>
      {editable && <p className="hint no-print">{t('parts.counts.sheet.entryHelp')}</p>}
      <MutationError error={record.error} testId="count-entry-error" />
      {lines.length === 0 ? (
        <p className="empty">{t('parts.counts.sheet.noLines')}</p>
      ) : (
        <table className="table count-table" data-testid="count-lines">
          <thead>
            <tr>
              <th scope="col">{t('parts.counts.sheet.bin')}</th>
              <th scope="col">{t('parts.counts.sheet.part')}</th>
              <th scope="col">{t('parts.counts.sheet.unit')}</th>
              <th scope="col" className="num" title={t('parts.counts.sheet.expectedHelp')}>
                {t('parts.counts.sheet.expected')}
              </th>
              <th scope="col" className="num">{t('parts.counts.sheet.counted')}</th>
              <th scope="col" className="num">{t('parts.counts.sheet.difference')}</th>
              <th scope="col" className="num">{t('parts.counts.sheet.value')}</th>
              <th scope="col" className="no-print">{t('parts.counts.sheet.countedBy')}</th>
            </tr>
          </thead>
          {lines.map((line, index) => {
            const draft = drafts[line.id];
            const invalid = draft !== undefined && draft.trim() !== '' && !QUANTITY.test(draft.trim());
            const difference = Number(line.difference ?? 0);
            const explain = line.countedQty != null && difference !== 0;
            return (
              <tbody key={line.id} className={explain ? 'count-diff' : undefined}>
                <tr data-testid="count-line" data-bin={line.binLocation} data-part-number={line.part.partNumber}>
                  <td className="mono">{line.binLocation || '—'}</td>
                  <td>
                    <span className="mono">{line.part.partNumber}</span> {local(line.part.name, line.part.nameZh)}
                  </td>
                  <td>{line.part.unit}</td>
                  <td className="num" data-testid="line-expected">{qty(line.expectedQty)}</td>
                  <td className="num">
                    {editable ? (
                      <>
                        <input
                          ref={(element) => {
                            if (element) inputs.current.set(line.id, element);
                            else inputs.current.delete(line.id);
                          }}
                          className="input input-small input-num no-print-border"
                          inputMode="decimal"
                          aria-label={`${t('parts.counts.sheet.counted')} ${line.binLocation} ${line.part.partNumber}`}
                          aria-invalid={invalid || undefined}
                          value={draft ?? qty(line.countedQty)}
                          data-testid="line-counted"
                          onChange={(e) => setDrafts((d) => ({ ...d, [line.id]: e.target.value }))}
                          onFocus={(e) => e.target.select()}
                          onBlur={() => void commit(line)}
                          onKeyDown={(e) => {
                            if (e.key === 'Enter') {
                              e.preventDefault();
                              focusNext(index);
                            } else if (e.key === 'Escape') {
                              setDrafts(({ [line.id]: _, ...rest }) => rest);
                            }
                          }}
                        />
                        {invalid && <div className="field-error">{t('parts.counts.sheet.invalidQuantity')}</div>}
                        {saving[line.id] && <div className="hint">{t('parts.counts.sheet.saving')}</div>}
                        {!saving[line.id] && draft !== undefined && !invalid && draft.trim() !== '' && (
                          <div className="hint">{t('parts.counts.sheet.unsaved')}</div>
                        )}
                      </>
                    ) : (
                      qty(line.countedQty)
                    )}
                  </td>
                  <td className={`num${explain ? ' count-diff-value' : ''}`} data-testid="line-difference">
                    {line.countedQty != null ? signedQty(line.difference) : ''}
                  </td>
                  <td className="num">{line.countedQty != null && difference !== 0 && <Money amount={line.differenceValue} />}</td>
                  <td className="no-print">
                    {line.countedBy?.displayName}
                    {line.adjustmentQty != null && (
                      <div className="hint">
                        {t('parts.counts.sheet.booked')} {signedQty(line.adjustmentQty)} × <Money amount={line.adjustmentUnitCost} />
                      </div>
                    )}
                  </td>
                </tr>
                {explain && (
                  <tr className="count-explain-row">
                    <td />
                    <td colSpan={7}>
                      {editable ? (
                        <ExplainForm count={count} line={line} staff={staff} onPatch={onPatch} />
                      ) : (
                        <Explanation line={line} />
                      )}
                    </td>
                  </tr>
                )}
              </tbody>
            );
          })}
        </table>
      )}
    </section>
  );
}

function Explanation({ line }: { line: Line }) {
  const { t } = useTranslation();
  if (!line.responsibility) return <span className="field-error">{t('parts.counts.explain.needed')}</span>;
  return (
    <span data-testid="line-explanation">
      <strong>{t(`parts.counts.responsibility.${line.responsibility.toLowerCase() as Lowercase<CountResponsibility>}`)}</strong>
      {line.responsiblePerson && ` · ${line.responsiblePerson.displayName}`} — {line.cause}
    </span>
  );
}

function ExplainForm({
  count,
  line,
  staff,
  onPatch,
}: {
  count: Count;
  line: Line;
  staff: readonly { person: { id: string; displayName: string }; roleKeys: readonly string[] }[];
  onPatch: (changed: Partial<Count> & { lines: Line[] }) => void;
}) {
  const { t } = useTranslation();
  const [cause, setCause] = useState(line.cause);
  const [responsibility, setResponsibility] = useState<CountResponsibility | ''>(line.responsibility ?? '');
  const [person, setPerson] = useState(line.responsiblePerson?.id ?? '');
  const explain = useAction(ExplainCountDifferencesDocument);
  const needsPerson = responsibility !== '' && PERSON_REQUIRED.includes(responsibility);
  const noPerson = responsibility === '' || NO_PERSON.includes(responsibility);
  const chosen = responsibility === '' ? null : responsibility;
  const ready = cause.trim() !== '' && chosen !== null && (!needsPerson || person !== '');
  const saved =
    line.cause === cause.trim() &&
    line.responsibility === responsibility &&
    (line.responsiblePerson?.id ?? '') === (noPerson ? '' : person);

  return (
    <form
      className="count-explain no-print-border"
      data-testid="explain-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void explain
          .run({
            input: {
              countId: count.id,
              lines: [
                {
                  lineId: line.id,
                  cause: cause.trim(),
                  responsibility: chosen!,
                  responsiblePersonId: noPerson || !person ? null : person,
                },
              ],
            },
            lineIds: [line.id],
          })
          .then((r) => r.data && onPatch(r.data.explainCountDifferences));
      }}
    >
      {!line.responsibility && <span className="field-error">{t('parts.counts.explain.needed')}</span>}
      <label className="control">
        <span>{t('parts.counts.explain.cause')}</span>
        <input
          className="input"
          value={cause}
          placeholder={t('parts.counts.explain.causePlaceholder')}
          onChange={(e) => setCause(e.target.value)}
          data-testid="explain-cause"
        />
      </label>
      <label className="control">
        <span>{t('parts.counts.explain.responsibility')}</span>
        <select
          className="select"
          value={responsibility}
          onChange={(e) => setResponsibility(e.target.value as CountResponsibility | '')}
          data-testid="explain-responsibility"
        >
          <option value="">{t('parts.counts.explain.choose')}</option>
          {RESPONSIBILITIES.map((r) => (
            <option key={r} value={r}>
              {t(`parts.counts.responsibility.${r.toLowerCase() as Lowercase<CountResponsibility>}`)}
            </option>
          ))}
        </select>
      </label>
      {!noPerson && (
        <label className="control">
          <span>{needsPerson ? t('parts.counts.explain.personRequired') : t('parts.counts.explain.personOptional')}</span>
          <select className="select" value={person} onChange={(e) => setPerson(e.target.value)} data-testid="explain-person">
            <option value="">{t('parts.counts.explain.choose')}</option>
            {staff.map((s) => (
              <option key={s.person.id} value={s.person.id}>
                {s.person.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      <button
        type="submit"
        className="button button-secondary button-small"
        disabled={!ready || saved || explain.pending}
        data-testid="explain-save"
      >
        {saved && line.responsibility ? '✓' : t('parts.counts.explain.save')}
      </button>
      <MutationError error={explain.error} testId="explain-error" />
    </form>
  );
}

/** Signature lines at the foot of the printed sheet (盘点人 / 复核人 / 财务监盘). */
function PrintSignatures() {
  const { t } = useTranslation();
  return (
    <div className="print-only count-signatures">
      <span>{t('parts.counts.sheet.signCounter')}: ____________</span>
      <span>{t('parts.counts.sheet.signChecker')}: ____________</span>
      <span>{t('parts.counts.sheet.signFinance')}: ____________</span>
    </div>
  );
}
