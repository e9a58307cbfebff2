#!/usr/bin/env node
// Browser checks of the app shell against a running dealernet server (no mocks).
//
//   BASE_URL=http://127.0.0.1:8000 DN_USERS='{"advisor_a":"..."}' node e2e/shell.mjs choose
//                                             prints the users "all" would check, by role
//   ... node e2e/shell.mjs sign-in            sign-in screen: default language, wrong password
//   ... node e2e/shell.mjs user advisor_a     one user's shell (header, navigation, 我的权限,
//                                             pages, 中文, sign-out); --switch also switches dealer
//   ... node e2e/shell.mjs all                sign-in, then a service advisor, a service or
//                                             regional manager and a multi-dealer user
//
// Each visitor gets a fresh Chromium profile. What the UI must show is taken from the
// server's own answer for the same session (the viewer query), so the checks follow the
// policy instead of restating it. Exits non-zero with a message on the first failure,
// leaving a screenshot in DN_ARTIFACTS (default e2e/artifacts).
import path from 'node:path';
import { artifactsDir, openProfile } from './browser.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/$/, '');
const USERS = JSON.parse(process.env.DN_USERS || '{}');

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function log(message) {
  console.log(`  ✓ ${message}`);
}

const VIEWER_QUERY = `query E2EViewer { viewer {
  displayName username
  currentDealer { id code name nameZh region { name nameZh } }
  dealers { dealer { id code name nameZh } roles { source role { key } } }
  roles { source role { key name nameZh } }
  permissions { object action label labelZh lines { text } }
  duties { key name nameZh lines { text } }
  authorityLimits { key label labelZh amount currency }
} }`;

// ---------------------------------------------------------------- API (truth) ----

