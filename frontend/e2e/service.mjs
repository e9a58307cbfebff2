#!/usr/bin/env node
// Browser checks of the service process against a running dealernet server (no mocks).
//
//   BASE_URL=... DN_USERS='{...}' node e2e/service.mjs reception-to-delivery
//       the service advisor (in the browser) receives a walk-in, records the walk-around
//       with a damage mark and the customer's signature, quotes labour and material, the
//       customer approves by signature; the workshop (dispatch, clock on/done), the three
//       quality checks and the cashier act through the API; the advisor settles and
//       delivers in the browser.
//   ... node e2e/service.mjs live-board
//       two browsers watch the workshop board; orders opened and quoted through the API
//       appear and move in both without a reload; the live indicator shows the socket.
//   ... node e2e/service.mjs appointment-booking
//       the advisor books a demo customer's car for brake discs the dealer lacks: the
//       booking says PARTS_MISSING, is made waiting for parts, shows on the day with the
//       capacity the server reports, and is confirmed from the day-before queue.
//   ... node e2e/service.mjs capacity-full
//       a day is mostly booked (API); booking a long fault there says CAPACITY_FULL with
//       the days that have room, and one click books on a suggested day.
//   ... node e2e/service.mjs workshop-jobs
//       the workshop supervisor dispatches an approved job on the 派工 screen; the
//       technician clocks on, off, on again and reports an additional fault from the
//       order, then finishes the job on 我的作业.
//   ... node e2e/service.mjs approval-link
//       the advisor creates a one-time approval link; a signed-out phone opens it,
//       approves, and the link then refuses a second use.
//
// DN_SERVICE_USERS='{"advisor":"advisor.sh01",...}' overrides the demo users by role.
import { BASE_URL, USERS, apiSession, check, log, randomMobile, randomVin, run, sign, signInThroughForm, withProfile } from './common.mjs';

const ROLES = {
  advisor: 'advisor.sh01',
  supervisor: 'workshop.sh01',
  technician: 'tech.sh01',
  teamLeader: 'leader.sh01',
  inspector: 'qc.sh01',
  cashier: 'cashier.sh01',
  ...JSON.parse(process.env.DN_SERVICE_USERS || '{}'),
};

const ORDER_QUERY = `query E2EOrder($id: ID!) { node(id: $id) { ... on RepairOrder {
  id number status reworkCount
  lines { id kind status jobStatus technician { username } }
  pendingRevision { id }
  settlement { customerAmount paidAt }
} } }`;

async function order(api, id) {
  return (await api.must('reading the order', ORDER_QUERY, { id })).node;
}

/** The workshop's part, through the API: dispatch, clock on, done; three quality checks. */
async function workshopDoesTheJob(orderId) {
  const supervisor = await apiSession(ROLES.supervisor);
  const queue = (
    await supervisor.must(
      'reading the dispatch queue',
      `query E2EQueue { dispatchQueue { lines { id orderId } technicians { technician { id username } } } }`,
    )
  ).dispatchQueue;
  const lines = queue.lines.filter((l) => l.orderId === orderId);
  check(lines.length > 0, `the dispatch queue has no job of order ${orderId}: ${JSON.stringify(queue.lines)}`);
  const tech =
    queue.technicians.find((x) => x.technician.username === ROLES.technician) ??
    queue.technicians.find((x) => USERS[x.technician.username] !== undefined);
  check(tech, `no technician on shift today with a known password: ${JSON.stringify(queue.technicians)}`);
  for (const line of lines) {
    await supervisor.must(
      'dispatching',
      `mutation E2EDispatch($input: DispatchJobInput!) { dispatchJob(input: $input) { jobStatus } }`,
      { input: { lineId: line.id, technicianId: tech.technician.id } },
    );
  }
  log(`workshop supervisor ${ROLES.supervisor} dispatched ${lines.length} job(s) to ${tech.technician.username}`);
  const technician = await apiSession(tech.technician.username);
  for (const line of lines) {
    await technician.must('clocking on', `mutation E2EOn($l: ID!) { clockOnJob(input: { lineId: $l }) { jobStatus } }`, { l: line.id });
    await technician.must('finishing', `mutation E2EDone($l: ID!) { finishJob(input: { lineId: $l }) { jobStatus orderStatus } }`, { l: line.id });
  }
  log(`technician ${tech.technician.username} clocked on and finished`);
  const checks = [
    [technician, 'SELF'],
    [await apiSession(ROLES.teamLeader), 'TEAM'],
    [await apiSession(ROLES.inspector), 'FINAL'],
  ];
  for (const [who, stage] of checks) {
    await who.must(
      `${stage} check`,
      `mutation E2EQc($input: RecordQualityCheckInput!) { recordQualityCheck(input: $input) { passed } }`,
      { input: { orderId, stage, passed: true, notes: '' } },
    );
  }
  log(`自检/互检/总检 by ${checks.map(([who]) => who.username).join(', ')}`);
}

