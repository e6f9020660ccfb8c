// Browser tests of Blocks pages: the ported demos artifacts (a code pane beside the chat),
// prefill (a Radio that fills the chat) and custom_chatbot, and a test app whose Chatbot
// listeners log like, dislike, retry, undo, edit and clear.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
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

/** Starts example `name` and opens one page on it for the tests of a describe block. */
function withPage(name) {
  const ctx = {};
  before(async () => {
    ctx.server = await startExample(name);
    ctx.browser = await openBrowser();
    await ctx.browser.page.goto(ctx.server.url);
    await ctx.browser.page.waitForSelector(sel.input);
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

const botCount = (page) => page.locator(sel.botBubbles).count();

/** Resolves once the server's output matches `pattern` (its stdout is flushed per line). */
async function waitForOutput(server, pattern, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!pattern.test(server.output())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the server's output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("artifacts in the browser", () => {
  const ctx = withPage("artifacts");

  it("the code pane shows highlighted Python after \"python\", JavaScript after \"javascript\", then empties", async () => {
    const { page } = ctx.browser;
    const headings = (await page.locator("h1").allTextContents()).map((t) => t.trim());
    assert.deepEqual(headings, ["Write Python or JavaScript", "Code Artifacts"]);
    await send(page, "python");
    await page.waitForSelector("code.language-python .hljs-keyword");
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "Type Python or JavaScript to see the code.");
    const keywords = await page.locator("code.language-python .hljs-keyword").allTextContents();
    assert.ok(keywords.includes("def") && keywords.includes("return"), keywords.join(","));
    assert.match(await page.locator("code.language-python").textContent(), /fib\(n-1\) \+ fib\(n-2\)/);
    // The pane is in the right-hand column, beside the chat.
    const chat = await page.locator(".msg-group").first().boundingBox();
    const pane = await page.locator("code.language-python").boundingBox();
    assert.ok(pane.x > chat.x + chat.width / 2, `pane at x=${pane.x}, chat at x=${chat.x} w=${chat.width}`);
    await screenshot(page, "artifacts-python");

    await send(page, "now javascript please");
    await page.waitForSelector("code.language-javascript .hljs-keyword");
    await waitForIdle(page);
    assert.match(await page.locator("code.language-javascript").textContent(), /function fib\(n\)/);
    assert.equal(await page.locator("code.language-python").count(), 0);
    await screenshot(page, "artifacts-javascript");

    await send(page, "hello");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 3, sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "Please ask about Python or JavaScript.");
    await page.waitForFunction(() => !/function fib/.test(document.querySelector("code")?.textContent ?? ""));
    assertNoConsoleErrors(assert, ctx.browser);
    assert.deepEqual(offMachine(ctx.browser.requests), []);
  });
});

describe("prefill in the browser", () => {
  const ctx = withPage("prefill");

  it("choosing Greeting shows the canned conversation, and the next turn keeps it", async () => {
    const { page } = ctx.browser;
    await page.getByRole("radio", { name: "Greeting" }).check();
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.userBubbles);
    assert.deepEqual((await page.locator(sel.userBubbles).allTextContents()).map((t) => t.trim()), ["Hi there!"]);
    assert.equal(await lastBotText(page), "Hello! How can I assist you today?");
    await screenshot(page, "prefill-greeting");
    await send(page, "Are you there?");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel.botBubbles);
    await waitForIdle(page);
    assert.deepEqual((await page.locator(sel.userBubbles).allTextContents()).map((t) => t.trim()),
                     ["Hi there!", "Are you there?"]);
    assert.match(await lastBotText(page), /^(Yes|No)$/);
    // Complaint replaces the conversation; Blank empties it.
    await page.getByRole("radio", { name: "Complaint" }).check();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "I'm not happy with the service.", sel.userBubbles);
    assert.equal(await page.locator(sel.userBubbles).count(), 1);
    await page.getByRole("radio", { name: "Blank" }).check();
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 0, sel.userBubbles);
    assertNoConsoleErrors(assert, ctx.browser);
  });
});

describe("custom_chatbot in the browser", () => {
  const ctx = withPage("custom_chatbot");

  it("shows the placeholder, answers yes, and the thumbs reach the server", async () => {
    const { page } = ctx.browser;
    const placeholder = page.locator("strong", { hasText: "Your Personal Yes-Man" });
    await placeholder.waitFor();
    await send(page, "Am I right?");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "yes");
    assert.equal(await placeholder.count(), 0);
    await page.locator('button[aria-label="Like"]').last().click();
    await waitForOutput(ctx.server, /You upvoted this response: yes/);
    await page.locator('button[aria-label="Dislike"]').last().click();
    await waitForOutput(ctx.server, /You downvoted this response: yes/);
    await screenshot(page, "custom_chatbot");
    assertNoConsoleErrors(assert, ctx.browser);
  });
});

describe("Chatbot events in the browser", () => {
  const ctx = withPage("chatbot_events");
  const logHas = (page, pattern) =>
    page.waitForFunction((p) => new RegExp(p).test(document.querySelector(".app")?.textContent ?? ""), pattern.source);

  it("like, dislike, retry, undo, edit and clear reach their listeners with Gradio's payloads", async () => {
    const { page } = ctx.browser;
    await send(page, "one");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "echo one (0)");
    await page.locator('button[aria-label="Like"]').last().click();
    await logHas(page, /liked 1: echo one \(0\)/);
    await page.locator('button[aria-label="Dislike"]').last().click();
    await logHas(page, /disliked 1: echo one \(0\)/);

    await page.locator(sel.retry).click();
    await logHas(page, /retry 0/);
    await waitForIdle(page);
    assert.equal(await botCount(page), 1);
    assert.equal(await lastBotText(page), "echo one (0)");

    await send(page, "two");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "echo two (2)");
    await page.locator(sel.undo).click();
    await logHas(page, /undo 2/);
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.botBubbles);
    assert.equal(await page.locator(sel.input).inputValue(), "two");

    await page.locator('.msg-group.user button[aria-label="Edit"]').last().click();
    const area = page.locator(".msg-group.user textarea").last();
    await area.fill("uno");
    await area.press("Control+Enter");
    await logHas(page, /edit 0: uno/);
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "echo uno (0)", sel.botBubbles);
    await waitForIdle(page);

    await page.locator(sel.clear).click();
    await logHas(page, /clear/);
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 0, sel.botBubbles);
    await screenshot(page, "chatbot_events");
    assertNoConsoleErrors(assert, ctx.browser);
  });
});