async function post(query, variables, cookies = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (cookies.dn_csrf) headers['x-csrf-token'] = decodeURIComponent(cookies.dn_csrf);
  const jar = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  if (jar) headers.cookie = jar;
  const response = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const at = pair.indexOf('=');
    cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Failure(`POST /graphql answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}

/** One user's role keys and dealer count, from the API (sign in, ask, sign out). */
async function probeUser(username, password) {
  const cookies = {};
  const signIn = await post(
    `mutation E2EProbe($input: SignInInput!) { signIn(input: $input) { viewer {
       dealers { dealer { id } roles { role { key } } } roles { role { key } } } } }`,
    { input: { username, password } },
    cookies,
  );
  if (signIn.errors) return { error: signIn.errors[0]?.extensions?.code ?? signIn.errors[0]?.message };
  const viewer = signIn.data.signIn.viewer;
  const keys = new Set(viewer.roles.map((g) => g.role.key));
  for (const access of viewer.dealers) for (const g of access.roles) keys.add(g.role.key);
  await post('mutation E2EProbeOut { signOut }', {}, cookies);
  return { roles: [...keys].sort(), dealers: viewer.dealers.length };
}

const NEEDS = {
  advisor: (u) => u.roles.includes('service_advisor'),
  manager: (u) => u.roles.includes('service_manager') || u.roles.includes('regional_manager'),
  multiDealer: (u) => u.dealers > 1,
};

/**
 * Probes demo users (likely names first, stopping once every need is met) and picks a
 * service advisor, a service or regional manager, and a user with several dealers.
 * DN_E2E_USERS="a,b,c" names the users instead.
 */
async function chooseUsers() {
  const named = (process.env.DN_E2E_USERS || '').split(',').map((u) => u.trim()).filter(Boolean);
  const likely = (u) => (/advisor|manager|^rm[._]|regional/i.test(u) ? 0 : 1);
  const candidates = named.length ? named : Object.keys(USERS).sort((a, b) => likely(a) - likely(b));
  const found = {};
  const picked = {};
  for (const username of candidates) {
    check(USERS[username] !== undefined, `no password for ${username} in DN_USERS`);
    const user = (found[username] = await probeUser(username, USERS[username]));
    if (!user.roles) continue;
    for (const [need, test] of Object.entries(NEEDS)) {
      if (!picked[need] && test(user) && !(need === 'manager' && picked.advisor === username)) picked[need] = username;
    }
    if (!named.length && Object.keys(NEEDS).every((need) => picked[need])) break;
  }
  check(picked.advisor, `no service advisor among the demo users: ${JSON.stringify(found)}`);
  check(picked.manager, `no service or regional manager among the demo users: ${JSON.stringify(found)}`);
  check(picked.multiDealer, `no demo user has more than one dealer (needed for the dealer switcher): ${JSON.stringify(found)}`);
  const roleSets = new Set([picked.advisor, picked.manager].map((u) => found[u].roles.join(',')));
  check(roleSets.size === 2, `the advisor and the manager share one role set: ${[...roleSets]}`);
  return Object.fromEntries(
    Object.entries(picked).map(([need, username]) => [need, { username, ...found[username] }]),
  );
}

// ------------------------------------------------------------------ browser ----

async function viewerSeenByPage(page) {
  const body = await page.evaluate(async (query) => {
    const csrf = document.cookie
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith('dn_csrf='));
    const headers = { 'content-type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf.slice('dn_csrf='.length));
    const response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify({ query }),
    });
    return response.json();
  }, VIEWER_QUERY);
  check(!body.errors, `viewer query failed: ${JSON.stringify(body.errors)}`);
  check(body.data.viewer, 'viewer query returned no viewer for a signed-in browser');
  return body.data.viewer;
}

async function signInThroughForm(page, username, password) {
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

async function texts(locator) {
  return (await locator.allInnerTexts()).map((t) => t.trim());
}

// The navigation of src/access.ts: [permission needed (null: everyone), English, 中文].
const NAVIGATION = [
  [null, 'What I may do here', '我的权限'],
  ['appointment:read', 'Appointments', '预约'],
  ['repair_order:create', 'Reception', '接待'],
  ['repair_order:read', 'Repair orders', '维修工单'],
  ['workshop_board:read', 'Workshop board', '维修管理看板'],
  ['dispatch:assign', 'Dispatch', '派工'],
  ['job_clock:record', 'My jobs', '我的作业'],
  ['parts_stock:read', 'Parts stock', '配件库存'],
  ['purchase_order:read', 'Parts plans & orders', '订货计划与采购'],
  ['parts_plan:read', 'Reorder suggestions', '订货建议'],
  ['parts_transfer:read', 'Transfers', '调拨'],
  ['parts_receipt:read', 'Receiving', '入库验收'],
  ['parts_issue:issue', 'Issue queue', '发料'],
  ['parts_count:read', 'Stock counts', '库存盘点'],
  ['parts_write_off:read', 'Write-offs', '配件报损'],
  ['kpi:read', 'Parts KPIs', '配件考核指标'],
  ['kpi:read@region', 'Region parts KPIs', '大区配件指标'],
  ['warranty_claim:read', 'Warranty claims', '索赔申请'],
  ['warranty_claim:submit', 'Claim delivery', '索赔上报状态'],
  ['warranty_review:decide', 'Claim review', '索赔审核'],
  ['old_parts:read', 'Old parts', '旧件库'],
  ['old_parts:ship', 'Old-part shipments', '旧件回运'],
  ['old_parts:inspect', 'Old-part inspection', '旧件鉴定'],
  ['settlement:read', 'Warranty settlement', '三包费用结算'],
  ['revisit:record', 'Follow-up calls', '回访'],
  ['revisit:check_contact', 'Contact checks', '回访信息核实'],
  ['complaint:read', 'Complaints', '投诉'],
  ['reminder:read', 'Reminders & targets', '提醒与预约目标'],
  ['revisit:read', 'Care measures', '客服指标'],
  ['report:read', 'Care reports', '客服报表'],
  ['care_settings:read', 'Follow-up & complaint rules', '回访与投诉规则'],
  ['complaint:read_severe@region', 'Region severe complaints', '大区强烈投诉'],
  ['kpi:read@region', 'Region dashboard', '大区看板'],
  ['kpi:read@region', 'Outlier dealers', '异常经销商'],
  ['quality_feedback:read', 'Quality feedback', '质量信息反馈'],
  ['dealer_audit:read', 'Dealer audits', '巡查考核'],
  ['campaign:read', 'Recalls & campaigns', '召回与服务活动'],
  ['bulletin:read', 'Technical bulletins', '技术通报'],
  ['report:read', 'Monthly reports', '月报'],
  ['network.staff:read', 'Staff & headcount', '员工与岗位编制'],
  ['audit_log:read', 'Audit log', '审计日志'],
  ['api_key:read', 'Partner apps', '合作伙伴应用'],
];

function expectedNavigation(viewer, zh = false) {
  const held = new Set(viewer.permissions.map((p) => `${p.object}:${p.action}`));
  // "…@region": held through a region or the manufacturer (overseers only).
  const oversees = viewer.roles.some((g) => g.source === 'REGION' || g.source === 'MANUFACTURER');
  if (oversees) for (const p of [...held]) held.add(`${p}@region`);
  return NAVIGATION.filter(([needs]) => !needs || held.has(needs)).map(([, en, cn]) => (zh ? cn : en));
}

async function checkHeader(page, viewer) {
  await page.getByTestId('viewer-name').filter({ hasText: viewer.displayName }).waitFor();
  const dealer = viewer.currentDealer;
  if (dealer) {
    await page.locator(`[data-testid="current-dealer"][data-dealer-id="${dealer.id}"]`).waitFor();
    if (viewer.dealers.length > 1) {
      const selected = await page.getByTestId('dealer-switcher').inputValue();
      check(selected === dealer.id, `dealer switcher shows ${selected}, current dealer is ${dealer.id}`);
    } else {
      await page.getByTestId('current-dealer').filter({ hasText: dealer.name }).waitFor();
    }
  }
  const chips = await texts(page.getByTestId('current-roles').locator('li'));
  for (const grant of viewer.roles) {
    check(chips.includes(grant.role.name), `header roles ${JSON.stringify(chips)} lack "${grant.role.name}"`);
  }
  check(
    viewer.roles.length === 0 || chips.length === viewer.roles.length,
    `header shows roles ${JSON.stringify(chips)}, server says ${viewer.roles.map((g) => g.role.name)}`,
  );
  const regional = viewer.roles.some((g) => g.source === 'REGION') && !viewer.roles.some((g) => g.source === 'MEMBERSHIP');
  if (regional && dealer) {
    await page.getByTestId('current-region').filter({ hasText: dealer.region.name }).waitFor();
  }
  const switchers = await page.getByTestId('dealer-switcher').count();
  check(
    switchers === (viewer.dealers.length > 1 ? 1 : 0),
    `dealer switcher shown ${switchers} time(s) for a viewer with ${viewer.dealers.length} dealer(s)`,
  );
  log(`header: ${viewer.displayName} at ${dealer ? dealer.code : '(no dealer)'} as ${chips.join(', ')}; switcher ${switchers ? 'shown' : 'hidden'}`);
}

async function checkNavigation(page, viewer, zh = false) {
  const nav = page.getByTestId('navigation').locator('a');
  const wanted = expectedNavigation(viewer, zh);
  await page.getByTestId('navigation').locator('a').first().waitFor();
  const seen = await texts(nav);
  check(
    JSON.stringify(seen) === JSON.stringify(wanted),
    `navigation shows ${JSON.stringify(seen)}; from the viewer's permissions it should be ${JSON.stringify(wanted)}`,
  );
  log(`navigation: ${seen.join(' | ')}`);
}