async function receptionToDelivery() {
  console.log(`reception to delivery (${ROLES.advisor})`);
  await withProfile('reception-to-delivery', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.advisor);
    // 接待: a walk-in, first visit.
    await page.getByTestId('nav-reception').click();
    await page.getByTestId('page-reception').waitFor();
    await page.getByTestId('walkin-new').click();
    const vin = randomVin();
    const plate = `沪A·E${vin.slice(-4)}`;
    await page.getByTestId('walkin-name').fill('E2E 测试客户');
    await page.getByTestId('walkin-phone').fill(randomMobile());
    await page.getByTestId('walkin-vin').fill(vin);
    await page.getByTestId('walkin-plate').fill(plate);
    await page.getByTestId('walkin-model').fill('HX Aurora 1.5T');
    await page.getByTestId('mileage-in').fill('31250');
    await page.getByTestId('customer-description').fill('Maintenance; squeak from the front brakes');
    await page.getByTestId('walkin-open-order').click();
    await page.getByTestId('page-walkaround').waitFor();
    const orderId = await page.getByTestId('page-walkaround').getAttribute('data-order-id');
    log(`walk-in received: order ${orderId} for VIN ${vin}`);

    // 环车检查: every item, a damage mark on the diagram, valuables, fuel, signature.
    for (const item of ['hood', 'plate_vin', 'fluids', 'body', 'spare_wheel', 'interior', 'electrics']) {
      await page.getByTestId(`check-${item}-ok`).click();
    }
    await page.getByTestId('damage-kind-dent').click();
    await page.locator('[data-panel="leftFrontDoor"]').click();
    check((await page.getByTestId('damage-mark').count()) === 1, 'clicking the left front door placed no damage mark');
    await page.getByTestId('walkaround-valuables').fill('Dashcam, umbrella');
    await page.getByTestId('fuel-5').click();
    await sign(page, 'walkaround-signature');
    await page.getByTestId('save-walkaround').click();
    await page.getByTestId('page-repair-order').waitFor();
    log('walk-around recorded with a dent on the left front door and signed by the customer');

    // 报价单: labour from the catalog (standard hours) and a material.
    await page.getByTestId('line-operation-search').fill('M10');
    await page.getByTestId('line-operation-search-option').first().click();
    await page.getByTestId('add-line-submit').click();
    await page.locator('[data-testid="order-line"][data-kind="labour"]').waitFor();
    await page.getByTestId('line-kind').selectOption('MATERIAL');
    await page.getByTestId('line-description').fill('Brake cleaner');
    await page.getByTestId('line-quantity').fill('1');
    await page.getByTestId('line-unit-price').fill('35');
    await page.getByTestId('add-line-submit').click();
    await page.locator('[data-testid="order-line"][data-kind="material"]').waitFor();
    const total = (await page.getByTestId('customer-share').innerText()).trim();
    log(`quotation lines: labour M10 and a material; customer pays ${total}`);

    // Send it, with the promised time, and the customer signs to approve.
    const promised = new Date(Date.now() + 26 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByTestId('promised-input').fill(`${promised}T17:30`);
    await page.getByTestId('send-quotation').click();
    await page.getByTestId('pending-revision').waitFor();
    await sign(page, 'approval-signature');
    await page.getByTestId('approve-by-signature').click();
    await page.locator('[data-testid="page-repair-order"][data-status="approved"]').waitFor();
    await page.locator('[data-testid="revision-row"][data-status="approved"]').waitFor();
    check((await page.getByTestId('promised-at').innerText()).includes('17:30'), 'the promised time is not shown as 17:30');
    log('quotation sent (promised 17:30) and approved by the customer’s signature (revision recorded)');

    await workshopDoesTheJob(orderId);

    // 结算: the advisor prepares the settlement, the cashier collects.
    await page.reload();
    await page.locator('[data-testid="page-repair-order"][data-status="ready"]').waitFor();
    await page.getByTestId('create-settlement').click();
    await page.getByTestId('settlement-customer-amount').waitFor();
    const cashier = await apiSession(ROLES.cashier);
    const settled = await order(cashier, orderId);
    await cashier.must(
      'recording the payment',
      `mutation E2EPay($input: RecordPaymentInput!) { recordPayment(input: $input) { paidAt } }`,
      { input: { orderId, amount: settled.settlement.customerAmount, method: 'WECHAT' } },
    );
    log(`settlement prepared in the browser; cashier ${ROLES.cashier} took ${settled.settlement.customerAmount}`);

    // 交车: next service date and mileage.
    await page.reload();
    await page.locator('[data-testid="page-repair-order"][data-status="settled"]').waitFor();
    await page.getByTestId('payment-recorded').waitFor();
    await page.getByTestId('mileage-out').fill('31262');
    await page.getByTestId('next-service-date').fill('2027-05-25');
    await page.getByTestId('next-service-km').fill('41250');
    await page.getByTestId('deliver-vehicle').click();
    await page.locator('[data-testid="page-repair-order"][data-status="delivered"]').waitFor();
    await page.locator('[data-testid="delivery"][data-delivered="true"]').waitFor();
    const final = await order(cashier, orderId);
    check(final.status === 'DELIVERED', `the server says the order is ${final.status}, not DELIVERED`);
    log('delivered with the next service date and mileage; the server agrees');

    // 中文: the same order reads in Chinese.
    await page.getByTestId('lang-zh-CN').click();
    await page.getByTestId('order-status').filter({ hasText: '已交车' }).waitFor();
    log('中文: the order shows 已交车');
  });
}

