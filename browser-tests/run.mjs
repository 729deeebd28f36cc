// Browser smoke and accessibility test for eenplan.
//
// Drives headless Chromium (Debian's /usr/bin/chromium through playwright-core,
// no browser download) against a running eenplan server in demo mode:
//   - logs in as demo.gezinswerker and demo.beheerder (password + TOTP code read
//     from the demo login page), including one wrong MFA code;
//   - visits the pages for each role, checks the HTTP status (403 for a family
//     worker on /beheer/gebruikers), switches language to English and back,
//     logs out;
//   - runs axe-core (WCAG 2.0/2.1 A and AA) on every page it visits and saves a
//     full-page screenshot to browser-tests/screenshots/<name>.png.
//
// Usage: EENPLAN_URL=http://127.0.0.1:18181 node run.mjs
// Optional: CHROMIUM_PATH (default /usr/bin/chromium).
// Exits non-zero on any failure (including any axe violation).
//
// Each run submits one wrong MFA code for demo.gezinswerker, which counts as a
// failed attempt: after a handful of runs against the same server within
// 15 minutes the account is locked (by design). .ci/browser-tests.sh starts a
// fresh server for each run.

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOT_DIR = join(HERE, 'screenshots');
const BASE = (process.env.EENPLAN_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NAV_TIMEOUT_MS = 20_000;

if (!BASE) {
  console.error('EENPLAN_URL is not set (e.g. EENPLAN_URL=http://127.0.0.1:18181)');
  process.exit(2);
}

const results = []; // { name, path, status, violations, ok, notes[] }
const failures = []; // strings

function fail(msg) {
  failures.push(msg);
  console.log(`  FAIL: ${msg}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function formatViolations(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`    - [${v.impact ?? 'n/a'}] ${v.id}: ${v.help}`);
    lines.push(`      ${v.helpUrl}`);
    for (const node of v.nodes) {
      const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | ');
      lines.push(`      target: ${target}`);
      if (node.html) lines.push(`        html: ${node.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      const summary = (node.failureSummary || '').replace(/\s+/g, ' ').trim();
      if (summary) lines.push(`        ${summary.slice(0, 400)}`);
    }
  }
  return lines.join('\n');
}

// Per-page check: status, axe scan, screenshot, summary line.
async function checkPage(page, name, { status = null, expectStatus = 200, notes = [] } = {}) {
  const path = new URL(page.url()).pathname + new URL(page.url()).search;
  const entry = { name, path, status, violations: 0, ok: true, notes: [...notes] };
  results.push(entry);
  const before = failures.length;

  if (expectStatus !== null && status !== null && status !== expectStatus) {
    fail(`${name}: expected HTTP ${expectStatus} for ${path}, got ${status}`);
  }

  try {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  } catch (e) {
    fail(`${name}: screenshot failed: ${e.message}`);
  }

  try {
    const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    entry.violations = axe.violations.length;
    if (axe.violations.length > 0) {
      fail(`${name} (${path}): ${axe.violations.length} axe violation(s):\n${formatViolations(axe.violations)}`);
    }
    if (axe.incomplete.length > 0) {
      entry.notes.push(`${axe.incomplete.length} axe check(s) need review: ${axe.incomplete.map((i) => i.id).join(',')}`);
    }
  } catch (e) {
    fail(`${name}: axe scan failed: ${e.message}`);
  }

  entry.ok = failures.length === before;
  console.log(
    `${entry.ok ? 'PASS' : 'FAIL'} ${name.padEnd(34)} ${path.padEnd(34)} HTTP ${status ?? '-'}  axe violations: ${entry.violations}` +
      (entry.notes.length ? `  (${entry.notes.join('; ')})` : ''),
  );
  return entry;
}

async function gotoChecked(page, name, path, { expectStatus = 200, expectPath = path } = {}) {
  const resp = await page.goto(BASE + path, { waitUntil: 'load' });
  const status = resp ? resp.status() : null;
  const actual = new URL(page.url()).pathname;
  const want = expectPath.split('?')[0];
  if (actual !== want) {
    fail(`${name}: navigating to ${path} ended on ${page.url()} (expected ${want})`);
  }
  return checkPage(page, name, { status, expectStatus });
}

// Wire up checks that apply to every page of a context: uncaught script
// errors and failing same-origin sub-resources (CSS, images).
function watchPage(page, label) {
  page.on('pageerror', (err) => fail(`${label}: uncaught page error: ${err.message}`));
  page.on('response', (resp) => {
    const req = resp.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) return;
    const url = resp.url();
    if (!url.startsWith(BASE)) return;
    if (url.endsWith('/favicon.ico')) return;
    if (resp.status() >= 400) fail(`${label}: sub-resource ${url} answered HTTP ${resp.status()}`);
  });
}

