#!/usr/bin/env node
// Browser check of dealer audits (巡查考核) against a running dealernet server (no mocks),
// on the demo network.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/oversight_audits.mjs audits
//       The East regional manager plans and starts a visit to SH01 through the API and
//       scores all but one item there; in the browser (English) the audits page lists
//       exactly the region's dealers, the audit page takes the last item's points and a
//       finding with its owner and due date, and after submitting shows the API's score
//       and a bar per section. SH01's service manager (Chinese) reads the audit without
//       point inputs and answers the finding (整改); the regional manager verifies it and
//       closes the audit.
import { apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = { regional: 'rm.east', manager: 'manager.sh01' };
const DETAIL = `query E2EAudit($id: ID!) { dealerAudit(id: $id) { id number status score maxScore scorePercent
  sections { section percent items { points item { id code weight } } } findings { id status } } }`;

function tomorrow() {
  const day = new Date(Date.now() + 36 * 3600 * 1000);
  return day.toISOString().slice(0, 10);
}

async function audits() {
  const api = await apiSession(ROLES.regional);
  const summary = (await api.must('reading the summary', 'query E2ESummary { dealerAuditSummary { dealerId dealerCode } }'))
    .dealerAuditSummary;
  const codes = summary.map((d) => d.dealerCode).sort();
  check(JSON.stringify(codes) === JSON.stringify(['SH01', 'SH02']), `the API summary lists ${codes}`);
  const sh01 = summary.find((d) => d.dealerCode === 'SH01').dealerId;
  const planned = (
    await api.must('planning a visit', 'mutation E2EPlan($d: ID!, $on: Date!) { planDealerAudit(dealerId: $d, plannedOn: $on) { id number } }', {
      d: sh01,
      on: tomorrow(),
    })
  ).planDealerAudit;
  await api.must('starting it', 'mutation E2EStart($id: ID!) { startDealerAudit(id: $id) { id } }', { id: planned.id });
  const before = (await api.must('reading it', DETAIL, { id: planned.id })).dealerAudit;
  const items = before.sections.flatMap((s) => s.items.map((i) => i.item));
  const last = items[items.length - 1];
  for (const item of items.slice(0, -1)) {
    await api.must(`scoring ${item.code}`, 'mutation E2EScore($a: ID!, $i: ID!, $p: Decimal!) { scoreDealerAuditItem(auditId: $a, itemId: $i, points: $p, note: "") { id } }', {
      a: planned.id,
      i: item.id,
      p: String(item.weight),
    });
  }

  await withProfile('oversight-audits-region', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('nav-audits').click();
    await page.getByTestId('page-audits').waitFor();
    await page.getByRole('heading', { name: 'Dealer audits' }).waitFor();
    await page.getByTestId('audit-summary').waitFor();
    const shown = (await page.getByTestId('audit-summary-row').evaluateAll((rows) => rows.map((r) => r.dataset.dealer))).sort();
    check(JSON.stringify(shown) === JSON.stringify(['SH01', 'SH02']), `the summary lists ${shown}`);
    log(`exactly the region's dealers: ${shown.join(', ')}`);

    await page.locator(`[data-testid="audit-row"][data-number="${planned.number}"] a`).first().click();
    await page.getByTestId('page-audit').waitFor();
    const row = page.locator(`[data-testid="audit-item"][data-code="${last.code}"]`);
    await row.getByTestId('audit-item-points').fill(String(last.weight - 1));
    await row.getByTestId('audit-item-note').fill('Ledger one card behind');
    await row.getByTestId('audit-item-save').click();
    await page.locator(`[data-testid="audit-item"][data-code="${last.code}"][data-points="${last.weight - 1}.00"]`).waitFor();

    await page.getByTestId('audit-finding-severity').selectOption('MAJOR');
    await page.getByTestId('audit-finding-item').selectOption(last.id);
    await page.getByTestId('audit-finding-description').fill('Old-part tags missing on two parts');
    const owners = await page.getByTestId('audit-finding-owner').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    check(owners.length > 0, 'no owner candidates offered');
    await page.getByTestId('audit-finding-owner').selectOption(owners[0]);
    await page.getByTestId('audit-finding-due').fill(tomorrow());
    await page.getByTestId('audit-finding-save').click();
    await page.getByTestId('audit-finding').first().waitFor();

    await page.getByTestId('audit-summary-text').fill('Good process discipline');
    await page.getByTestId('audit-submit').click();
    await page.locator('[data-testid="page-audit"][data-status="SUBMITTED"]').waitFor();
    const after = (await api.must('reading it again', DETAIL, { id: planned.id })).dealerAudit;
    const expected = (100 - 1) / 100 * 100;
    check(after.status === 'SUBMITTED' && Number(after.score) === 99 && Number(after.maxScore) === 100, `the API has ${after.score}/${after.maxScore}`);
    const scoreText = await page.getByTestId('audit-score').textContent();
    check(scoreText.includes('99.00') && scoreText.includes(`${expected.toFixed(1)} %`), `the page shows ${scoreText}`);
    const bars = await page.getByTestId('audit-section-chart-bar').count();
    check(bars === after.sections.length, `${bars} bars for ${after.sections.length} sections`);
    log(`submitted: the page shows the API's score (${scoreText.trim()}) and a bar per section (${bars})`);
  });

  await withProfile('oversight-audits-dealer', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.manager);
    await page.getByTestId('nav-audits').click();
    await page.getByRole('heading', { name: '巡查考核' }).waitFor();
    check((await page.getByTestId('audit-summary').count()) === 0, 'the dealer sees the region summary');
    await page.locator(`[data-testid="audit-row"][data-number="${planned.number}"] a`).first().click();
    await page.getByTestId('audit-findings').waitFor();
    check((await page.getByTestId('audit-item-points').count()) === 0, 'the dealer is offered point inputs');
    check((await page.getByTestId('audit-finding-verify').count()) === 0, 'the dealer is offered verify');
    await page.getByText('整改期限').first().waitFor();
    await page.getByTestId('audit-finding-response-text').fill('已补挂旧件标签并培训库管员');
    await page.getByTestId('audit-finding-respond').click();
    await page.locator('[data-testid="audit-finding"][data-status="RESPONDED"]').waitFor();
    log('in Chinese: the service manager reads the audit without point inputs and answers the finding (整改)');
  });

  await withProfile('oversight-audits-verify', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.goto(`${new URL(page.url()).origin}/oversight/audits/${encodeURIComponent(planned.id)}`);
    await page.getByTestId('audit-finding-verify').click();
    await page.locator('[data-testid="audit-finding"][data-status="VERIFIED"]').waitFor();
    await page.getByTestId('audit-close').click();
    await page.locator('[data-testid="page-audit"][data-status="CLOSED"]').waitFor();
    const closed = (await api.must('reading it closed', DETAIL, { id: planned.id })).dealerAudit;
    check(closed.status === 'CLOSED', `the API has ${closed.status}`);
    log('verified and closed as the API says');
  });
}

const scenarios = { audits };
run(async () => {
  const name = process.argv[2];
  check(scenarios[name], `unknown scenario ${name}`);
  await scenarios[name]();
});
