#!/usr/bin/env node
// Browser check of complaints (投诉) against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' DN_COMPLAINT_CUSTOMER=... node e2e/care_complaints.mjs intake-route-region
//       the customer-service specialist of SH01 (English) records a severe complaint ticket for
//       the arranged customer, picking the customer with the keyboard; the ticket page shows it
//       received and already with the service manager, as the API says; the general manager
//       (中文) routes it to 车间 from the buttons the page offers; the East China regional
//       manager (中文) finds it at once on 大区强烈投诉, read only.
//
// The customer (a name no one else has, at SH01, with one car) is arranged by the pytest driver.
import { BASE_URL, apiSession, check, log, run, signInThroughForm, withProfile } from './common.mjs';

const CUSTOMER = process.env.DN_COMPLAINT_CUSTOMER || '';
const CS = 'cs.sh01';
const GM = 'gm.sh01';
const REGIONAL = 'rm.east';
const SUMMARY = 'Engine light on again after the repair';

const FIND = `query E2EComplaints($search: String!) {
  complaints(search: $search, overdue: false, mine: false, escalatedToMe: false) {
    edges { node { id number status level department escalationLevel customerName } }
  }
}`;

async function intakeRouteRegion() {
  check(CUSTOMER, 'DN_COMPLAINT_CUSTOMER is not set');
  const csApi = await apiSession(CS);
  let ticket = null;

  await withProfile('complaint-intake', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, CS);
    await page.getByTestId('nav-complaints').click();
    await page.getByTestId('page-complaints').waitFor();
    await page.getByTestId('new-complaint').click();
    await page.getByTestId('page-complaint-new').waitFor();
    const search = page.getByTestId('complaint-customer-search');
    await search.pressSequentially(CUSTOMER);
    await page.getByRole('option').filter({ hasText: CUSTOMER }).first().waitFor();
    await search.press('Enter');
    await page.getByTestId('complaint-customer').filter({ hasText: CUSTOMER }).waitFor();
    check((await page.getByTestId('complaint-vehicle').inputValue()) !== '', 'the only car was not chosen');
    await page.getByTestId('complaint-channel').selectOption('PHONE');
    await page.getByTestId('complaint-level-input').selectOption('SEVERE');
    await page.getByTestId('complaint-summary').fill(SUMMARY);
    await page.getByTestId('complaint-submit').click();
    await page.locator('[data-testid="page-complaint"][data-status="received"]').waitFor();
    await page.getByTestId('complaint-escalation').filter({ hasText: 'service manager' }).waitFor();
    const edges = (await csApi.must('finding the ticket', FIND, { search: CUSTOMER })).complaints.edges;
    check(edges.length === 1, `the API lists ${edges.length} tickets of ${CUSTOMER}`);
    ticket = edges[0].node;
    check(ticket.status === 'RECEIVED' && ticket.level === 'SEVERE' && ticket.escalationLevel === 2,
      `the API has ${JSON.stringify(ticket)}`);
    const title = await page.locator('h1').innerText();
    check(title.includes(ticket.number), `the page title ${title} lacks ${ticket.number}`);
    const steps = await page.locator('[data-testid^="complaint-step-"]').evaluateAll((b) => b.map((x) => x.dataset.testid));
    check(!steps.includes('complaint-step-routed'), `customer service is offered routing: ${steps}`);
    log(`recorded ${ticket.number}: received, severe, already with the service manager, as the API says`);
  });

  await withProfile('complaint-route', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, GM);
    await page.goto(`${BASE_URL}/care/complaints/${ticket.id}`);
    await page.locator('[data-testid="page-complaint"][data-status="received"]').waitFor();
    await page.getByTestId('complaint-step-routed').filter({ hasText: '分派' }).click();
    await page.getByTestId('step-department').selectOption('WORKSHOP');
    await page.getByTestId('step-text').fill('请车间复查发动机故障灯');
    await page.getByTestId('step-submit').click();
    await page.locator('[data-testid="page-complaint"][data-status="routed"]').waitFor();
    await page.getByTestId('complaint-department').filter({ hasText: '车间' }).waitFor();
    await page.getByTestId('complaint-timeline').filter({ hasText: '分派' }).waitFor();
    const [node] = (await csApi.must('reading the ticket', FIND, { search: ticket.number })).complaints.edges.map((e) => e.node);
    check(node.status === 'ROUTED' && node.department === 'WORKSHOP', `the API has ${JSON.stringify(node)}`);
    log('the general manager routed it to 车间; the API has it routed to WORKSHOP');
  });

  await withProfile('complaint-region', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, REGIONAL);
    await page.goto(`${BASE_URL}/region/complaints`);
    await page.getByTestId('page-region-complaints').waitFor();
    const row = page.locator(`[data-testid="complaint-row"][data-number="${ticket.number}"]`);
    await row.waitFor();
    const text = await row.innerText();
    check(text.includes('SH01') && text.includes('强烈投诉'), `the region row says ${text}`);
    await row.press('Enter');
    await page.locator('[data-testid="page-complaint"][data-status="routed"]').waitFor();
    const steps = await page.locator('[data-testid^="complaint-step-"]').count();
    check(steps === 0, `the regional manager is offered ${steps} steps`);
    log(`the regional manager sees ${ticket.number} of SH01 on 大区强烈投诉, read only`);
  });
}

const SCENARIOS = { 'intake-route-region': intakeRouteRegion };

run(async () => {
  const name = process.argv[2];
  const scenario = SCENARIOS[name];
  check(scenario, `unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
  await scenario();
});