async function checkMyAccess(page, viewer) {
  await page.getByTestId('nav-my-access').click();
  await page.getByTestId('page-my-access').waitFor();
  await page.locator('h1').filter({ hasText: 'What I may do here' }).waitFor();
  const shown = await page.getByTestId('permission').count();
  check(shown === viewer.permissions.length, `我的权限 lists ${shown} permissions, server grants ${viewer.permissions.length}`);
  for (const p of viewer.permissions) {
    const item = page.locator(`[data-permission="${p.object}:${p.action}"]`);
    check((await item.count()) === 1, `permission ${p.object}:${p.action} missing from 我的权限`);
    const label = (await item.locator('.grant-label').innerText()).trim();
    check(label === p.label, `permission ${p.object}:${p.action} labelled "${label}", expected "${p.label}"`);
  }
  const groups = await page.getByTestId('permission-group').count();
  const objects = new Set(viewer.permissions.map((p) => p.object)).size;
  check(groups === objects, `permissions grouped under ${groups} objects, expected ${objects}`);
  const first = viewer.permissions.find((p) => p.lines.length > 0);
  if (first) {
    const id = `${first.object}:${first.action}`;
    await page.getByTestId(`why-${id}`).click();
    const panel = page.getByTestId(`why-panel-${id}`);
    await panel.waitFor();
    const lines = await texts(panel.getByTestId('policy-line'));
    check(lines.length === first.lines.length, `why of ${id} shows ${lines.length} lines, server has ${first.lines.length}`);
    check(lines[0].includes(first.lines[0].text), `why of ${id} does not show "${first.lines[0].text}"`);
  }
  const duties = await page.getByTestId('duty').count();
  check(duties === viewer.duties.length, `${duties} duties shown, server has ${viewer.duties.length}`);
  for (const limit of viewer.authorityLimits) {
    const amount = (await page.locator(`[data-limit="${limit.key}"] [data-testid="limit-amount"]`).innerText()).trim();
    const number = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(limit.amount));
    const currency = limit.currency || 'CNY';
    check(amount.includes(currency) && amount.includes(number), `limit ${limit.key} shows "${amount}", expected ${currency} ${number}`);
  }
  log(`我的权限: ${shown} permissions in ${groups} groups, ${duties} duties, ${viewer.authorityLimits.length} limits${first ? ', why opens' : ''}`);
}

