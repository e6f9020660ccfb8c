// Login (LaunchOptions::auth) and TLS (ssl_certfile / ssl_keyfile) with the real clients:
// @gradio/client 2.5.0 and the openai npm client, against tests/apps/secure_bot (a streaming
// echo, "You said: <message>", api_name "chat", OpenAI API on).
//
// Over https the clients verify the server's self-signed certificate: they run in a child
// process (compat/tls_clients.mjs) started with NODE_EXTRA_CA_CERTS=<cert.pem>.
//
// Run: cd tests/js && GR_EXAMPLES_DIR=<build>/examples GR_TEST_APPS_DIR=<build>/tests/apps \
//        node --test --test-concurrency=1 compat/secure.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@gradio/client";
import OpenAI from "openai";

import { collect, makeCert, startServer, testApp, withTimeout } from "./server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const USER = "admin";
const PASSWORD = "s3cret";
const AUTH_MESSAGE = "Ask the admin.";
const AUTH_ENV = { SECURE_BOT_AUTH: `${USER}:${PASSWORD}`, SECURE_BOT_AUTH_MESSAGE: AUTH_MESSAGE };

const dataOf = (events) => events.filter((e) => e.type === "data").map((e) => e.data);

/** The error a promise rejects with (fails when it resolves). */
async function rejectionOf(promise, ms, what) {
  try {
    const value = await withTimeout(promise, ms, what);
    value?.close?.(); // a Client
    await value?.stop?.(); // a server
  } catch (e) {
    return e;
  }
  assert.fail(`${what} resolved; a rejection was expected`);
}

