#!/usr/bin/env node
// Browser check of reminders and outbound appointment targets against a running
// dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_REMINDER_SUFFIX=abc123 DN_REMINDER_FULL_DAY=YYYY-MM-DD \
//   DN_REMINDER_OPEN_DAY=YYYY-MM-DD node e2e/care_reminders.mjs work-the-list
//       the customer-service specialist (English) refreshes the list and opens 保险到期;
//       with the keyboard she dismisses one target (the note is required); she books
//       another from the call: the full day is refused with the days that have room, the
//       suggested day books, and the API has the target booked with an OUTBOUND
//       appointment on that day; the front-desk supervisor (中文) sees the kinds in
//       Chinese and the customer not seen since 2020 on 流失客户.
//
// The customers ("E2E Dismiss|Book|Lapsed <suffix>") and the technician shift on the
// open day are arranged by the pytest driver at SH01.
// DN_REMINDER_USERS='{"cs":"cs.sh01","frontDesk":"frontdesk.sh01"}' overrides the users.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  cs: 'cs.sh01',
  frontDesk: 'frontdesk.sh01',
  ...JSON.parse(process.env.DN_REMINDER_USERS || '{}'),
};
const SUFFIX = process.env.DN_REMINDER_SUFFIX || '';
const FULL_DAY = process.env.DN_REMINDER_FULL_DAY || '';
const OPEN_DAY = process.env.DN_REMINDER_OPEN_DAY || '';

const TARGETS_QUERY = `query E2EReminders($status: ReminderStatus) {
  reminderTargets(kind: INSURANCE, status: $status, first: 100) {
    edges { node { id status note customer { name } appointment { channel workDate } } }
  }
}`;

async function target(api, status, name) {
  const data = await api.must('reading the reminder targets', TARGETS_QUERY, { status });
  return data.reminderTargets.edges.map((e) => e.node).find((n) => n.customer?.name === name) ?? null;
}

async function workTheList() {
  check(SUFFIX && FULL_DAY && OPEN_DAY, 'DN_REMINDER_SUFFIX, DN_REMINDER_FULL_DAY and DN_REMINDER_OPEN_DAY must be set');
  const dismissName = `E2E Dismiss ${SUFFIX}`;
  const bookName = `E2E Book ${SUFFIX}`;
  const lapsedName = `E2E Lapsed ${SUFFIX}`;
  const api = await apiSession(ROLES.cs);

  await withProfile('reminders-cs', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.cs);
    await page.getByTestId('nav-reminders').click();
    await page.getByTestId('page-reminders').waitFor();
    await page.getByTestId('reminders-generate').click();
    await page.getByTestId('reminders-notice').waitFor();
    log('refreshed the list');

    await page.getByTestId('reminders-tab-insurance').click();
    const dismissRow = page.locator(`[data-testid="reminder-row"][data-customer="${dismissName}"]`);
    await dismissRow.waitFor();
    const why = await dismissRow.getByTestId('reminder-why').innerText();
    check(/insurance expires on/.test(why), `the why of the insurance target says "${why}"`);

    // Keyboard only: select the row with j/k, x opens the dismissal, Enter submits.
    const rows = page.getByTestId('reminder-row');
    const count = await rows.count();
    let index = -1;
    for (let i = 0; i < count; i += 1) {
      if ((await rows.nth(i).getAttribute('data-customer')) === dismissName) index = i;
    }
    check(index >= 0, `${dismissName} is not in the list`);
    await page.locator('body').focus();
    for (let i = 0; i < count; i += 1) await page.keyboard.press('k');
    for (let i = 0; i < index; i += 1) await page.keyboard.press('j');
    check((await dismissRow.getAttribute('aria-selected')) === 'true', 'j/k did not select the row');
    await page.keyboard.press('x');
    const note = page.getByTestId('reminder-note');
    await note.waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('Say why it is dismissed.').waitFor();
    await page.keyboard.type('Moved to Hangzhou');
    await page.keyboard.press('Enter');
    await dismissRow.waitFor({ state: 'detached' });
    const dismissed = await target(api, 'DISMISSED', dismissName);
    check(dismissed && dismissed.note === 'Moved to Hangzhou', `the API has ${JSON.stringify(dismissed)}`);
    log('dismissed with the keyboard, with the note the API keeps');

    const bookRow = page.locator(`[data-testid="reminder-row"][data-customer="${bookName}"]`);
    await bookRow.getByTestId('reminder-book').click();
    const form = page.getByTestId('reminder-booking');
    await form.waitFor();
    await form.getByTestId('reminder-book-date').fill(FULL_DAY);
    await form.getByTestId('reminder-book-slot').selectOption('10:00');
    await form.getByTestId('reminder-book-request').fill('Renewal and a tyre check');
    await form.getByTestId('reminder-book-submit').click();
    await form.getByTestId('reminder-book-full').waitFor();
    const suggested = form.getByTestId('suggested-day');
    check((await suggested.count()) >= 1, 'no day with room was suggested');
    log(`refused the full day ${FULL_DAY} with ${await suggested.count()} suggested day(s)`);
    await suggested.first().click();
    check((await form.getByTestId('reminder-book-date').inputValue()) === OPEN_DAY, `the suggested day is not ${OPEN_DAY}`);
    await form.getByTestId('reminder-book-submit').click();
    await page.getByTestId('reminder-done').waitFor();
    await bookRow.waitFor({ state: 'detached' });
    const booked = await target(api, 'BOOKED', bookName);
    check(
      booked && booked.appointment?.channel === 'OUTBOUND' && booked.appointment.workDate === OPEN_DAY,
      `the API has ${JSON.stringify(booked)}`,
    );
    log(`booked OUTBOUND on ${OPEN_DAY}, as the API says`);
  });

  await withProfile('reminders-front-desk', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.frontDesk);
    await page.getByTestId('nav-reminders').click();
    await page.getByTestId('page-reminders').waitFor();
    const tab = await page.getByTestId('reminders-tab-insurance').innerText();
    check(tab.includes('保险到期'), `the insurance tab says "${tab}"`);
    await page.getByTestId('reminders-tab-lapsed').click();
    await page.getByTestId('reminder-lapsed').waitFor();
    const row = page.locator(`[data-testid="lapsed-row"][data-customer="${lapsedName}"]`);
    for (let i = 0; i < 50 && (await row.count()) === 0; i += 1) {
      const more = page.getByRole('button', { name: '更多' });
      if ((await more.count()) === 0) break;
      await more.click();
      await page.waitForTimeout(200);
    }
    await row.waitFor();
    const months = Number(await row.getByTestId('lapsed-months').innerText());
    check(months >= 18, `the lapsed customer shows ${months} months away`);
    log(`in 中文 the tabs read 保险到期; the lapsed customer listed (${months} months away)`);
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'work-the-list') return workTheList();
  throw new Error(`unknown command ${command}; use work-the-list`);
});
