import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { dealerLocalToIso } from '../../dates';
import {
  AgreeComplaintResolutionDocument,
  ChangeComplaintDeadlineDocument,
  CloseComplaintDocument,
  ComplaintResponsibleCandidatesDocument,
  LogComplaintActionDocument,
  RecordComplaintDeclinedDocument,
  ReopenComplaintDocument,
  RerouteComplaintDocument,
  ResolveComplaintDocument,
  RouteComplaintDocument,
  WithdrawComplaintDocument,
  type ComplaintActionKind,
  type ComplaintDepartment,
  type ComplaintDetailFragment,
} from '../../gql/graphql';
import { useViewer } from '../../session';
import { dynamicT, stepLabel } from './ComplaintBits';

const DEPARTMENTS: ComplaintDepartment[] = [
  'SERVICE',
  'WORKSHOP',
  'PARTS',
  'WARRANTY',
  'FRONT_DESK',
  'CUSTOMER_CARE',
  'SALES',
  'FINANCE',
  'MANAGEMENT',
];

/** The steps the viewer may take now (from the server's `viewerSteps`), each a small form. */
export function ComplaintSteps({ complaint, onDone }: { complaint: ComplaintDetailFragment; onDone: () => void }) {
  const { t } = useTranslation();
  const [active, setActive] = useState<ComplaintActionKind | null>(null);
  if (complaint.viewerSteps.length === 0) {
    return <p className="muted">{t('care.complaints.ticket.noSteps')}</p>;
  }
  return (
    <div>
      <div className="complaint-steps" role="toolbar" aria-label={t('care.complaints.ticket.steps')}>
        {complaint.viewerSteps.map((kind) => (
          <button
            key={kind}
            type="button"
            className={`button ${active === kind ? 'button-primary' : 'button-secondary'}`}
            aria-expanded={active === kind}
            data-testid={`complaint-step-${kind.toLowerCase()}`}
            onClick={() => setActive(active === kind ? null : kind)}
          >
            {stepLabel(t, kind)}
          </button>
        ))}
      </div>
      {active && (
        <StepForm
          key={active}
          kind={active}
          complaint={complaint}
          onCancel={() => setActive(null)}
          onDone={() => {
            setActive(null);
            onDone();
          }}
        />
      )}
    </div>
  );
}