/** One request with node:http or node:https; resolves to { status, headers, body } or rejects. */
function request(mod, url, { method = "GET", headers = {}, body = null, ca, timeoutMs = 10_000 } = {}) {
  return new Promise((resolveRes, reject) => {
    const req = mod.request(url, { method, headers, ...(ca ? { ca } : {}), timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolveRes({ status: res.statusCode, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

/** Runs compat/tls_clients.mjs with NODE_EXTRA_CA_CERTS=<ca>; resolves to its JSON line. */
function runTlsClients(url, ca, ms = 90_000) {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: ca };
  delete env.NODE_TLS_REJECT_UNAUTHORIZED; // the point is that the clients verify
  const child = spawn(process.execPath, [join(HERE, "tls_clients.mjs"), url, USER, PASSWORD], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const done = new Promise((resolveRun, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const line = out.trim().split("\n").at(-1);
      if (code !== 0 || !line) {
        reject(new Error(`tls_clients.mjs exited (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`));
        return;
      }
      try {
        resolveRun({ result: JSON.parse(line), stderr: err });
      } catch (e) {
        reject(new Error(`tls_clients.mjs printed no JSON: ${e.message}\nstdout:\n${out}\nstderr:\n${err}`));
      }
    });
  });
  return withTimeout(done, ms, "tls_clients.mjs").finally(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}

// ---------------------------------------------------------------------------------------
describe("secure_bot: login over http with the real clients", { timeout: 90_000 }, () => {
  let server;
  before(async () => {
    server = await startServer(testApp("secure_bot"), { env: AUTH_ENV });
  });
  after(async () => {
    await server?.stop();
  });

  test("the server prints an http URL", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('Client.connect with auth, then predict("/chat", {message}) -> "You said: hello"', async () => {
    const client = await withTimeout(Client.connect(server.url, { auth: [USER, PASSWORD] }), 10_000, "Client.connect");
    try {
      assert.equal(client.config.protocol, "sse_v3");
      assert.equal(client.config.root, server.url);
      assert.ok("chat" in client.api_map, JSON.stringify(client.api_map));
      const result = await withTimeout(client.predict("/chat", { message: "hello" }), 15_000, "predict");
      assert.equal(result.type, "data");
      assert.equal(result.endpoint, "/chat");
      assert.equal(result.data[0], "You said: hello");
    } finally {
      client.close();
    }
  });

  test("submit() with auth streams the reply char by char", async () => {
    const client = await withTimeout(
      Client.connect(server.url, { auth: [USER, PASSWORD], events: ["data", "status"] }), 10_000, "Client.connect");
    try {
      const events = await collect(client.submit("/chat", { message: "streamed" }), 15_000, "submit");
      const texts = dataOf(events).map((d) => d[0]);
      assert.ok(texts.length > 1, `more than one data message expected: ${JSON.stringify(texts)}`);
      assert.equal(texts.at(-1), "You said: streamed");
      for (const t of texts) assert.ok("You said: streamed".startsWith(t), `not a prefix: ${JSON.stringify(t)}`);
      const stages = events.filter((e) => e.type === "status").map((e) => e.stage);
      assert.equal(stages.at(-1), "complete", `stages ${stages}`);
      assert.ok(!stages.includes("error"), `stages ${stages}`);
    } finally {
      client.close();
    }
  });

  test("Client.connect without auth rejects with the auth_message", async () => {
    const e = await rejectionOf(Client.connect(server.url), 10_000, "Client.connect without auth");
    assert.equal(e.message, AUTH_MESSAGE);
  });

  test("Client.connect with a wrong password rejects (the client's message for a 400 /login)", async () => {
    // What the server answers: 400 {"detail":"Incorrect credentials."}, as Gradio does.
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: USER, password: "wrong" }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { detail: "Incorrect credentials." });
    assert.equal(res.headers.get("set-cookie"), null);
    // @gradio/client's get_cookie_header(): 200 -> cookie, 401 -> "Invalid credentials. Could not
    // login.", anything else -> SPACE_METADATA_ERROR_MSG. Gradio answers 400, so this is what
    // users of the client see with a real Gradio app too.
    const e = await rejectionOf(
      Client.connect(server.url, { auth: [USER, "wrong"] }), 10_000, "Client.connect with a wrong password");
    assert.equal(e.message, "Space metadata could not be loaded. ");
  });

  test("openai client: apiKey user:password gets a completion, a wrong one a 401 AuthenticationError", async () => {
    const ok = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: `${USER}:${PASSWORD}`, maxRetries: 0, timeout: 10_000 });
    const r = await withTimeout(
      ok.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }] }), 15_000, "completion");
    assert.equal(r.choices[0].message.content, "You said: hi");
    assert.equal(r.choices[0].finish_reason, "stop");

    const bad = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: `${USER}:wrong`, maxRetries: 0, timeout: 10_000 });
    const e = await rejectionOf(
      bad.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }] }), 15_000, "wrong key");
    assert.ok(e instanceof OpenAI.AuthenticationError, `${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.status, 401);

    const none = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "", maxRetries: 0, timeout: 10_000 });
    const e2 = await rejectionOf(none.models.list(), 10_000, "no key");
    assert.ok(e2 instanceof OpenAI.AuthenticationError, `${e2?.constructor?.name}: ${e2?.message}`);
  });

  test("without a login: 401 with the auth_message on /config and /gradio_api/*, 401 on /v1/*", async () => {
    for (const path of ["/config", "/gradio_api/info", "/gradio_api/queue/data?session_hash=x"]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), { detail: { error: "Not authenticated", auth_message: AUTH_MESSAGE } }, path);
    }
    const res = await fetch(`${server.url}/gradio_api/queue/join`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ data: ["x", null], fn_index: 0, session_hash: "abc" }),
    });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    const v1 = await fetch(`${server.url}/v1/models`);
    assert.equal(v1.status, 401);
    await v1.body?.cancel();
    // The page itself loads (it shows the login form).
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    await page.body?.cancel();
  });

  test("POST /login (form) sets an HttpOnly SameSite=Lax cookie that opens /config; GET /logout clears it", async () => {
    const login = await fetch(`${server.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: USER, password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    assert.deepEqual(await login.json(), { success: true });
    const setCookie = login.headers.get("set-cookie");
    assert.match(setCookie, /^access-token-[^=;]+=[^;]+;/);
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /;\s*Secure/i, "no Secure flag over plain http");
    const cookie = setCookie.split(";")[0];

    const config = await fetch(`${server.url}/config`, { headers: { cookie } });
    assert.equal(config.status, 200);
    assert.ok((await config.json()).dependencies.some((d) => d.api_name === "chat"));

    // multipart form, as @gradio/client sends it
    const form = new FormData();
    form.append("username", USER);
    form.append("password", PASSWORD);
    const multipart = await fetch(`${server.url}/login`, { method: "POST", body: form });
    assert.equal(multipart.status, 200);
    assert.match(multipart.headers.get("set-cookie"), /^access-token-/);
    await multipart.body?.cancel();

    const logout = await fetch(`${server.url}/logout`, { headers: { cookie }, redirect: "manual" });
    assert.equal(logout.status, 302);
    assert.equal(logout.headers.get("location"), "/");
    const cleared = logout.headers.get("set-cookie");
    assert.ok(cleared?.startsWith(`${cookie.split("=")[0]}=;`), `cookie not cleared: ${cleared}`);
    assert.match(cleared, /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    await logout.body?.cancel();
    // As in Gradio, the token is dropped on the server too: replaying the old cookie fails.
    const replay = await fetch(`${server.url}/config`, { headers: { cookie } });
    assert.equal(replay.status, 401);
    await replay.body?.cancel();
  });
});

