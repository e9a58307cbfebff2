#!/usr/bin/env node
// Browser check of recalls and technical bulletins against a running dealernet server
// (no mocks), on the demo network.
//
//   BASE_URL=... DN_USERS='{...}' node e2e/oversight_campaigns.mjs campaigns
//       SH01's advisor opens a first-visit order through the API for a car with a fresh
//       VIN; the East regional manager publishes a recall through the API. In the browser
//       (English) the regional manager, at SH01, imports a VIN file on the campaign page
//       (one valid VIN, one bad line reported by number) and sees SH01's completion row.
//       SH01's advisor (Chinese) sees the 召回 banner on the repair order and adds the
//       campaign's operation in one click: the API shows a warranty line at standard hours.
//       SH01's technical director gives a new bulletin to staff; the advisor marks it read.
import { BASE_URL, apiSession, check, log, randomMobile, randomVin, run, signInThroughForm, withProfile } from './common.mjs';

const ROLES = { regional: 'rm.east', advisor: 'advisor.sh01', techdir: 'techdir.sh01' };
const ORDER_LINES = `query E2ELines($id: ID!) { node(id: $id) { ... on RepairOrder { id
  lines { kind payType hours status description } } } }`;

async function campaigns() {
  const advisor = await apiSession(ROLES.advisor);
  const vin = randomVin();
  const order = (
    await advisor.must(
      'opening a first-visit order',
      `mutation E2EOpen($input: OpenRepairOrderInput!) { openRepairOrder(input: $input) { id number } }`,
      {
        input: {
          mileageIn: 15000,
          customer: { name: 'Recall Owner', phone: randomMobile() },
          vehicle: { vin, model: 'Lavida' },
          customerDescription: 'Brake pedal feels soft',
        },
      },
    )
  ).openRepairOrder;

  const regional = await apiSession(ROLES.regional);
  const viewer = (await regional.must('reading the viewer', 'query E2EV { viewer { dealers { dealer { id code } } } }')).viewer;
  const sh01 = viewer.dealers.find((d) => d.dealer.code === 'SH01').dealer.id;
  await regional.must('choosing SH01', 'mutation E2ESwitch($d: ID!) { switchDealer(dealerId: $d) { username } }', { d: sh01 });
  const op = (
    await regional.must('finding an operation', 'query E2EOps { labourOperations(search: "", first: 1) { edges { node { id code standardHours } } } }')
  ).labourOperations.edges[0].node;
  const code = `RC-E2E-${Date.now() % 1e8}`;
  const campaign = (
    await regional.must(
      'publishing a recall',
      `mutation E2EPublish($input: PublishCampaignInput!) { publishCampaign(input: $input) { id code } }`,
      {
        input: {
          code,
          kind: 'RECALL',
          title: 'Brake hose chafing',
          titleZh: '制动软管磨损召回',
          startsOn: new Date(Date.now() - 86400000).toISOString().slice(0, 10),
          operationId: op.id,
        },
      },
    )
  ).publishCampaign;

  await withProfile('oversight-campaigns-region', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.regional);
    await page.getByTestId('dealer-switcher').selectOption(sh01);
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('page-campaigns').waitFor();
    await page.locator(`[data-testid="campaign-row"][data-code="${code}"]`).click();
    await page.locator(`[data-testid="page-campaign"][data-code="${code}"]`).waitFor();
    await page.getByTestId('campaign-vin-file').setInputFiles({
      name: 'vins.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeffVIN,Model\r\n${vin.toLowerCase()},Lavida\r\nNOT-A-VIN,Lavida\r\n`),
    });
    await page.locator('[data-testid="campaign-vin-result"][data-added="1"]').waitFor();
    const bad = await page.locator('[data-testid="campaign-vin-invalid"] li').evaluateAll((li) => li.map((l) => l.dataset.line));
    check(JSON.stringify(bad) === JSON.stringify(['3']), `invalid lines reported: ${bad}`);
    log('the regional manager imported the VIN file: 1 added, line 3 reported invalid');
    await page.locator('[data-testid="campaign-dealer-row"][data-dealer="SH01"]').waitFor();
    await page.locator('[data-testid="campaign-vehicle"]').first().waitFor();
    const vins = await page.getByTestId('campaign-vehicle').evaluateAll((rows) => rows.map((r) => r.dataset.vin));
    check(vins.includes(vin), `SH01's affected vehicles: ${vins}`);
    log("the campaign page lists SH01's affected vehicle and the per-dealer completion");
  });

  await withProfile('oversight-campaigns-advisor', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.advisor);
    await page.goto(`${BASE_URL}/orders/${encodeURIComponent(order.id)}`);
    const flag = page.locator(`[data-testid="campaign-flag"][data-code="${code}"]`);
    await flag.waitFor();
    check((await flag.innerText()).includes('召回'), 'the banner does not name the recall in Chinese');
    await flag.getByTestId('campaign-add-operation').click();
    await page.getByTestId('campaign-added').waitFor();
    const lines = (await advisor.must('reading the order', ORDER_LINES, { id: order.id })).node.lines;
    const added = lines.find((l) => l.description.startsWith(code));
    check(added && added.payType === 'WARRANTY' && Number(added.hours) === Number(op.standardHours), `lines: ${JSON.stringify(lines)}`);
    log('in Chinese: the advisor saw the 召回 banner and added the operation as a warranty line in one click');
  });

  const techdir = await apiSession(ROLES.techdir);
  const tsb = `TSB-E2E-${Date.now() % 1e8}`;
  const bulletin = (
    await regional.must('publishing a bulletin', `mutation E2ETsb($input: PublishTechnicalBulletinInput!) { publishTechnicalBulletin(input: $input) { id } }`, {
      input: { code: tsb, title: 'Brake hose routing', titleZh: '制动软管走向', models: ['Lavida'], operationIds: [op.id] },
    })
  ).publishTechnicalBulletin;
  await withProfile('oversight-bulletins-director', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.techdir);
    await page.getByTestId('nav-bulletins').click();
    const card = page.locator(`[data-testid="bulletin"][data-code="${tsb}"]`);
    await card.waitFor();
    await card.getByTestId('bulletin-distribute').click();
    await card.getByTestId('bulletin-distributed').waitFor();
    log('in Chinese: the technical director gave the bulletin to all staff');
  });
  await advisor.must('marking it read', 'mutation E2ERead($id: ID!) { markTechnicalBulletinRead(bulletinId: $id) { myReadAt } }', { id: bulletin.id });
  const readers = (await techdir.must('reading who read it', 'query E2EReaders($id: ID!) { technicalBulletinReadings(bulletinId: $id) { displayName readAt } }', { id: bulletin.id }))
    .technicalBulletinReadings;
  check(readers.filter((r) => r.readAt).length === 1 && readers.length > 1, `readings: ${JSON.stringify(readers)}`);
  log('the director sees who read the bulletin');
}

const scenarios = { campaigns };
run(async () => {
  const name = process.argv[2];
  check(name in scenarios, `unknown scenario ${name}`);
  await scenarios[name]();
});