function StepForm({
  kind,
  complaint,
  onCancel,
  onDone,
}: {
  kind: ComplaintActionKind;
  complaint: ComplaintDetailFragment;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const zone = viewer.currentDealer?.timeZone;
  const routing = kind === 'ROUTED' || kind === 'REROUTED';
  const [department, setDepartment] = useState<ComplaintDepartment>(complaint.department ?? 'SERVICE');
  const [responsible, setResponsible] = useState(complaint.responsibleUserId ?? '');
  const [when, setWhen] = useState('');
  const [text, setText] = useState('');
  const [{ data: candidates }] = useQuery({ query: ComplaintResponsibleCandidatesDocument, pause: !routing });
  const route = useAction(RouteComplaintDocument);
  const reroute = useAction(RerouteComplaintDocument);
  const deadline = useAction(ChangeComplaintDeadlineDocument);
  const withdraw = useAction(WithdrawComplaintDocument);
  const agree = useAction(AgreeComplaintResolutionDocument);
  const decline = useAction(RecordComplaintDeclinedDocument);
  const resolve = useAction(ResolveComplaintDocument);
  const reopen = useAction(ReopenComplaintDocument);
  const close = useAction(CloseComplaintDocument);
  const log = useAction(LogComplaintActionDocument);
  const actions = [route, reroute, deadline, withdraw, agree, decline, resolve, reopen, close, log];
  const error = actions.map((a) => a.error).find((e) => e) ?? null;
  const pending = actions.some((a) => a.pending);
  const at = when ? dealerLocalToIso(when, zone) : null;
  const complaintId = complaint.id;

  const textLabel: Partial<Record<ComplaintActionKind, string>> = {
    ROUTED: t('care.complaints.stepForm.note'),
    REROUTED: t('care.complaints.stepForm.reason'),
    DEADLINE_CHANGED: t('care.complaints.stepForm.reason'),
    WITHDRAWN: t('care.complaints.stepForm.reason'),
    AGREED: t('care.complaints.stepForm.resolution'),
    CUSTOMER_DECLINED: t('care.complaints.stepForm.feedback'),
    RESOLVED: t('care.complaints.stepForm.whatWasDone'),
    REOPENED: t('care.complaints.stepForm.feedback'),
    CLOSED: t('care.complaints.stepForm.confirmation'),
    CONTACT: t('care.complaints.stepForm.note'),
    NOTE: t('care.complaints.stepForm.note'),
  };
  const whenLabel: Partial<Record<ComplaintActionKind, string>> = {
    ROUTED: t('care.complaints.stepForm.dueAt'),
    REROUTED: t('care.complaints.stepForm.dueAt'),
    DEADLINE_CHANGED: t('care.complaints.stepForm.dueAt'),
    AGREED: t('care.complaints.stepForm.agreedDueAt'),
    REOPENED: t('care.complaints.stepForm.dueAt'),
  };
  const whenRequired = kind === 'DEADLINE_CHANGED' || kind === 'AGREED';
  const textRequired = kind !== 'ROUTED';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      complaintId,
      department,
      responsibleUserId: responsible || null,
      dueAt: at,
      note: text,
    };
    let result: { data: unknown } = { data: null };
    if (kind === 'ROUTED') result = await route.run({ input });
    else if (kind === 'REROUTED') result = await reroute.run({ input });
    else if (kind === 'DEADLINE_CHANGED' && at) result = await deadline.run({ complaintId, dueAt: at, note: text });
    else if (kind === 'WITHDRAWN') result = await withdraw.run({ complaintId, reason: text });
    else if (kind === 'AGREED' && at) result = await agree.run({ complaintId, resolution: text, agreedDueAt: at });
    else if (kind === 'CUSTOMER_DECLINED') result = await decline.run({ complaintId, note: text });
    else if (kind === 'RESOLVED') result = await resolve.run({ complaintId, note: text });
    else if (kind === 'REOPENED') result = await reopen.run({ complaintId, feedback: text, dueAt: at });
    else if (kind === 'CLOSED') result = await close.run({ complaintId, confirmation: text });
    else if (kind === 'CONTACT' || kind === 'NOTE') result = await log.run({ complaintId, note: text, contact: kind === 'CONTACT' });
    if (result.data) onDone();
  };

  return (
    <form
      className="form-grid complaint-step-form"
      onSubmit={submit}
      aria-label={stepLabel(t, kind)}
      data-testid="complaint-step-form"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      {routing && (
        <>
          <label className="control">
            <span>{t('care.complaints.stepForm.department')}</span>
            <select
              className="select"
              value={department}
              autoFocus
              data-testid="step-department"
              onChange={(e) => setDepartment(e.target.value as ComplaintDepartment)}
            >
              {DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {dynamicT(t)(`care.complaints.department.${d.toLowerCase()}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>{t('care.complaints.stepForm.responsible')}</span>
            <select className="select" value={responsible} data-testid="step-responsible" onChange={(e) => setResponsible(e.target.value)}>
              <option value="">{t('care.complaints.stepForm.anyone')}</option>
              {(candidates?.complaintResponsibleCandidates ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {whenLabel[kind] && (
        <label className="control">
          <span>{whenLabel[kind]}</span>
          <input
            className="input"
            type="datetime-local"
            required={whenRequired}
            value={when}
            data-testid="step-when"
            autoFocus={!routing}
            title={whenRequired ? undefined : t('care.complaints.stepForm.dueAtDefault')}
            onChange={(e) => setWhen(e.target.value)}
          />
          {!whenRequired && <small className="muted">{t('care.complaints.stepForm.dueAtDefault')}</small>}
        </label>
      )}
      <label className="control span-2">
        <span>{textLabel[kind]}</span>
        <textarea
          className="input"
          rows={3}
          required={textRequired}
          value={text}
          data-testid="step-text"
          autoFocus={!routing && !whenLabel[kind]}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <div className="span-2">
        <MutationError error={error} />
        <button type="submit" className="button button-primary" disabled={pending} data-testid="step-submit">
          {t('care.complaints.stepForm.submit')}
        </button>{' '}
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('care.complaints.stepForm.cancel')}
        </button>
      </div>
    </form>
  );
}
