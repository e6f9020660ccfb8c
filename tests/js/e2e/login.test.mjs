// Browser tests for the login page (LaunchOptions::auth) over http and over https
// (ssl_certfile / ssl_keyfile), against tests/apps/secure_bot: a streaming echo
// ("You said: <message>") behind the login admin:s3cret.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  lastBotText,
  offMachine,
  openBrowser,
  screenshot,
  sel,
  send,
  SERVED_BY_BINARY,
  startExample,
  waitForIdle,
} from "./harness.mjs";
import { makeCert } from "../compat/server.mjs";

const AUTH_MESSAGE = "Ask the admin.";
const AUTH_ENV = { SECURE_BOT_AUTH: "admin:s3cret", SECURE_BOT_AUTH_MESSAGE: AUTH_MESSAGE };

const login = {
  form: "form.login-form",
  title: "form.login-form h1",
  message: "p.login-message",
  username: 'input[name="username"]',
  password: 'input[name="password"]',
  submit: 'form.login-form button[type="submit"]',
  alert: 'form.login-form [role="alert"]',
};

/** Waits for the login form; returns its title and message. */
async function loginForm(page) {
  await page.waitForSelector(login.form, { timeout: 10000 });
  return {
    title: (await page.locator(login.title).textContent()).trim(),
    message: (await page.locator(login.message).textContent()).trim(),
    button: (await page.locator(login.submit).textContent()).trim(),
  };
}

async function submitLogin(page, username, password) {
  await page.locator(login.username).fill(username);
  await page.locator(login.password).fill(password);
  await page.locator(login.submit).click();
}

/** The only console errors allowed: Chromium's "Failed to load resource" for the expected 401/400. */
function unexpectedConsoleErrors(b) {
  return b.consoleErrors.filter((m) => !/^Failed to load resource: the server responded with a status of 40[01]/.test(m));
}

/** Every >= 400 answer the page got must be a 401 for ./config (no login yet) or a 400 for a wrong login. */
function unexpectedBadResponses(b, base) {
  return b.badResponses.filter((r) => r !== `401 GET ${base}/config` && r !== `400 POST ${base}/login`);
}

describe("login page over http", () => {
  let server;
  let b;

  before(async () => {
    server = await startExample("secure_bot", { env: AUTH_ENV });
    b = await openBrowser();
  });

  after(async () => {
    await b?.close();
    await server?.stop();
  });

  it("shows the login form with the auth message instead of the chat", async () => {
    const { page } = b;
    await page.goto(server.url);
    const form = await loginForm(page);
    assert.equal(form.title, "Login");
    assert.equal(form.message, AUTH_MESSAGE);
    assert.equal(form.button, "Login");
    assert.equal(await page.locator(login.password).getAttribute("type"), "password");
    assert.equal(await page.locator(sel.input).count(), 0, "the chat must not be shown before the login");
    assert.equal(await page.locator(login.alert).count(), 0);
    await screenshot(page, "login-form");
  });

  it('a wrong password shows "Incorrect credentials." and keeps the form', async () => {
    const { page } = b;
    await submitLogin(page, "admin", "wrong");
    await page.waitForSelector(login.alert, { timeout: 10000 });
    assert.equal((await page.locator(login.alert).textContent()).trim(), "Incorrect credentials.");
    assert.equal(await page.locator(login.form).count(), 1);
    assert.equal(await page.locator(sel.input).count(), 0);
    assert.deepEqual(await b.context.cookies(), [], "no cookie for a failed login");
    await screenshot(page, "login-wrong-password");
  });

  it("the right password shows the chat; a message gets the streamed reply", async () => {
    const { page } = b;
    await submitLogin(page, "admin", "s3cret");
    await page.waitForSelector(sel.input, { timeout: 10000 });
    assert.equal(await page.locator(login.form).count(), 0);
    assert.equal(await page.title(), "Secure bot");

    const cookies = await b.context.cookies();
    assert.equal(cookies.length, 1, JSON.stringify(cookies));
    assert.match(cookies[0].name, /^access-token-/);
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].secure, false, "no Secure flag over plain http");
    assert.equal(cookies[0].sameSite, "Lax");

    await send(page, "hi");
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "You said: hi", sel.botBubbles,
      { timeout: 10000 });
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "You said: hi");
    await screenshot(page, "login-chat");
  });

  it("./logout brings the login form back", async () => {
    const { page } = b;
    await page.goto(`${server.url}/logout`);
    const form = await loginForm(page);
    assert.equal(form.title, "Login");
    assert.equal(form.message, AUTH_MESSAGE);
    assert.equal(new URL(page.url()).pathname, "/");
    assert.equal(await page.locator(sel.input).count(), 0);
    assert.deepEqual(await b.context.cookies(), [], "the cookie is cleared");
    // a reload does not bring the chat back
    await page.reload();
    await loginForm(page);
    assert.equal(await page.locator(sel.input).count(), 0);

    assert.deepEqual(unexpectedConsoleErrors(b), [], `failed requests: ${JSON.stringify(b.badResponses, null, 1)}`);
    assert.deepEqual(unexpectedBadResponses(b, server.url), []);
    assert.deepEqual(offMachine(b.requests), []);
  });
});

describe("login page over https (self-signed certificate)", { skip: !SERVED_BY_BINARY && "GR_E2E_WEB_DIST's front server speaks plain http only" }, () => {
  let server;
  let b;
  let dir;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gr-e2e-tls-"));
    const { cert, key } = makeCert(dir);
    server = await startExample("secure_bot", { env: { ...AUTH_ENV, SECURE_BOT_CERT: cert, SECURE_BOT_KEY: key } });
    b = await openBrowser({ ignoreHTTPSErrors: true });
  });

  after(async () => {
    await b?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("logs in, chats, and the cookie is Secure and HttpOnly", async () => {
    const { page } = b;
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(server.url);
    const form = await loginForm(page);
    assert.equal(form.title, "Login");
    assert.equal(form.message, AUTH_MESSAGE);

    await submitLogin(page, "admin", "s3cret");
    await page.waitForSelector(sel.input, { timeout: 10000 });

    const cookies = await b.context.cookies();
    assert.equal(cookies.length, 1, JSON.stringify(cookies));
    assert.match(cookies[0].name, /^access-token-/);
    assert.equal(cookies[0].secure, true);
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, "Lax");

    await send(page, "hello over tls");
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "You said: hello over tls",
      sel.botBubbles, { timeout: 10000 });
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "You said: hello over tls");
    await screenshot(page, "login-https-chat");

    // Everything went over https to this server: no plain-http request, nothing off the machine.
    const base = `${server.url}/`;
    assert.deepEqual(b.requests.filter((u) => !u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("blob:")), []);
    assert.deepEqual(offMachine(b.requests), []);
    assert.deepEqual(unexpectedConsoleErrors(b), [], `failed requests: ${JSON.stringify(b.badResponses, null, 1)}`);
    assert.deepEqual(unexpectedBadResponses(b, server.url), []);
  });
});
