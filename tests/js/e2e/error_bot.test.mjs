// Browser tests against the test app error_bot: gr::Error becomes a toast with its message,
// other exceptions a generic one, and the chat stays usable; $$...$$ maths renders with KaTeX,
// which loads only when a message needs it.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  appInBrowser,
  lastBotText,
  offMachine,
  sel,
  send,
  waitForIdle,
} from "./harness.mjs";

describe("error_bot in the browser", () => {
  const app = appInBrowser("error_bot");

  it("shows gr::Error as a toast with its message and stays usable", async () => {
    const { page } = app;
    await send(page, "fail please");
    const toast = page.locator(".toast.error");
    await toast.first().waitFor({ timeout: 10000 });
    assert.match(await toast.first().textContent(), /Cannot do that: fail please/);
    await waitForIdle(page);
    assert.equal(await page.locator(sel.input).isDisabled(), false);
    // The chat keeps working after the error.
    await send(page, "still here");
    await page.waitForFunction(() => [...document.querySelectorAll(".msg-group.bot:not(.pending) .bubble")].pop()?.textContent.trim() === "still here");
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "still here");
  });

  it("hides the text of other exceptions", async () => {
    const { page } = app;
    await page.locator(".toast-close").first().click().catch(() => {});
    await send(page, "crash");
    const toast = page.locator(".toast.error", { hasText: /error occurred/i });
    await toast.first().waitFor({ timeout: 10000 });
    assert.doesNotMatch(await page.locator(".toasts").textContent(), /internal detail/);
    await waitForIdle(page);
  });

  it("loads KaTeX only when a message has maths, then renders it", async () => {
    const { page } = app;
    const katexRequests = () => app.browser.requests.filter((u) => /katex/i.test(u));
    assert.deepEqual(katexRequests(), [], "KaTeX was loaded before any message needed it");
    await send(page, "Euler: $$e^{i\\pi} + 1 = 0$$");
    await page.waitForSelector(".msg-group.bot .katex", { timeout: 10000 });
    assert.ok(katexRequests().length > 0, "the maths rendered without fetching KaTeX from the server");
    assert.deepEqual(offMachine(app.browser.requests), []);
  });
});
