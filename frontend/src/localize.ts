import { useTranslation } from 'react-i18next';
import { isChinese } from './i18n';

/** Picks the server's English or Chinese text for the current interface language. */
export function useLocalized(): (english: string, chinese: string | null | undefined) => string {
  const { i18n } = useTranslation();
  const zh = isChinese(i18n.language);
  return (english, chinese) => (zh && chinese ? chinese : english);
}

const CNY: Record<string, Intl.NumberFormat> = {};

/** An amount in yuan (Decimal arrives as a string to keep its precision). */
export function formatCny(amount: string, language: string): string {
  const locale = isChinese(language) ? 'zh-CN' : 'en-GB';
  const format = (CNY[locale] ??= new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'CNY',
    currencyDisplay: isChinese(language) ? 'symbol' : 'code',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }));
  const value = Number(amount);
  return Number.isFinite(value) ? format.format(value) : `CNY ${amount}`;
}

/** A timestamp in the dealer's time zone (the dealer's working day, not the browser's). */
export function formatDateTime(iso: string, language: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(isChinese(language) ? 'zh-CN' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone,
    }).format(date);
  } catch {
    return date.toISOString();
  }
}
