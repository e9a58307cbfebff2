import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../localize';
import './Reorder.css';

/** Pieces the reorder and transfer screens share: quantities, days, statuses, dealers. */

/** A quantity without trailing zeros ("12", "0.0667", "2.5"). */
export function qty(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? String(Math.round(n * 10_000) / 10_000) : String(value);
}

/** A day (yyyy-mm-dd) as the interface language writes it. */
export function Day({ value }: { value: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{dayText(value, i18n.language)}</time>;
}

export function dayText(value: string, language: string): string {
  const [y = 1970, m = 1, d = 1] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(language.startsWith('zh') ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function SuggestionStatusPill({ value }: { value: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  return (
    <span className={`status status-rs-${key}`} data-status={key}>
      {t(`parts.reorder.status.${key}` as 'parts.reorder.status.open', { defaultValue: value })}
    </span>
  );
}

export function RunStatusPill({ value }: { value: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  return (
    <span className={`status status-run-${key}`} data-status={key} data-testid="run-status">
      {t(`parts.reorder.runStatus.${key}` as 'parts.reorder.runStatus.done', { defaultValue: value })}
    </span>
  );
}

export function TransferStatusPill({ value }: { value: string }) {
  const { t } = useTranslation();
  const key = value.toLowerCase();
  return (
    <span className={`status status-tr-${key}`} data-status={key} data-testid="transfer-status">
      {t(`parts.transfers.status.${key}` as 'parts.transfers.status.requested', { defaultValue: value })}
    </span>
  );
}

/** A dealer by code and name in the interface language. */
export function DealerName({ dealer }: { dealer: { code: string; name: string; nameZh: string } }) {
  const local = useLocalized();
  return (
    <span>
      <span className="mono">{dealer.code}</span> {local(dealer.name, dealer.nameZh)}
    </span>
  );
}

/** A part by number and name in the interface language. */
export function PartName({
  part,
  number,
}: {
  part: { partNumber: string; name: string; nameZh: string } | null | undefined;
  number?: string;
}) {
  const local = useLocalized();
  return (
    <span className="part-name">
      <span className="mono">{part?.partNumber ?? number}</span>
      {part && <span className="muted"> {local(part.name, part.nameZh)}</span>}
    </span>
  );
}