async function checkGuardedPages(page, viewer) {
  const has = (object, action) => viewer.permissions.some((p) => p.object === object && p.action === action);
  if (has('network.staff', 'read')) {
    await page.getByTestId('nav-staff').click();
    await page.getByTestId('page-staff').waitFor();
    await page.getByTestId('headcount').locator('table, .empty').first().waitFor();
    await page.getByTestId('staff-row').first().waitFor();
    check((await page.getByTestId('error-panel').count()) === 0, 'staff page shows an error');
    const rows = await page.getByTestId('staff-row').count();
    const lines = await page.getByTestId('headcount-row').count();
    log(`Staff & headcount: ${rows} staff, ${lines} headcount lines`);
  } else {
    await page.goto(`${BASE_URL}/staff`);
    await page.getByTestId('not-permitted').waitFor();
    log('Staff & headcount: refused at /staff without network.staff:read');
  }
  if (has('audit_log', 'read')) {
    await page.getByTestId('nav-audit-log').click();
    await page.getByTestId('page-audit-log').waitFor();
    await page.getByTestId('audit').locator('tbody tr').first().waitFor();
    check((await page.getByTestId('error-panel').count()) === 0, 'audit log shows an error');
    log(`Audit log: ${await page.getByTestId('audit-row').count()} entries`);
  } else {
    await page.goto(`${BASE_URL}/audit-log`);
    await page.getByTestId('not-permitted').waitFor();
    log('Audit log: refused at /audit-log without audit_log:read');
  }
  await page.goto(`${BASE_URL}/my-access`);
  await page.getByTestId('page-my-access').waitFor();
}

async function checkDealerSwitch(page, viewer) {
  const other = viewer.dealers.find((d) => d.dealer.id !== viewer.currentDealer?.id);
  check(other, 'multi-dealer viewer has no other dealer to switch to');
  await page.getByTestId('dealer-switcher').selectOption(other.dealer.id);
  await page.locator(`[data-testid="current-dealer"][data-dealer-id="${other.dealer.id}"]`).waitFor();
  const after = await viewerSeenByPage(page);
  check(after.currentDealer?.id === other.dealer.id, `after switching, the server's current dealer is ${after.currentDealer?.code}, not ${other.dealer.code}`);
  await checkHeader(page, after);
  await checkNavigation(page, after);
  if (after.permissions.some((p) => p.object === 'network.staff' && p.action === 'read')) {
    await page.getByTestId('nav-staff').click();
    await page.getByTestId('page-staff').filter({ hasText: other.dealer.name }).waitFor();
    await page.getByTestId('staff-row').first().waitFor();
    await page.getByTestId('nav-my-access').click();
  }
  log(`switched dealer ${viewer.currentDealer?.code} -> ${other.dealer.code}; header, navigation and pages refetched`);
  return after;
}

async function checkChinese(page, viewer) {
  await page.getByTestId('lang-zh-CN').click();
  await page.getByTestId('nav-my-access').filter({ hasText: '我的权限' }).waitFor();
  await checkNavigation(page, viewer, true);
  await page.locator('h1').filter({ hasText: '我的权限' }).waitFor();
  for (const p of viewer.permissions.slice(0, 5)) {
    if (!p.labelZh) continue;
    const label = (await page.locator(`[data-permission="${p.object}:${p.action}"] .grant-label`).innerText()).trim();
    check(label === p.labelZh, `in 中文, ${p.object}:${p.action} shows "${label}", expected "${p.labelZh}"`);
  }
  const chips = await texts(page.getByTestId('current-roles').locator('li'));
  for (const grant of viewer.roles) {
    check(chips.includes(grant.role.nameZh), `in 中文, header roles ${JSON.stringify(chips)} lack "${grant.role.nameZh}"`);
  }
  await page.reload();
  await page.getByTestId('nav-my-access').filter({ hasText: '我的权限' }).waitFor();
  const stored = await page.evaluate(() => window.localStorage.getItem('dn.lang'));
  check(stored === 'zh-CN', `language choice not kept in localStorage (dn.lang=${stored})`);
  check((await page.locator('html').getAttribute('lang')) === 'zh-CN', '<html lang> is not zh-CN in 中文');
  log('中文: navigation, labels and roles in Chinese; kept after reload');
}

