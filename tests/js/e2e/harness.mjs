// Shared helpers for the browser tests: start an example binary, open headless Chromium on it,
// and record what the page does (console errors, every request).
//
// Env (ctest sets the first three; see tests/CMakeLists.txt):
//   GR_EXAMPLES_DIR=/path/to/build/examples     where the example binaries are (required)
//   GR_TEST_APPS_DIR=/path/to/build/tests/apps  where the test-only apps are (required)
//   GR_SCREENSHOT_DIR=/path                     where screenshots go (default: a folder in $TMPDIR)
//   GR_CHROMIUM=/path/to/chromium               the browser (default /usr/bin/chromium, from `make deps`)
//   GR_E2E_WEB_DIST=/path/to/web/dist           serve that UI bundle in front of the binary instead of
//                                               the one embedded in it (UI development without a rebuild).
//   GR_E2E_HEADED=1                             show the browser window (needs a display).

import { spawn } from "node:child_process";
import { after, before } from "node:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHROMIUM = process.env.GR_CHROMIUM || "/usr/bin/chromium";
export const SCREENSHOT_DIR = process.env.GR_SCREENSHOT_DIR || join(tmpdir(), "gradio-cpp-screenshots");

/** The folder named by environment variable `name`; throws a clear error when it is not set. */
function dirFromEnv(name) {
  const dir = process.env[name];
  if (!dir) {
    throw new Error(
      `${name} is not set. Run the browser tests through ctest (ctest --test-dir <build> -L e2e), ` +
        `or set GR_EXAMPLES_DIR=<build>/examples and GR_TEST_APPS_DIR=<build>/tests/apps.`,
    );
  }
  return resolve(dir);
}