const OPEN_WALK_IN = `mutation E2EOpen($input: OpenRepairOrderInput!) { openRepairOrder(input: $input) { id number status } }`;

async function openWalkIn(api) {
  const vin = randomVin();
  const data = await api.must('opening a walk-in order', OPEN_WALK_IN, {
    input: {
      customer: { name: 'E2E Board', phone: randomMobile('138') },
      vehicle: { vin, plate: `沪A·B${vin.slice(-4)}`, model: 'HX Vista EV' },
      mileageIn: 12000,
      customerDescription: 'live board check',
    },
  });
  return data.openRepairOrder;
}

async function liveBoard() {
  console.log('live workshop board');
  const watcherA = ROLES.advisor;
  const watcherB = ROLES.supervisor;
  await withProfile('board-a', { locale: 'en-US' }, async (pageA) => {
    await withProfile('board-b', { locale: 'zh-CN' }, async (pageB) => {
      for (const [page, who] of [[pageA, watcherA], [pageB, watcherB]]) {
        await signInThroughForm(page, who);
        await page.getByTestId('nav-workshop-board').click();
        await page.getByTestId('board').waitFor();
        await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
        await page.evaluate(() => {
          window.__e2eNoReload = true;
        });
      }
      log(`${watcherA} and ${watcherB} watch the board; both show "live"`);

      const api = await apiSession(watcherA);
      const opened = await openWalkIn(api);
      for (const page of [pageA, pageB]) {
        await page.locator(`[data-testid="board-card"][data-order-number="${opened.number}"][data-status="open"]`).waitFor({ timeout: 10_000 });
      }
      log(`order ${opened.number} opened through the API appears on both boards`);

      const op = (
        await api.must('searching the catalog', `query E2EOps { labourOperations(search: "M05", first: 1) { edges { node { id } } } }`)
      ).labourOperations.edges[0].node;
      await api.must(
        'adding a line',
        `mutation E2EAdd($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }`,
        { input: { orderId: opened.id, kind: 'LABOUR', operationId: op.id } },
      );
      await api.must(
        'sending the quotation',
        `mutation E2ESend($input: SendQuotationInput!) { sendQuotation(input: $input) { id } }`,
        { input: { orderId: opened.id } },
      );
      for (const page of [pageA, pageB]) {
        await page
          .locator(`[data-testid="board-column"][data-column="awaiting_approval"] [data-testid="board-card"][data-order-number="${opened.number}"]`)
          .waitFor({ timeout: 10_000 });
      }
      log(`quotation sent: the card moved to “awaiting approval” on both boards`);

      // A change made in browser A (the advisor cancels the order on its page) reaches B.
      await pageA.locator(`[data-testid="board-card"][data-order-number="${opened.number}"]`).click();
      await pageA.getByTestId('page-repair-order').waitFor();
      await pageA.getByTestId('cancel-order').click();
      await pageA.getByTestId('cancel-reason').fill('e2e: the customer left');
      await pageA.getByTestId('cancel-order-confirm').click();
      await pageA.locator('[data-testid="page-repair-order"][data-status="cancelled"]').waitFor();
      await pageB.locator(`[data-testid="board-card"][data-order-number="${opened.number}"]`).waitFor({ state: 'detached', timeout: 10_000 });
      log('cancelled: the card left the second board');

      const reloaded = await pageB.evaluate(() => window.__e2eNoReload !== true);
      check(!reloaded, 'the second board reloaded the page instead of updating live');
      log('no reload: every change arrived over the subscription');
    });
  });
}

