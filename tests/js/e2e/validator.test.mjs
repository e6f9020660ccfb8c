// Browser test against the test app validator_bot, whose validator refuses messages shorter
// than 3 characters: a refused message stays in the box, shows the validator's text in red at
// the input (dismissable), adds no bubble, and never becomes part of the next turn's history.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appInBrowser, assertNoConsoleErrors, lastBotText, sel, send, waitForIdle } from "./harness.mjs";

const MESSAGE = "Please type at least 3 characters.";

describe("validator_bot in the browser", () => {
  const app = appInBrowser("validator_bot");

  it("keeps a refused message in the box, shows why at the input and adds no bubble", async () => {
    const { page } = app;
    await send(page, "hi");
    const shown = page.locator(".validation-error");
    await shown.waitFor({ timeout: 10000 });
    assert.match(await shown.textContent(), new RegExp(MESSAGE.replace(/\./g, "\\.")));
    assert.equal(await page.locator(sel.input).inputValue(), "hi");
    assert.equal(await page.locator(sel.input).isDisabled(), false);
    assert.equal(await page.locator(sel.userBubbles).count(), 0);
    assert.equal(await page.locator(sel.botBubbles).count(), 0);
    assert.equal(await page.locator(".toast").count(), 0, "a refusal is shown at the input, not as a toast");
    // The refusal is red.
    const color = await shown.evaluate((el) => getComputedStyle(el).color);
    const [r, g, b] = color.match(/\d+/g).map(Number);
    assert.ok(r > 150 && g < 100 && b < 100, `validation text is not red: ${color}`);
  });

  it("dismisses the message with its ✕", async () => {
    const { page } = app;
    await page.locator(".validation-error .validation-close").click();
    await page.locator(".validation-error").waitFor({ state: "detached", timeout: 5000 });
    assert.equal(await page.locator(sel.input).inputValue(), "hi");
  });

  it("sends a valid message, whose history does not contain the refused one", async () => {
    const { page } = app;
    await send(page, "hi");
    await page.locator(".validation-error").waitFor({ timeout: 10000 });
    await send(page, "hello");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.botBubbles, { timeout: 10000 });
    await waitForIdle(page);
    assert.equal(await page.locator(".validation-error").count(), 0, "the message went away with the next submit");
    assert.equal(await lastBotText(page), 'got "hello" after []');
    assert.equal(await page.locator(sel.userBubbles).count(), 1);
    assert.equal(await page.locator(sel.input).inputValue(), "");

    // A second turn sees exactly the first one.
    await send(page, "again");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel.botBubbles, { timeout: 10000 });
    await waitForIdle(page);
    assert.equal(await lastBotText(page), 'got "again" after [user: hello | assistant: got "hello" after []]');
    // The 422 answers are the only failed requests.
    assert.ok(app.browser.badResponses.every((r) => r.startsWith("422 POST")), JSON.stringify(app.browser.badResponses));
  });

  it("refuses the same message through the API with Gradio's validate list", async () => {
    const base = app.server.serverUrl;
    const res = await fetch(`${base}/gradio_api/call/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ data: ["hi"] }),
    });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.ok(Array.isArray(body.detail), JSON.stringify(body));
    const refused = body.detail.find((d) => d.is_valid === false);
    assert.equal(refused.__type__, "validate");
    assert.equal(refused.message, MESSAGE);
    assert.equal(refused.parameter_name, "message");
  });

  it("logged no console errors other than the refused requests", () => {
    const errors = app.browser.consoleErrors.filter((e) => !/status of 422/.test(e));
    assertNoConsoleErrors(assert, { ...app.browser, consoleErrors: errors });
  });
});