// ---- demo-login helpers ----------------------------------------------------

// TOTP codes are single-use within their 30 s step. Remember the code used
// last per server and user, also across runs (a second run right after the
// first against the same server would otherwise replay a code and burn one of
// the account's failed-attempt allowances).
const CODE_STATE_FILE = join(tmpdir(), 'eenplan-browser-tests-last-codes.json');
function loadCodeState() {
  try {
    return JSON.parse(readFileSync(CODE_STATE_FILE, 'utf8'));
  } catch {
    return {};
  }
}
const lastUsedCode = {
  get(username) {
    const e = loadCodeState()[`${BASE} ${username}`];
    // Only meaningful within a few steps.
    return e && Date.now() - e.at < 120_000 ? e.code : undefined;
  },
  set(username, code) {
    const state = loadCodeState();
    state[`${BASE} ${username}`] = { code, at: Date.now() };
    try {
      writeFileSync(CODE_STATE_FILE, JSON.stringify(state));
    } catch {}
  },
};

async function readDemoInfo(browser, username) {
  // Fresh context so it doesn't touch the session under test.
  const ctx = await browser.newContext({ bypassCSP: true });
  try {
    const p = await ctx.newPage();
    await p.goto(BASE + '/login', { waitUntil: 'load' });
    const password = (await p.locator('#demo-password').textContent({ timeout: 5000 })).trim();
    const code = (
      await p.locator(`.demo-accounts tr[data-username="${username}"] td.totp-code`).textContent({ timeout: 5000 })
    ).trim();
    return { password, code };
  } finally {
    await ctx.close();
  }
}

// A code not yet used for this user (codes are single-use within their step).
async function freshCode(browser, username) {
  const deadline = Date.now() + 75_000;
  for (;;) {
    const { code } = await readDemoInfo(browser, username);
    if (code !== lastUsedCode.get(username)) return code;
    if (Date.now() > deadline) throw new Error(`no fresh TOTP code for ${username} within 75 s`);
    await sleep(2000);
  }
}

// Clicks something that navigates; returns the final HTTP status (after redirects).
async function clickNav(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp ? resp.status() : null;
}

async function submitMfa(page, code) {
  await page.locator('form[action="/login/mfa"] #code').fill(code);
  return clickNav(page, page.locator('form[action="/login/mfa"] button[type=submit]'));
}

