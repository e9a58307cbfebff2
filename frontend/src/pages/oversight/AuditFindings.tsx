import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { formatDay } from '../../dates';
import {
  AddDealerAuditFindingDocument,
  AuditOwnerCandidatesDocument,
  RespondAuditFindingDocument,
  SendBackAuditFindingDocument,
  VerifyAuditFindingDocument,
  type AuditFindingDetailFragment,
  type DealerAuditDetailFragment,
  type FindingSeverity,
} from '../../gql/graphql';
import { useLocalized } from '../../localize';
import { FindingStatusPill, SEVERITIES, severityLabel } from './AuditBits';

/** 问题与整改: each finding with its owner (责任人), due date (整改期限), the dealer's fix and the
 * auditor's verdict; the auditor records findings while on site. */
export function AuditFindings({ audit, onChange }: { audit: DealerAuditDetailFragment; onChange: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="audit-findings">
      <h2>{t('oversight.audits.findings.title')}</h2>
      {audit.findings.length === 0 && <p className="empty">{t('oversight.audits.findings.empty')}</p>}
      {audit.findings.map((finding) => (
        <FindingView key={finding.id} audit={audit} finding={finding} onChange={onChange} />
      ))}
      {audit.viewerCan.score && <AddFinding audit={audit} onAdded={onChange} />}
    </section>
  );
}

function FindingView({
  audit,
  finding,
  onChange,
}: {
  audit: DealerAuditDetailFragment;
  finding: AuditFindingDetailFragment;
  onChange: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const respond = useAction(RespondAuditFindingDocument);
  const verify = useAction(VerifyAuditFindingDocument);
  const sendBack = useAction(SendBackAuditFindingDocument);
  const error = [respond, verify, sendBack].map((a) => a.error).find((e) => e) ?? null;
  const done = (result: { data: unknown }) => {
    if (result.data) {
      setText('');
      onChange();
    }
  };
  const canRespond = audit.viewerCan.respond && finding.status === 'OPEN';
  const canVerify = audit.viewerCan.verify && finding.status === 'RESPONDED';
  const onRespond = async (event: FormEvent) => {
    event.preventDefault();
    done(await respond.run({ id: finding.id, response: text }));
  };
  return (
    <div className="audit-finding" data-testid="audit-finding" data-status={finding.status} data-overdue={finding.overdue}>
      <div className="audit-finding-head">
        <strong>{severityLabel(t, finding.severity)}</strong>
        <FindingStatusPill status={finding.status} />
        {finding.itemCode && <code className="muted">{finding.itemCode}</code>}
        <span>
          {t('oversight.audits.findings.owner')}: {finding.ownerName ?? '–'}
        </span>
        <span className={finding.overdue ? 'audit-overdue' : undefined}>
          {t('oversight.audits.findings.dueOn')}: {formatDay(finding.dueOn, i18n.language)}
          {finding.overdue && ` · ${t('oversight.audits.findings.overdue')}`}
        </span>
      </div>
      <p>{finding.description}</p>
      {finding.response && (
        <p data-testid="audit-finding-response">
          {t('oversight.audits.findings.response')}: {finding.response}{' '}
          {finding.respondedAt && (
            <span className="muted">
              (<When at={finding.respondedAt} />)
            </span>
          )}
        </p>
      )}
      {finding.reviewNote && finding.status === 'OPEN' && (
        <p className="alert alert-info">{t('oversight.audits.findings.reviewNote', { note: finding.reviewNote })}</p>
      )}
      {canRespond && (
        <form className="audit-actions audit-no-print" onSubmit={onRespond}>
          <label className="control span-2">
            <span>{t('oversight.audits.findings.response')}</span>
            <textarea
              className="input"
              required
              value={text}
              data-testid="audit-finding-response-text"
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <button type="submit" className="button button-primary" disabled={respond.pending} data-testid="audit-finding-respond">
            {t('oversight.audits.findings.respond')}
          </button>
        </form>
      )}
      {canVerify && (
        <div className="audit-actions audit-no-print">
          <button
            type="button"
            className="button button-primary"
            disabled={verify.pending}
            data-testid="audit-finding-verify"
            onClick={async () => done(await verify.run({ id: finding.id }))}
          >
            {t('oversight.audits.findings.verify')}
          </button>
          <label className="control">
            <span>{t('oversight.audits.findings.sendBackNote')}</span>
            <input className="input" value={text} data-testid="audit-finding-sendback-note" onChange={(e) => setText(e.target.value)} />
          </label>
          <button
            type="button"
            className="button button-secondary"
            disabled={!text.trim() || sendBack.pending}
            data-testid="audit-finding-sendback"
            onClick={async () => done(await sendBack.run({ id: finding.id, note: text }))}
          >
            {t('oversight.audits.findings.sendBack')}
          </button>
        </div>
      )}
      <MutationError error={error} />
    </div>
  );
}

function AddFinding({ audit, onAdded }: { audit: DealerAuditDetailFragment; onAdded: () => void }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const [{ data }] = useQuery({ query: AuditOwnerCandidatesDocument, variables: { dealerId: audit.dealerId } });
  const [severity, setSeverity] = useState<FindingSeverity>('MINOR');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [itemId, setItemId] = useState('');
  const add = useAction(AddDealerAuditFindingDocument);
  const items = audit.sections.flatMap((s) => s.items.map((i) => i.item));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data: added } = await add.run({
      input: { auditId: audit.id, severity, description, ownerId: owner, dueOn, itemId: itemId || null },
    });
    if (added) {
      setDescription('');
      onAdded();
    }
  };
  return (
    <form className="form-grid audit-no-print" onSubmit={submit} data-testid="audit-finding-form" aria-label={t('oversight.audits.findings.add')}>
      <h3 className="span-2">{t('oversight.audits.findings.add')}</h3>
      <label className="control">
        <span>{t('oversight.audits.findings.severity')}</span>
        <select
          className="select"
          value={severity}
          data-testid="audit-finding-severity"
          onChange={(e) => setSeverity(e.target.value as FindingSeverity)}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {severityLabel(t, s)}
            </option>
          ))}
        </select>
      </label>
      <label className="control">
        <span>{t('oversight.audits.findings.item')}</span>
        <select className="select" value={itemId} data-testid="audit-finding-item" onChange={(e) => setItemId(e.target.value)}>
          <option value="">{t('oversight.audits.findings.noItem')}</option>
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.code} {localized(i.text, i.textZh)}
            </option>
          ))}
        </select>
      </label>
      <label className="control span-2">
        <span>{t('oversight.audits.findings.description')}</span>
        <textarea
          className="input"
          required
          value={description}
          data-testid="audit-finding-description"
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <label className="control">
        <span>{t('oversight.audits.findings.owner')}</span>
        <select className="select" required value={owner} data-testid="audit-finding-owner" onChange={(e) => setOwner(e.target.value)}>
          <option value="" />
          {(data?.auditOwnerCandidates ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
      </label>
      <label className="control">
        <span>{t('oversight.audits.findings.dueOn')}</span>
        <input className="input" type="date" required value={dueOn} data-testid="audit-finding-due" onChange={(e) => setDueOn(e.target.value)} />
      </label>
      <div className="control">
        <button type="submit" className="button button-primary" disabled={add.pending} data-testid="audit-finding-save">
          {t('oversight.audits.findings.save')}
        </button>
      </div>
      <MutationError error={add.error} />
    </form>
  );
}
