// Browser tests against the random_response example: answers "Yes" or "No".

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  appInBrowser,
  assertNoConsoleErrors,
  lastBotText,
  offMachine,
  openBrowser,
  screenshot,
  sel,
  send,
  startExample,
  waitForIdle,
} from "./harness.mjs";

describe("random_response in the browser", () => {
  const app = appInBrowser("random_response");

  it("answers Yes or No, several turns in a row", async () => {
    const { page } = app;
    assert.equal(await page.title(), "Gradio");
    for (let i = 1; i <= 3; i++) {
      await send(page, `Question ${i}?`);
      await page.waitForFunction((n) => document.querySelectorAll(".msg-group.bot:not(.pending) .bubble").length === n, i);
      await waitForIdle(page);
      assert.match(await lastBotText(page), /^(Yes|No)$/);
    }
    // The submit button is back and disabled while the box is empty.
    assert.equal(await page.locator(sel.submit).isDisabled(), true);
    await screenshot(page, "random_response");
    assertNoConsoleErrors(assert, app.browser);
    assert.deepEqual(offMachine(app.browser.requests), []);
  });
});

describe("a lost connection", () => {
  let server;
  let browser;

  before(async () => {
    server = await startExample("random_response");
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows a notice while the server is down and recovers without a reload", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.waitForSelector(sel.input);
    await send(page, "before");
    await page.waitForFunction(() => document.querySelectorAll(".msg-group.bot:not(.pending) .bubble").length === 1);
    await waitForIdle(page);

    const port = server.port;
    const front = server.front;
    await server.stop({ keepFront: true });
    // The broken heartbeat (or the next request) reveals the loss.
    await send(page, "while down");
    const notice = page.locator(".connection-notice");
    await notice.waitFor({ timeout: 10000 });
    assert.match(await notice.textContent(), /Connection to the server lost/);

    server = await startExample("random_response", { port, front });
    await notice.waitFor({ state: "detached", timeout: 15000 });
    // The input is usable again (the chain that failed had left it disabled).
    await waitForIdle(page);
    await send(page, "after");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "after", sel.userBubbles);
    await page.waitForFunction(() => /^(Yes|No)$/.test([...document.querySelectorAll(".msg-group.bot:not(.pending) .bubble")].pop()?.textContent.trim() ?? ""));
    await waitForIdle(page);
    assert.match(await lastBotText(page), /^(Yes|No)$/);
  });
});