async function checkSignOut(page, zh) {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in-form').waitFor();
  await page.reload();
  await page.getByTestId('sign-in-form').waitFor();
  await page.locator('h1').filter({ hasText: zh ? '登录' : 'Sign in' }).waitFor();
  log('signed out: the session is gone after reload');
}

async function withProfile(name, options, body) {
  const profile = await openProfile(options);
  try {
    await body(profile.page);
    await profile.page.screenshot({ path: path.join(artifactsDir(), `${name}.png`), fullPage: true });
    const crashes = profile.problems.filter((p) => p.startsWith('page error'));
    check(crashes.length === 0, `uncaught errors in the page:\n${crashes.join('\n')}`);
  } catch (error) {
    const shot = path.join(artifactsDir(), `${name}-FAILED.png`);
    await profile.page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    error.message += `\n  (screenshot: ${shot}; url: ${profile.page.url()})`;
    if (profile.problems.length) error.message += `\n  browser said:\n    ${profile.problems.join('\n    ')}`;
    throw error;
  } finally {
    await profile.close();
  }
}

// ---------------------------------------------------------------- scenarios ----

async function signInScreen() {
  console.log('sign-in screen');
  await withProfile('sign-in-zh', { locale: 'zh-CN' }, async (page) => {
    await page.goto(`${BASE_URL}/`);
    await page.locator('h1').filter({ hasText: '登录' }).waitFor();
    log('a Chinese browser gets the sign-in screen in 中文');
  });
  await withProfile('sign-in', { locale: 'en-US' }, async (page) => {
    await page.goto(`${BASE_URL}/`);
    await page.locator('h1').filter({ hasText: 'Sign in' }).waitFor();
    log('an English browser gets the sign-in screen in English');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-error').filter({ hasText: 'Enter your username and password.' }).waitFor();
    await signInThroughForm(page, 'e2e-no-such-user', 'wrong password');
    const error = page.getByTestId('sign-in-error');
    await error.filter({ hasText: 'The username or password is wrong.' }).waitFor();
    check((await error.getAttribute('data-code')) === 'UNAUTHENTICATED', 'wrong password not reported as UNAUTHENTICATED');
    log('wrong credentials: "The username or password is wrong." (UNAUTHENTICATED)');
  });
}

async function userShell(username, { switchDealer = false } = {}) {
  const password = USERS[username];
  check(password !== undefined, `no password for ${username} in DN_USERS`);
  console.log(`user ${username}`);
  await withProfile(`user-${username}`, { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, username, password);
    await page.getByTestId('viewer-name').waitFor().catch(async () => {
      const error = await page.getByTestId('sign-in-error').innerText().catch(() => '(no message)');
      throw new Failure(`sign-in as ${username} did not open the app: ${error}`);
    });
    let viewer = await viewerSeenByPage(page);
    await checkHeader(page, viewer);
    await checkNavigation(page, viewer);
    await checkMyAccess(page, viewer);
    await checkGuardedPages(page, viewer);
    if (switchDealer) {
      check(viewer.dealers.length > 1, `${username} has ${viewer.dealers.length} dealer(s); cannot test the switcher`);
      viewer = await checkDealerSwitch(page, viewer);
      await checkMyAccess(page, viewer);
    }
    await page.screenshot({ path: path.join(artifactsDir(), `user-${username}-en.png`), fullPage: true });
    await checkChinese(page, viewer);
    await checkSignOut(page, true);
  });
  return username;
}

async function main() {
  check(BASE_URL, 'BASE_URL is not set (the running dealernet server, e.g. http://127.0.0.1:8000)');
  const [command = 'all', ...rest] = process.argv.slice(2);
  if (command === 'choose') {
    console.log(JSON.stringify(await chooseUsers()));
    return;
  }
  if (command === 'sign-in') return signInScreen();
  if (command === 'user') {
    const username = rest.find((a) => !a.startsWith('--'));
    check(username, 'usage: shell.mjs user USERNAME [--switch]');
    await userShell(username, { switchDealer: rest.includes('--switch') });
    return;
  }
  if (command === 'all') {
    const picked = await chooseUsers();
    await signInScreen();
    const runs = [
      [picked.advisor.username, false],
      [picked.manager.username, false],
      [picked.multiDealer.username, true],
    ];
    for (const [username, switchDealer] of runs) await userShell(username, { switchDealer });
    console.log(`${runs.length + 1} passed, 0 failed`);
    return;
  }
  throw new Failure(`unknown command ${command}; use probe, sign-in, user USERNAME [--switch] or all`);
}

main().catch((error) => {
  console.error(`\nE2E FAILURE: ${error instanceof Failure ? '' : `${error.name}: `}${error.message}`);
  process.exit(1);
});