async function capacityFull() {
  console.log(`capacity full (${ROLES.advisor})`);
  const api = await apiSession(ROLES.advisor);
  const zone = (await api.must('reading the dealer', 'query E2EZone { viewer { currentDealer { timeZone } } }')).viewer.currentDealer.timeZone;
  const start = new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date())}T12:00:00Z`);
  start.setUTCDate(start.getUTCDate() + 6);
  const day = start.toISOString().slice(0, 10);
  const car = (
    await api.must('finding a demo car', `query E2ECar { vehicles(search: "张海燕", first: 1) { edges { node { id customer { id } } } } }`)
  ).vehicles.edges[0].node;
  const free = async (date) =>
    Number(
      (await api.must('reading capacity', `query E2ECap($d: Date!) { workshopCapacity(from: $d, days: 1) { freeHours } }`, { d: date }))
        .workshopCapacity[0].freeHours,
    );
  const hold = Math.max(1, (await free(day)) - 6);
  await api.must(
    'filling the day',
    `mutation E2EBook($input: BookAppointmentInput!) { bookAppointment(input: $input) { appointment { id } } }`,
    {
      input: {
        customerId: car.customer.id,
        vehicleId: car.id,
        startsAt: `${day}T08:30:00`,
        items: [{ kind: 'FAULT', description: 'e2e: fleet inspection', hours: hold.toFixed(1) }],
      },
    },
  );
  log(`${day} filled to ${(await free(day)).toFixed(1)} free hours through the API`);
  await withProfile('capacity-full', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.advisor);
    await page.goto(`${BASE_URL}/appointments/new`);
    await page.getByTestId('vehicle-search').fill('张海燕');
    await page.getByTestId('vehicle-search-option').first().click();
    await page.getByTestId('book-date').fill(day);
    await page.getByTestId('book-slot').selectOption('10:00');
    await page.getByTestId('fault-text').fill('Noise from the rear axle, needs a teardown');
    await page.getByTestId('fault-text').press('Enter');
    await page.getByTestId('book-items').locator('input').fill('12');
    await page.getByTestId('book-submit').click();
    await page.getByTestId('capacity-full').waitFor();
    const suggestions = page.getByTestId('suggested-date');
    check((await suggestions.count()) > 0, 'CAPACITY_FULL offered no other day');
    log(`CAPACITY_FULL on ${day}, ${await suggestions.count()} day(s) with room offered`);
    await suggestions.first().click();
    const chosen = await page.getByTestId('book-date').inputValue();
    check(chosen !== day, 'choosing a suggested day did not change the date');
    await page.getByTestId('book-submit').click();
    await page.getByTestId('booked-ok').waitFor();
    check(page.url().includes(`date=${chosen}`), `booked, but the list shows ${page.url()} instead of ${chosen}`);
    log(`booked on the suggested day ${chosen}`);
  });
}

const SIGNATURE =
  'data:image/svg+xml;base64,' +
  Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M1 5L9 5"/></svg>').toString('base64');

/** An order with one approved labour job, made through the API by the advisor. */
async function approvedOrder(api, code) {
  const opened = await openWalkIn(api);
  const op = (
    await api.must('searching the catalog', `query E2EOps($s: String!) { labourOperations(search: $s, first: 1) { edges { node { id } } } }`, { s: code })
  ).labourOperations.edges[0].node;
  await api.must('adding a line', `mutation E2EAdd($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }`, {
    input: { orderId: opened.id, kind: 'LABOUR', operationId: op.id },
  });
  const revision = (
    await api.must('sending the quotation', `mutation E2ESend($input: SendQuotationInput!) { sendQuotation(input: $input) { id } }`, {
      input: { orderId: opened.id },
    })
  ).sendQuotation;
  await api.must(
    'approving by signature',
    `mutation E2EApprove($r: ID!, $s: String!) { approveQuotationBySignature(revisionId: $r, signature: $s) { status } }`,
    { r: revision.id, s: SIGNATURE },
  );
  return opened;
}

async function workshopJobs() {
  console.log('dispatch and the technician’s clock');
  const advisor = await apiSession(ROLES.advisor);
  const opened = await approvedOrder(advisor, 'ALIGN');
  log(`order ${opened.number} approved through the API`);
  let technician = '';
  await withProfile('dispatch', { locale: 'zh-CN' }, async (page) => {
    await signInThroughForm(page, ROLES.supervisor);
    await page.getByTestId('nav-dispatch').click();
    const line = page.locator(`[data-testid="dispatch-line"][data-order-number="${opened.number}"]`);
    await line.waitFor();
    const options = await line.getByTestId('dispatch-technician').locator('option').allInnerTexts();
    const wanted = options.findIndex((o, i) => i > 0 && !o.startsWith('team'));
    check(wanted > 0, `no technician to dispatch to: ${JSON.stringify(options)}`);
    const value = await line.getByTestId('dispatch-technician').locator('option').nth(wanted).getAttribute('value');
    await line.getByTestId('dispatch-technician').selectOption(value);
    await line.getByTestId('dispatch-assign').click();
    await line.waitFor({ state: 'detached' });
    const queue = await (await apiSession(ROLES.supervisor)).must(
      'reading the board',
      `query E2EBoard { workshopBoard { orders { number jobs { technician { username } } } } }`,
    );
    technician = queue.workshopBoard.orders.find((o) => o.number === opened.number).jobs[0].technician.username;
    log(`派工: ${ROLES.supervisor} dispatched the job to ${technician} on the dispatch screen`);
  });
  check(USERS[technician] !== undefined, `no password for the technician ${technician}`);
  await withProfile('my-jobs', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, technician);
    await page.getByTestId('nav-my-jobs').click();
    const job = page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"]`);
    await job.waitFor();
    await job.getByTestId('clock-on').click();
    await page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"][data-job-status="in_progress"]`).waitFor();
    await job.getByTestId('clock-off').click();
    await page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"][data-job-status="paused"]`).waitFor();
    await job.getByTestId('clock-on').click();
    await page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"][data-job-status="in_progress"]`).waitFor();
    log('clocked on, off (paused) and on again');
    await job.locator('a').first().click();
    await page.getByTestId('page-repair-order').waitFor();
    await page.getByTestId('additional-fault').fill('Rear wiper blade torn');
    await page.getByTestId('report-fault').click();
    await page.locator('[data-testid="additional-line"][data-status="proposed"]').waitFor();
    log('reported an additional fault from the order page (proposed, awaiting the customer)');
    await page.getByTestId('nav-my-jobs').click();
    await page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"]`).getByTestId('finish-job').click();
    await page.locator(`[data-testid="my-job"][data-order-number="${opened.number}"][data-job-status="done"]`).waitFor();
    log('finished the job');
  });
  const after = await order(advisor, opened.id);
  check(after.status === 'WORK_DONE', `after the last job the order is ${after.status}, not WORK_DONE`);
  log('the order is work done on the server');
}

