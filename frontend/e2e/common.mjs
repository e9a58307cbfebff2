// Shared pieces of the service-process browser checks: failures, the API as a second
// client (cookie session with CSRF, like the web app), sign-in through the form, profiles.
import path from 'node:path';
import { artifactsDir, openProfile } from './browser.mjs';

export const BASE_URL = (process.env.BASE_URL || '').replace(/\/$/, '');
export const USERS = JSON.parse(process.env.DN_USERS || '{}');

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

export function log(message) {
  console.log(`  ✓ ${message}`);
}

/** An API session of one demo user (cookie + CSRF), for the roles the UI path is not about. */
export async function apiSession(username) {
  const password = USERS[username];
  check(password !== undefined, `no password for ${username} in DN_USERS`);
  const cookies = {};
  async function gql(query, variables = {}) {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (cookies.dn_csrf) headers['x-csrf-token'] = decodeURIComponent(cookies.dn_csrf);
    const jar = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar) headers.cookie = jar;
    const response = await fetch(`${BASE_URL}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Failure(`POST /graphql answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    return body;
  }
  const signed = await gql(
    'mutation E2ESignIn($input: SignInInput!) { signIn(input: $input) { viewer { displayName } } }',
    { input: { username, password, mode: 'COOKIE' } },
  );
  check(!signed.errors, `API sign-in as ${username} failed: ${JSON.stringify(signed.errors)}`);
  /** Runs an operation and fails the scenario on any error, naming what was being done. */
  async function must(what, query, variables = {}) {
    const body = await gql(query, variables);
    check(!body.errors, `${what} (as ${username}) failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
  return { username, gql, must };
}

/** A random VIN that passes the check digit (ISO 3779, position 9): a first visit's car. */
export function randomVin() {
  const values = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 };
  const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
  const serial = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  const raw = `LHXA15C20TE${serial}`;
  const sum = [...raw].reduce((acc, ch, i) => acc + (/\d/.test(ch) ? Number(ch) : values[ch]) * weights[i], 0);
  const digit = sum % 11 === 10 ? 'X' : String(sum % 11);
  return raw.slice(0, 8) + digit + raw.slice(9);
}

export async function signInThroughForm(page, username) {
  const password = USERS[username];
  check(password !== undefined, `no password for ${username} in DN_USERS`);
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('viewer-name').waitFor();
}

/** A mobile number nobody else in the demo has (11 digits, as the records want). */
export function randomMobile(prefix = '139') {
  return `${prefix}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** Draws a short signature on a signature pad (pointer events, as a finger would). */
export async function sign(page, testId) {
  const canvas = page.getByTestId(testId).locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  check(box, `signature pad ${testId} is not visible`);
  const y = box.y + box.height * 0.6;
  await page.mouse.move(box.x + box.width * 0.15, y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) {
    await page.mouse.move(box.x + box.width * (0.15 + i * 0.05), y - Math.sin(i) * box.height * 0.2, { steps: 2 });
  }
  await page.mouse.up();
  await page.locator(`[data-testid="${testId}"][data-empty="false"]`).waitFor();
}

/** Runs `body` in a fresh Chromium profile; a screenshot on failure, with what the page said. */
export async function withProfile(name, options, body) {
  const profile = await openProfile(options);
  try {
    await body(profile.page, profile);
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

/** Exits non-zero with the failure, like shell.mjs. */
export function run(main) {
  main().catch((error) => {
    console.error(`\nE2E FAILURE: ${error instanceof Failure ? '' : `${error.name}: `}${error.message}`);
    process.exit(1);
  });
}
