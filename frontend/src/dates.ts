/** Dates of the dealer's working day (its time zone, not the browser's), as YYYY-MM-DD. */
export function dealerToday(timeZone: string | null | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || undefined }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The time of day (HH:MM) of an instant in the dealer's time zone. */
export function dealerTime(iso: string, timeZone: string | null | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: timeZone || undefined, hour: '2-digit', minute: '2-digit' }).format(
      new Date(iso),
    );
  } catch {
    return iso.slice(11, 16);
  }
}

/** A day in the interface language, e.g. "Thu 26 Nov 2026" / "2026年11月26日 周四". */
export function formatDay(day: string, language: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  return new Intl.DateTimeFormat(language.startsWith('zh') ? 'zh-CN' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** Half-hour slots of a working day, 08:00 to 17:30. */
export const DAY_SLOTS: readonly string[] = Array.from({ length: 20 }, (_, i) => {
  const minutes = 8 * 60 + i * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
});

/** The zone's UTC offset ("+08:00") at an instant. */
function zoneOffset(at: Date, timeZone: string | null | undefined): string {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: timeZone || undefined, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const match = name?.match(/GMT([+-]\d{2}):?(\d{2})?/);
    if (match) return `${match[1]}:${match[2] ?? '00'}`;
  } catch {
    // fall through to UTC
  }
  return '+00:00';
}

/** A wall-clock time at the dealer ("2026-11-26T17:30") as an ISO instant with its offset. */
export function dealerLocalToIso(local: string, timeZone: string | null | undefined): string {
  const guess = new Date(`${local}:00Z`);
  return `${local}:00${zoneOffset(guess, timeZone)}`;
}

/** An instant as the dealer's wall-clock time, for a datetime-local field. */
export function isoToDealerLocal(iso: string, timeZone: string | null | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone || undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