async function approvalLink() {
  console.log('approval link on a phone');
  const api = await apiSession(ROLES.advisor);
  const opened = await openWalkIn(api);
  const op = (
    await api.must('searching the catalog', `query E2EOps { labourOperations(search: "WIPER", first: 1) { edges { node { id } } } }`)
  ).labourOperations.edges[0].node;
  await api.must('adding a line', `mutation E2EAdd($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }`, {
    input: { orderId: opened.id, kind: 'LABOUR', operationId: op.id },
  });
  await withProfile('approval-link-advisor', { locale: 'en-US' }, async (desk) => {
    await signInThroughForm(desk, ROLES.advisor);
    await desk.goto(`${BASE_URL}/orders/${opened.id}`);
    await desk.getByTestId('send-quotation').click();
    await desk.getByTestId('create-approval-link').click();
    const url = await desk.getByTestId('approval-link').inputValue();
    check(url.startsWith(BASE_URL) && url.includes('/approve/'), `approval link ${url} is not a link to /approve/`);
    log('advisor created a one-time link');
    await withProfile('approval-link-phone', { locale: 'zh-CN', viewport: { width: 390, height: 780 } }, async (page) => {
      await page.goto(url);
      await page.getByTestId('approval-lines').waitFor();
      check((await page.getByTestId('sign-in-form').count()) === 0, 'the approval page asked the customer to sign in');
      await sign(page, 'public-signature');
      await page.getByTestId('public-approve').click();
      await page.locator('[data-testid="approval-outcome"][data-outcome="approved"]').waitFor();
      log('a signed-out phone (中文) saw the quotation and approved it');
      await page.reload();
      await page.getByTestId('approval-invalid').waitFor();
      log('the link refuses a second use');
    });
    await desk.locator('[data-testid="page-repair-order"][data-status="approved"]').waitFor({ timeout: 10_000 });
    log('the advisor’s open order page turned approved by itself');
  });
  const after = await order(api, opened.id);
  check(after.status === 'APPROVED', `after the link the order is ${after.status}, not APPROVED`);
  log('the order is approved on the server');
}