// Logs in; the login, MFA (and optionally wrong-code) pages are scanned too.
async function login(browser, page, username, short, { tryWrongCode = false } = {}) {
  const resp = await page.goto(BASE + '/login', { waitUntil: 'load' });
  await checkPage(page, `${short}-01-login`, { status: resp?.status() ?? null });

  const password = (await page.locator('#demo-password').textContent()).trim();
  if (!password) throw new Error('demo password not shown on /login (is the server in demo mode?)');
  const demoRow = page.locator(`.demo-accounts tr[data-username="${username}"] td.totp-code`);
  if ((await demoRow.count()) !== 1) throw new Error(`demo account ${username} not listed on /login`);

  await page.locator('form[action="/login"] #username').fill(username);
  await page.locator('form[action="/login"] #password').fill(password);
  const mfaStatus = await clickNav(page, page.locator('form[action="/login"] button[type=submit]'));
  if (new URL(page.url()).pathname !== '/login/mfa') {
    throw new Error(`${username}: after the password expected /login/mfa, got ${page.url()}`);
  }
  await checkPage(page, `${short}-02-login-mfa`, { status: mfaStatus });

  if (tryWrongCode) {
    const current = await freshCode(browser, username);
    // A six-digit code that is certainly not the current one.
    const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, '0');
    const wrongStatus = await submitMfa(page, wrong);
    const summary = page.locator('.error-summary');
    if ((await summary.count()) === 0) {
      fail(`${username}: a wrong MFA code did not show .error-summary (page ${page.url()})`);
    } else if (!(await summary.first().isVisible())) {
      fail(`${username}: .error-summary after a wrong MFA code is not visible`);
    }
    if (new URL(page.url()).pathname === '/') {
      fail(`${username}: a wrong MFA code logged the user in`);
      return;
    }
    await checkPage(page, `${short}-03-login-mfa-wrong-code`, {
      status: wrongStatus,
      expectStatus: null, // 200 or a 4xx re-render are both fine
      notes: [`error summary: "${((await summary.first().textContent().catch(() => '')) || '').replace(/\s+/g, ' ').trim().slice(0, 80)}"`],
    });
    if (new URL(page.url()).pathname !== '/login/mfa') {
      // Server sent us back to the start: log in with the password again.
      await page.goto(BASE + '/login', { waitUntil: 'load' });
      await page.locator('form[action="/login"] #username').fill(username);
      await page.locator('form[action="/login"] #password').fill(password);
      await clickNav(page, page.locator('form[action="/login"] button[type=submit]'));
    }
  }

  let homeStatus = null;
  // Correct code; if it is refused as already used (a previous run against the
  // same server within the same 30 s step), wait for the next step once.
  for (let attempt = 1; ; attempt++) {
    const code = await freshCode(browser, username);
    homeStatus = await submitMfa(page, code);
    lastUsedCode.set(username, code);
    if (new URL(page.url()).pathname === '/') break;
    const err = ((await page.locator('.error-summary').first().textContent().catch(() => '')) || '')
      .replace(/\s+/g, ' ')
      .trim();
    if (attempt >= 2 || new URL(page.url()).pathname !== '/login/mfa') {
      throw new Error(`${username}: MFA with the code from the login page did not log in (ended on ${page.url()}; error: "${err}")`);
    }
    console.log(`  note: ${username}: code ${code} refused (probably already used); waiting for the next step`);
  }

  const title = page.locator('h1.page-title');
  const titleText = ((await title.first().textContent().catch(() => '')) || '').trim();
  if (!/Welkom/.test(titleText)) fail(`${username}: home page h1.page-title is "${titleText}", expected "Welkom…"`);
  await checkPage(page, `${short}-04-home`, { status: homeStatus });
}

async function switchLanguage(page, short) {
  const en = page.locator('a[href^="/lang/en"]').first();
  if ((await en.count()) === 0) {
    fail(`${short}: no language switch link to /lang/en in the page`);
    return;
  }
  const from = new URL(page.url()).pathname;
  const enStatus = await clickNav(page, en);
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== 'en') fail(`${short}: after switching to English html[lang] is "${lang}"`);
  if (new URL(page.url()).pathname !== from) {
    fail(`${short}: switching language went to ${page.url()} instead of back to ${from}`);
  }
  await checkPage(page, `${short}-lang-en`, { status: enStatus });

  const nl = page.locator('a[href^="/lang/nl"]').first();
  if ((await nl.count()) === 0) {
    fail(`${short}: no language switch link back to /lang/nl on the English page`);
    return;
  }
  await clickNav(page, nl);
  const back = await page.getAttribute('html', 'lang');
  if (back !== 'nl') fail(`${short}: after switching back to Dutch html[lang] is "${back}"`);
}