/** Path of an example (GR_EXAMPLES_DIR) or test-only app (GR_TEST_APPS_DIR) binary. */
export function examplePath(name) {
  const candidates = [join(dirFromEnv("GR_EXAMPLES_DIR"), name), join(dirFromEnv("GR_TEST_APPS_DIR"), name)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no ${name} binary in ${candidates.map(dirname).join(" or ")}: build it first`);
  return found;
}

/** True when the page comes from the binary itself, not from a GR_E2E_WEB_DIST front server. */
export const SERVED_BY_BINARY = !process.env.GR_E2E_WEB_DIST;

/**
 * Starts the example or test app <name> (on a free port unless `port` is given); resolves to
 * { url, serverUrl, port, stop() }.
 */
export async function startExample(name, { timeoutMs = 15000, port = 0, front: reuseFront = null, cwd = REPO_ROOT, env = {} } = {}) {
  const bin = examplePath(name);
  const proc = spawn(bin, [], {
    cwd,
    env: { ...process.env, GRADIO_SERVER_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/\* Running on local URL:\s+(https?:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", (c) => (output += c.toString()));
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before serving:\n${output}`));
    });
  });
  let front = reuseFront;
  if (!front && process.env.GR_E2E_WEB_DIST) front = await serveDistInFront(process.env.GR_E2E_WEB_DIST, url);
  return {
    url: front ? front.url : url,
    serverUrl: url,
    port: Number(new URL(url).port),
    front,
    output: () => output,
    /** Stops the binary; `keepFront` leaves the GR_E2E_WEB_DIST front server up for a restart. */
    async stop({ keepFront = false } = {}) {
      if (front && !keepFront) await front.close();
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((r) => {
          const t = setTimeout(() => {
            proc.kill("SIGKILL");
            r();
          }, 3000);
          proc.once("exit", () => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".svg": "image/svg+xml" };

/** A tiny front server: files of `dist` at / and /assets/…, everything else forwarded. */
async function serveDistInFront(dist, backend) {
  const target = new URL(backend);
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path === "/" ? join(dist, "index.html") : path.startsWith("/assets/") ? normalize(join(dist, path)) : null;
    if (req.method === "GET" && file && file.startsWith(normalize(dist)) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
      return;
    }
    const fwd = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on("error", () => {
      res.destroy();
    });
    req.pipe(fwd);
    res.on("close", () => fwd.destroy());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/**
 * Launches headless Chromium with a fresh profile. Resolves to { page, context, consoleErrors,
 * requests, badResponses, close() }; `requests` holds every URL the page asked for and
 * `badResponses` every answer with a status of 400 or more. `ignoreHTTPSErrors` accepts a
 * self-signed certificate (the TLS tests).
 */
export async function openBrowser({ width = 1280, height = 800, colorScheme = "light", args = [], ignoreHTTPSErrors = false } = {}) {
  // A missing browser is a failure, not a skip: `make deps` installs Debian's chromium.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing (${CHROMIUM}): install it with \`make deps\` (Debian package chromium) ` +
      `or point GR_CHROMIUM at a Chromium binary. The browser tests cannot run without it.`);
  }
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "gr-e2e-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: !process.env.GR_E2E_HEADED,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
    viewport: { width, height },
    colorScheme,
    permissions: ["clipboard-read", "clipboard-write"],
    ignoreHTTPSErrors,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  const requests = [];
  const badResponses = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  context.on("request", (r) => requests.push(r.url()));
  // Chromium logs "Failed to load resource" without the URL; keep the URLs to explain it.
  context.on("response", (r) => {
    if (r.status() >= 400) badResponses.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return {
    page,
    context,
    consoleErrors,
    requests,
    badResponses,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Every request must stay on this machine (no CDN, fonts, telemetry). */
export function offMachine(requests) {
  return requests.filter((u) => {
    if (u.startsWith("data:") || u.startsWith("blob:")) return false;
    try {
      return new URL(u).hostname !== "127.0.0.1";
    } catch {
      return true;
    }
  });
}

// ---- page helpers (selectors match web/src/components)

export const sel = {
  input: ".block.textbox textarea",
  submit: 'button[aria-label="Submit"]',
  stop: 'button[aria-label="Stop"]',
  userBubbles: ".msg-group.user .bubble",
  botBubbles: ".msg-group.bot:not(.pending) .bubble",
  pending: ".msg-group.pending",
  retry: 'button[aria-label="Retry"]',
  undo: 'button[aria-label="Undo"]',
  clear: 'button[aria-label="Clear"]',
  examples: "button.example",
};

export async function send(page, text) {
  await page.locator(sel.input).fill(text);
  await page.locator(sel.input).press("Enter");
}

/** Text of the last bot bubble (empty string if none). */
export async function lastBotText(page) {
  return page.evaluate((s) => {
    const all = document.querySelectorAll(s);
    return all.length ? all[all.length - 1].textContent.trim() : "";
  }, sel.botBubbles);
}

export async function waitForIdle(page, timeout = 10000) {
  // The chain is over when the textbox is enabled again and no pending bubble is shown.
  await page.waitForFunction(
    (s) => !document.querySelector(s.input).disabled && !document.querySelector(s.pending) && !document.querySelector(s.stop),
    sel,
    { timeout },
  );
}

/** Asserts the page logged no console error; names failed requests when there are some. */
export function assertNoConsoleErrors(assert, b) {
  assert.deepEqual(b.consoleErrors, [], `console errors; failed requests: ${JSON.stringify(b.badResponses, null, 1)}`);
}

/**
 * For a describe() block: starts the app and opens it in a fresh browser before the block's
 * tests, and closes both after them. The returned holder's `server`, `browser` and `page` are
 * set once the block has started.
 */
export function appInBrowser(name, browserOptions, serverOptions = {}) {
  const app = { server: null, browser: null, page: null };
  before(async () => {
    app.server = await startExample(name, serverOptions);
    app.browser = await openBrowser(browserOptions);
    app.page = app.browser.page;
    await app.page.goto(app.server.url);
    await app.page.waitForSelector(sel.input);
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}