async function appointmentBooking() {
  console.log(`appointment booking (${ROLES.advisor})`);
  const api = await apiSession(ROLES.advisor);
  const capacity = async (date) =>
    (await api.must('reading capacity', `query E2ECap($d: Date!) { workshopCapacity(from: $d, days: 1) { bookedHours } }`, { d: date }))
      .workshopCapacity[0];
  await withProfile('appointment-booking', { locale: 'en-US' }, async (page) => {
    await signInThroughForm(page, ROLES.advisor);
    await page.getByTestId('nav-appointments').click();
    await page.getByTestId('capacity').waitFor();
    await page.getByTestId('book-appointment').click();
    await page.getByTestId('page-book-appointment').waitFor();
    // Tomorrow at the dealer: in the day-before confirmation queue, parts expected by then.
    const zone = (await api.must('reading the dealer', 'query E2EZone { viewer { currentDealer { timeZone } } }')).viewer.currentDealer.timeZone;
    const tomorrow = new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date())}T12:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    const day = tomorrow.toISOString().slice(0, 10);
    await page.getByTestId('book-date').fill(day);
    const before = Number((await capacity(day)).bookedHours);
    await page.getByTestId('vehicle-search').fill('王建国');
    await page.getByTestId('vehicle-search-option').first().click();
    await page.getByTestId('chosen-vehicle').waitFor();
    await page.getByTestId('book-slot').selectOption('15:30');
    await page.getByTestId('operation-search').fill('BRK-D');
    await page.getByTestId('operation-search-option').first().click();
    await page.getByTestId('book-items').waitFor();
    await page.getByTestId('book-submit').click();
    await page.getByTestId('parts-missing').waitFor();
    const missing = (await page.getByTestId('parts-missing').innerText()).replace(/\s+/g, ' ');
    log(`booking refused with PARTS_MISSING: ${missing.slice(0, 90)}`);
    await page.getByTestId('parts-expected').fill(day);
    await page.getByTestId('book-waiting').click();
    await page.getByTestId('booked-ok').waitFor();
    const row = page.locator('[data-testid="appointment-row"].row-highlight');
    check((await row.getAttribute('data-waiting-parts')) === 'true', 'the new appointment does not show that it waits for parts');
    const id = await row.getAttribute('data-appointment-id');
    const after = Number((await capacity(day)).bookedHours);
    check(after > before, `booked hours on ${day} did not grow (${before} -> ${after})`);
    const shown = Number(await page.getByTestId('capacity').getAttribute('data-booked'));
    check(Math.abs(shown - after) < 0.001, `the capacity bar shows ${shown} booked hours, the server says ${after}`);
    log(`booked waiting for parts on ${day}; capacity ${before} -> ${after} booked hours, as the bar shows`);
    const due = page.locator(`[data-testid="confirmation-due"][data-appointment-id="${id}"]`);
    await due.waitFor();
    await due.getByTestId('confirm-appointment').click();
    await due.waitFor({ state: 'detached' });
    log('confirmed from the day-before queue');
  });
}

run(async () => {
  check(BASE_URL, 'BASE_URL is not set');
  const [command] = process.argv.slice(2);
  if (command === 'reception-to-delivery') return receptionToDelivery();
  if (command === 'live-board') return liveBoard();
  if (command === 'approval-link') return approvalLink();
  if (command === 'appointment-booking') return appointmentBooking();
  if (command === 'workshop-jobs') return workshopJobs();
  if (command === 'capacity-full') return capacityFull();
  throw new Error(`unknown command ${command}; use reception-to-delivery, live-board or approval-link`);
});
