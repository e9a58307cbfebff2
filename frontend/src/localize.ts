import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isChinese } from './i18n';

/** Picks the server's English or Chinese text for the current interface language. */
export function useLocalized(): (english: string, chinese: string | null | undefined) => string {
  const { i18n } = useTranslation();
  const zh = isChinese(i18n.language);
  return useCallback((english: string, chinese: string | null | undefined) => (zh && chinese ? chinese : english), [zh]);
}

const FORMATS = new Map<string, Intl.NumberFormat>();

/**
 * An amount of money, yuan (CNY) unless the server says otherwise. Decimal arrives as a
 * string to keep its precision. English shows the code ("CNY 10,000.00"), Chinese the
 * sign ("¥10,000.00").
 */
export function formatMoney(amount: string, currency: string | null | undefined, language: string): string {
  const code = currency || 'CNY';
  const locale = isChinese(language) ? 'zh-CN' : 'en-GB';
  const key = `${locale}:${code}`;
  let format = FORMATS.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      currencyDisplay: isChinese(language) ? 'symbol' : 'code',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    FORMATS.set(key, format);
  }
  const value = Number(amount);
  return Number.isFinite(value) ? format.format(value) : `${code} ${amount}`;
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

/** Sets the browser tab's title: "<page> · Dealernet". */
export function usePageTitle(page: string | null): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = page ? `${page} · ${t('app.name')}` : `${t('app.name')} · ${t('app.tagline')}`;
  }, [page, t]);
}
