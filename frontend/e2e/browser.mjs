// Launching Debian's Chromium through playwright-core: never a downloaded browser.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser profile (own user-data-dir: no cookies, no localStorage) for one visitor. */
export async function openProfile({ locale = 'en-US', viewport = { width: 1360, height: 860 } } = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'dealernet-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale,
    viewport,
    timeout: 60_000,
  });
  // Generous: a loaded two-core machine can take 20 s for a year of parts figures.
  context.setDefaultTimeout(45_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return {
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function artifactsDir() {
  const dir = process.env.DN_ARTIFACTS || path.resolve(import.meta.dirname, 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}