// ---------------------------------------------------------------------------------------
describe("secure_bot: failed logins are rate limited", { timeout: 60_000 }, () => {
  let server;
  before(async () => {
    server = await startServer(testApp("secure_bot"), { env: AUTH_ENV });
  });
  after(async () => {
    await server?.stop();
  });

  test("10 wrong passwords get 400, the 11th attempt 429", async () => {
    const attempt = async (password) => {
      const res = await fetch(`${server.url}/login`, {
        method: "POST",
        body: new URLSearchParams({ username: USER, password }),
      });
      await res.body?.cancel();
      return res.status;
    };
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push(await attempt(`wrong${i}`));
    assert.deepEqual(statuses, Array(10).fill(400));
    assert.equal(await attempt("wrong10"), 429);
    // locked out for the minute, even with the right password; the answer says how long
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: USER, password: PASSWORD }),
    });
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get("retry-after"));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${res.headers.get("retry-after")}`);
    assert.match((await res.json()).detail, /Too many failed login attempts/);
    assert.equal(res.headers.get("set-cookie"), null);
  });
});

// ---------------------------------------------------------------------------------------
describe("secure_bot over https: the clients verify the self-signed certificate", { timeout: 120_000 }, () => {
  let server;
  let dir;
  let certs;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gr-secure-"));
    certs = makeCert(dir);
    server = await startServer(testApp("secure_bot"), {
      env: { ...AUTH_ENV, SECURE_BOT_CERT: certs.cert, SECURE_BOT_KEY: certs.key },
    });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the server prints an https URL", () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test("@gradio/client (login + streamed submit) and openai (streamed) over https with NODE_EXTRA_CA_CERTS", async () => {
    const { result, stderr } = await runTlsClients(server.url, certs.cert);
    const detail = `${JSON.stringify(result, null, 1)}\nstderr:\n${stderr}`;

    // /config's root must carry the scheme of the connection: the client sends /info, the
    // queue and the heartbeat there (an http:// root makes them fail against the TLS port).
    assert.equal(result.gradio.root, server.url, detail);
    assert.equal(result.gradio.protocol, "sse_v3", detail);
    assert.equal(result.gradio.hasApiInfo, true, detail);
    assert.equal(result.gradio.error, undefined, detail);
    const texts = result.gradio.data.map((d) => d[0]);
    assert.ok(texts.length > 1, `more than one data message expected: ${detail}`);
    assert.equal(texts.at(-1), "You said: over tls", detail);
    for (const t of texts) assert.ok("You said: over tls".startsWith(t), `not a prefix: ${JSON.stringify(t)}`);
    assert.equal(result.gradio.stages.at(-1), "complete", detail);

    assert.deepEqual(result.gradioNoAuth, { error: { name: "Error", message: AUTH_MESSAGE } }, detail);

    assert.equal(result.openai.error, undefined, detail);
    assert.equal(result.openai.text, "You said: streamed over tls", detail);
    assert.ok(result.openai.deltas > 1, detail);
    assert.equal(result.openai.finish, "stop", detail);

    assert.equal(result.openaiWrongKey.error?.isAuthError, true, detail);
    assert.equal(result.openaiWrongKey.error.status, 401, detail);
  });

  test('plain http:// to the https port -> 400 "This server speaks HTTPS only"', async () => {
    const plain = server.url.replace(/^https:/, "http:");
    const res = await withTimeout(request(http, `${plain}/config`), 10_000, "plain http request");
    assert.equal(res.status, 400);
    assert.match(res.body, /This server speaks HTTPS only/);
  });

  test("https without the CA fails certificate verification; with it the server answers", async () => {
    // node:https with the default CA store
    const e = await rejectionOf(request(https, `${server.url}/config`), 10_000, "https.get without CA");
    assert.equal(e.code, "DEPTH_ZERO_SELF_SIGNED_CERT", `${e.code}: ${e.message}`);
    // fetch (undici), as the clients use it
    const f = await rejectionOf(fetch(`${server.url}/config`), 10_000, "fetch without CA");
    assert.equal(f.cause?.code, "DEPTH_ZERO_SELF_SIGNED_CERT", `${f.message}: ${f.cause?.code} ${f.cause?.message}`);
    // the same request trusting the certificate: verified, and answered (401: no login yet)
    const ok = await withTimeout(request(https, `${server.url}/config`, { ca: readFileSync(certs.cert) }), 10_000, "https with CA");
    assert.equal(ok.status, 401);
    assert.deepEqual(JSON.parse(ok.body), { detail: { error: "Not authenticated", auth_message: AUTH_MESSAGE } });
  });

  test("POST /login over https sets a Secure HttpOnly cookie", async () => {
    const ca = readFileSync(certs.cert);
    const res = await withTimeout(request(https, `${server.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: USER, password: PASSWORD }).toString(),
      ca,
    }), 10_000, "login over https");
    assert.equal(res.status, 200, res.body);
    const setCookie = res.headers["set-cookie"]?.[0] ?? "";
    assert.match(setCookie, /^access-token-[^=;]+=[^;]+;/);
    assert.match(setCookie, /;\s*Secure/i);
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=Lax/i);
    const cookie = setCookie.split(";")[0];
    const config = await withTimeout(request(https, `${server.url}/config`, { headers: { cookie }, ca }),
      10_000, "config with cookie over https");
    assert.equal(config.status, 200);
  });

  test("/config's root and the API page's snippets name the https URL", async () => {
    const ca = readFileSync(certs.cert);
    const headers = { authorization: `Bearer ${USER}:${PASSWORD}` };
    const config = await withTimeout(request(https, `${server.url}/config`, { headers, ca }), 10_000, "config over https");
    assert.equal(config.status, 200);
    assert.equal(JSON.parse(config.body).root, server.url);
    const info = await withTimeout(request(https, `${server.url}/gradio_api/info`, { headers, ca }), 10_000, "info over https");
    assert.equal(info.status, 200);
    const port = new URL(server.url).port;
    const urls = [...info.body.matchAll(new RegExp(`[a-z]+://127\\.0\\.0\\.1:${port}`, "g"))].map((m) => m[0]);
    assert.ok(urls.length > 0, "the snippets name the server");
    assert.deepEqual([...new Set(urls)], [server.url]);
  });
});

