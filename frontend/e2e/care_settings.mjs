#!/usr/bin/env node
// Browser check of the customer-care rules (回访与投诉规则) against a running dealernet
// server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/care_settings.mjs edit-the-rules
//       the service manager (中文) sees the rules the API answers; an overlapping call
//       window is refused with its rule and nothing changes; a third window 19:30-20:30
//       and four attempts are saved, as the API then says; the customer-service
//       specialist (English) sees the same rules read-only, with no way to save.
//
// The pytest driver puts SH01's rules back afterwards.
// DN_SETTINGS_USERS='{"manager":"manager.sh01","cs":"cs.sh01"}' overrides the users.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  manager: 'manager.sh01',
  cs: 'cs.sh01',
  ...JSON.parse(process.env.DN_SETTINGS_USERS || '{}'),
};

const SETTINGS_QUERY = `query E2ECareSettings {
  careSettings { customised minAttempts callWindows { starts ends } }
}`;

async function windowsOnPage(page) {
  const rows = page.getByTestId('call-window');
  const windows = [];
  for (let i = 0; i < (await rows.count()); i += 1) {
    const row = rows.nth(i);
    windows.push({
      starts: (await row.getByTestId('window-starts').inputValue()).slice(0, 5),
      ends: (await row.getByTestId('window-ends').inputValue()).slice(0, 5),
    });
  }
  return windows;
}

async function editTheRules() {
  const api = await apiSession(ROLES.manager);
  const before = (await api.must('reading the care rules', SETTINGS_QUERY)).careSettings;

  await withProfile('care-settings-manager', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    await page.getByTestId('nav-care-settings').click();
    await page.getByTestId('page-care-settings').waitFor();
    const heading = await page.locator('#care-windows-heading').innerText();
    check(heading.includes('回访时段'), `the windows heading says "${heading}"`);
    const shown = await windowsOnPage(page);
    check(
      JSON.stringify(shown) === JSON.stringify(before.callWindows),
      `the page shows ${JSON.stringify(shown)}, the API ${JSON.stringify(before.callWindows)}`,
    );
    const state = page.getByTestId('care-settings-state');
    check(
      (await state.getAttribute('data-customised')) === String(before.customised),
      'the page and the API disagree whether the rules are customised',
    );
    log(`in 中文 the manager sees the API's ${shown.length} call windows`);

    await page.getByTestId('add-window').click();
    const added = page.getByTestId('call-window').last();
    await added.getByTestId('window-starts').fill('18:00');
    await added.getByTestId('window-ends').fill('20:00');
    await page.getByTestId('setting-minAttempts').fill('4');
    await page.getByTestId('save-care-settings').click();
    const refusal = page.getByTestId('mutation-error');
    await refusal.waitFor();
    const rule = await refusal.getAttribute('data-rule');
    check(rule === 'call_windows_overlap', `the overlap was refused with rule "${rule}"`);
    const unchanged = (await api.must('reading the care rules', SETTINGS_QUERY)).careSettings;
    check(unchanged.minAttempts === before.minAttempts, 'a refused save changed the rules');
    log('an overlapping window is refused (call_windows_overlap) and nothing is stored');

    await added.getByTestId('window-starts').fill('19:30');
    await added.getByTestId('window-ends').fill('20:30');
    await page.getByTestId('save-care-settings').click();
    await page.getByTestId('care-settings-saved').waitFor();
    const after = (await api.must('reading the care rules', SETTINGS_QUERY)).careSettings;
    const last = after.callWindows[after.callWindows.length - 1];
    check(
      after.customised && after.minAttempts === 4 && last.starts === '19:30' && last.ends === '20:30',
      `the API has ${JSON.stringify(after)}`,
    );
    await page.locator('[data-testid="care-settings-state"][data-customised="true"]').waitFor();
    log('the window 19:30-20:30 and four attempts are saved, as the API says');
  });

  await withProfile('care-settings-cs', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.cs);
    await page.getByTestId('nav-care-settings').click();
    await page.getByTestId('page-care-settings').waitFor();
    await page.getByTestId('care-settings-read-only').waitFor();
    check((await page.getByTestId('save-care-settings').count()) === 0, 'the specialist can save');
    check(await page.getByTestId('setting-minAttempts').isDisabled(), 'the specialist can edit');
    check((await page.getByTestId('setting-minAttempts').inputValue()) === '4', 'the page shows another count');
    const shown = await windowsOnPage(page);
    check(shown.some((w) => w.starts === '19:30' && w.ends === '20:30'), `the specialist sees ${JSON.stringify(shown)}`);
    const heading = await page.locator('#care-windows-heading').innerText();
    check(heading.includes('Call windows'), `the windows heading says "${heading}"`);
    check((await page.getByTestId('desk-vacant').count()) === 0, 'SH01 has a customer-service desk, yet the page says vacant');
    const callers = await page.getByTestId('desk-callers').innerText();
    check(callers && callers !== 'nobody', `the desk callers read "${callers}"`);
    log(`the specialist reads the same rules in English, read-only; the desk: ${callers}`);
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'edit-the-rules') return editTheRules();
  throw new Error(`unknown command ${command}; use edit-the-rules`);
});
