import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatMoney } from '../localize';
import { useViewer } from '../session';

type StatusFamily = 'order' | 'appointment' | 'line' | 'job' | 'revision';

/** A status as a coloured pill, in the interface language (unknown values shown raw). */
export function StatusPill({ family, value, testId }: { family: StatusFamily; value: string; testId?: string }) {
  const { t } = useTranslation();
  const key = `status.${family}.${value.toLowerCase()}`;
  const text = t(key as 'status.order.open', { defaultValue: value });
  return (
    <span className={`status status-${value.toLowerCase()}`} data-testid={testId} data-status={value.toLowerCase()}>
      {text}
    </span>
  );
}

/** An amount in the dealer's currency and the interface language's format. */
export function Money({ amount, currency }: { amount: string | number | null | undefined; currency?: string | null }) {
  const { i18n } = useTranslation();
  if (amount === null || amount === undefined || amount === '') return <span className="muted">—</span>;
  return <span className="money nowrap">{formatMoney(String(amount), currency, i18n.language)}</span>;
}

/** A timestamp in the current dealer's time zone. */
export function When({ at }: { at: string | null | undefined }) {
  const { i18n } = useTranslation();
  const viewer = useViewer();
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} className="nowrap">
      {formatDateTime(at, i18n.language, viewer.currentDealer?.timeZone ?? undefined)}
    </time>
  );
}

/** Copies a text (e.g. the approval link) and says so for a moment. */
export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button button-secondary"
      data-testid={testId}
      onClick={() => {
        const done = () => {
          setCopied(true);
          window.setTimeout(() => setCopied(false), 1500);
        };
        if (navigator.clipboard?.writeText) {
          navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text) && done());
        } else if (fallbackCopy(text)) {
          done();
        }
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}

function fallbackCopy(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Available / booked / free hours of a workshop day as a bar and three figures. */
export function CapacityBar({
  available,
  booked,
  free,
  technicians,
}: {
  available: number;
  booked: number;
  free: number;
  technicians?: number | null;
}) {
  const { t } = useTranslation();
  const ratio = available > 0 ? Math.min(booked / available, 1) : booked > 0 ? 1 : 0;
  const level = free <= 0 ? ' full' : ratio >= 0.8 ? ' high' : '';
  const hours = (value: number) => t('common.hoursValue', { value: value.toFixed(1) });
  return (
    <div className="capacity" data-testid="capacity" data-available={available} data-booked={booked} data-free={free}>
      <div
        className="capacity-bar"
        role="meter"
        aria-label={t('appointments.capacity')}
        aria-valuemin={0}
        aria-valuemax={available}
        aria-valuenow={booked}
      >
        <div className={`capacity-booked${level}`} style={{ width: `${ratio * 100}%` }} />
      </div>
      <div className="capacity-figures">
        <span>
          {t('appointments.available')}: <strong data-testid="capacity-available">{hours(available)}</strong>
        </span>
        <span>
          {t('appointments.booked')}: <strong data-testid="capacity-booked">{hours(booked)}</strong>
        </span>
        <span>
          {t('appointments.free')}:{' '}
          <strong data-testid="capacity-free" className={free <= 0 ? 'field-error' : undefined}>
            {free <= 0 ? t('appointments.full') : hours(free)}
          </strong>
        </span>
        {technicians != null && <span className="muted">{t('appointments.technicians', { count: technicians })}</span>}
      </div>
    </div>
  );
}