// ---------------------------------------------------------------------------------------
describe("secure_bot over https with an encrypted key (ssl_keyfile_password)", { timeout: 60_000 }, () => {
  let dir;
  let certs;
  const servers = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gr-secure-enc-"));
    certs = makeCert(dir, { name: "enc-", passphrase: "k3y-pass" });
  });
  after(async () => {
    for (const s of servers) await s.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the right password: it serves https", async () => {
    assert.match(readFileSync(certs.key, "utf8"), /ENCRYPTED PRIVATE KEY/);
    const server = await startServer(testApp("secure_bot"), {
      env: { ...AUTH_ENV, SECURE_BOT_CERT: certs.cert, SECURE_BOT_KEY: certs.key, SECURE_BOT_KEY_PASSWORD: "k3y-pass" },
    });
    servers.push(server);
    assert.match(server.url, /^https:/);
    const res = await withTimeout(request(https, `${server.url}/config`, { ca: readFileSync(certs.cert) }), 10_000, "https");
    assert.equal(res.status, 401);
  });

  test("a wrong password: the server does not start", async () => {
    const e = await rejectionOf(startServer(testApp("secure_bot"), {
      env: { ...AUTH_ENV, SECURE_BOT_CERT: certs.cert, SECURE_BOT_KEY: certs.key, SECURE_BOT_KEY_PASSWORD: "nope" },
    }), 20_000, "startServer with a wrong key password");
    assert.match(e.message, /exited early/, e.message);
  });
});