async function logout(page, short) {
  const btn = page.locator('form[action="/logout"] button');
  if ((await btn.count()) === 0) {
    fail(`${short}: no logout button (form[action="/logout"] button) on ${page.url()}`);
    return;
  }
  const loginStatus = await clickNav(page, btn.first());
  const url = new URL(page.url());
  if (url.pathname !== '/login' || url.searchParams.get('uitgelogd') !== '1') {
    fail(`${short}: after logout expected /login?uitgelogd=1, got ${page.url()}`);
  }
  if ((await page.locator('form[action="/login"] #username').count()) !== 1) {
    fail(`${short}: the login form is not shown after logout`);
  }
  await checkPage(page, `${short}-99-logged-out`, { status: loginStatus });
  // The session must really be gone.
  const resp = await page.goto(BASE + '/account', { waitUntil: 'load' });
  if (new URL(page.url()).pathname === '/account' && resp?.status() === 200) {
    fail(`${short}: /account still reachable after logout`);
  }
}

// ---- scenarios ----------------------------------------------------------------

async function scenario(browser, username, short, fn, loginOpts = {}) {
  console.log(`\n== ${username} ==`);
  const ctx = await browser.newContext({
    bypassCSP: true, // axe is injected into the page; the app's CSP forbids that
    viewport: { width: 1280, height: 900 },
    locale: 'nl-NL',
  });
  ctx.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  ctx.setDefaultTimeout(NAV_TIMEOUT_MS);
  const page = await ctx.newPage();
  watchPage(page, username);
  try {
    await login(browser, page, username, short, loginOpts);
    if (new URL(page.url()).pathname !== '/') return;
    await fn(page);
    await logout(page, short);
  } catch (e) {
    fail(`${username}: ${e.stack || e.message}`);
    try {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${short}-error.png`), fullPage: true });
    } catch {}
  } finally {
    await ctx.close();
  }
}

async function main() {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  try {
    await scenario(
      browser,
      'demo.gezinswerker',
      'gezinswerker',
      async (page) => {
        await gotoChecked(page, 'gezinswerker-05-home', '/');
        await gotoChecked(page, 'gezinswerker-06-organisaties', '/organisaties');
        await gotoChecked(page, 'gezinswerker-07-account', '/account');
        await gotoChecked(page, 'gezinswerker-08-beheer-gebruikers-403', '/beheer/gebruikers', { expectStatus: 403 });
        await page.goto(BASE + '/', { waitUntil: 'load' });
        await switchLanguage(page, 'gezinswerker');
      },
      { tryWrongCode: true },
    );

    await scenario(browser, 'demo.beheerder', 'beheerder', async (page) => {
      await gotoChecked(page, 'beheerder-05-organisaties', '/organisaties');
      await gotoChecked(page, 'beheerder-06-beheer-gebruikers', '/beheer/gebruikers');
      await gotoChecked(page, 'beheerder-07-beheer-gebruikers-nieuw', '/beheer/gebruikers/nieuw');
      await gotoChecked(page, 'beheerder-08-beheer-audit', '/beheer/audit');
      await gotoChecked(page, 'beheerder-09-account', '/account');
      await gotoChecked(page, 'beheerder-10-beheer-organisaties-nieuw', '/beheer/organisaties/nieuw');
      await gotoChecked(page, 'beheerder-11-beheer-teams-nieuw', '/beheer/teams/nieuw');
      await switchLanguage(page, 'beheerder');
    });
  } finally {
    await browser.close();
  }

  const passed = results.filter((r) => r.ok).length;
  const failedPages = results.length - passed;
  console.log('\n== summary ==');
  for (const r of results) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}  (${r.path}, axe violations: ${r.violations})`);
  }
  if (failures.length) {
    console.log(`\n${failures.length} failure(s):`);
    for (const f of failures) console.log(`- ${f.split('\n')[0]}`);
  }
  console.log(`screenshots: ${SCREENSHOT_DIR}`);
  // Plain closing line, one per page checked (plus a scenario-level count).
  const otherFailures = failures.length && failedPages === 0 ? 1 : 0;
  console.log(`pages: ${passed} passed, ${failedPages + otherFailures} failed`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
