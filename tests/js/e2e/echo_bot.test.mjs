// Browser tests against the echo_bot example: returns the message; title "Echo Bot";
// examples "hello", "hola", "merhaba".

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
  SERVED_BY_BINARY,
  startExample,
  waitForIdle,
} from "./harness.mjs";

describe("echo_bot in the browser", () => {
  let server;
  const browsers = [];

  before(async () => {
    server = await startExample("echo_bot");
  });

  after(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  async function open(options) {
    const b = await openBrowser(options);
    browsers.push(b);
    await b.page.goto(options?.query ? server.url + options.query : server.url);
    await b.page.waitForSelector(sel.input);
    return b;
  }

  it("shows the title, the example cards, and sends an example on click", async () => {
    const b = await open();
    const { page } = b;
    assert.equal(await page.title(), "Echo Bot");
    assert.equal((await page.locator("h1").first().textContent()).trim(), "Echo Bot");
    const cards = page.locator(sel.examples);
    assert.deepEqual((await cards.allTextContents()).map((t) => t.trim()), ["hello", "hola", "merhaba"]);
    assert.equal(await page.locator(sel.input).getAttribute("placeholder"), "Type a message...");
    await screenshot(page, "echo_bot-empty");

    await cards.nth(1).click();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "hola", sel.userBubbles);
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "hola", sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await page.locator(sel.examples).count(), 0);
    // Screen readers hear the finished reply once, through the polite live region.
    await page.waitForFunction(() => document.querySelector('[aria-live="polite"]')?.textContent.includes("hola"));

    await send(page, "second **turn**");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await lastBotText(page), "second turn");
    await screenshot(page, "echo_bot");
    assertNoConsoleErrors(assert, b);
    assert.deepEqual(offMachine(b.requests), []);
  });

  it("first load stays within 10 requests and 150 KB transferred", async () => {
    const b = await openBrowser();
    browsers.push(b);
    const loaded = [];
    b.page.on("requestfinished", async (r) => {
      const sizes = await r.sizes().catch(() => null);
      loaded.push({ url: r.url(), bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0 });
    });
    await b.page.goto(server.url);
    await b.page.waitForSelector(sel.examples);
    await b.page.waitForTimeout(500);
    const total = loaded.reduce((n, r) => n + r.bytes, 0);
    const detail = loaded.map((r) => `${r.bytes} ${r.url}`).join("\n");
    assert.ok(b.requests.length <= 10, `${b.requests.length} requests:\n${b.requests.join("\n")}`);
    // Sizes only mean something when the binary itself serves the (gzip-encoded) bundle.
    if (SERVED_BY_BINARY) assert.ok(total <= 150 * 1024, `${total} bytes transferred:\n${detail}`);
  });

  it("Enter during IME composition does not send; Shift+Enter adds a newline", async () => {
    const { page } = await open();
    const input = page.locator(sel.input);
    await input.fill("こんにちは");
    // A keydown that belongs to an IME composition (isComposing, keyCode 229).
    await input.evaluate((el) => {
      el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", keyCode: 229, isComposing: true, bubbles: true, cancelable: true }));
    });
    await page.waitForTimeout(200);
    assert.equal(await page.locator(sel.userBubbles).count(), 0);
    assert.equal(await input.inputValue(), "こんにちは");
    await input.press("Shift+Enter");
    await input.pressSequentially("two");
    assert.equal(await input.inputValue(), "こんにちは\ntwo");
    const h1 = (await input.boundingBox()).height;
    await input.press("Shift+Enter");
    await input.pressSequentially("three");
    assert.ok((await input.boundingBox()).height > h1, "the textarea grows with its content");
    await input.press("Enter");
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, sel.botBubbles);
    assert.equal(await lastBotText(page), "こんにちは\ntwo\nthree".replace(/\n/g, ""));
  });

  it("is usable at 375 px width and in the dark theme", async () => {
    const mobile = await open({ width: 375, height: 740 });
    const sideways = () => mobile.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok((await sideways()) <= 0, "the page scrolls sideways");
    await mobile.page.locator(sel.examples).first().click();
    await mobile.page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "hello", sel.botBubbles);
    await waitForIdle(mobile.page);
    // Long unbreakable content scrolls inside its bubble, never the page.
    await send(mobile.page, "```\n" + "x".repeat(300) + "\n```\n\nhttps://example.org/" + "a".repeat(200));
    await mobile.page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel.botBubbles);
    await waitForIdle(mobile.page);
    assert.ok((await sideways()) <= 0, `the page scrolls sideways by ${await sideways()}px`);
    await mobile.page.locator(sel.input).fill("");
    await screenshot(mobile.page, "echo_bot-mobile");

    const dark = await open({ query: "/?__theme=dark" });
    const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(15, 15, 17)");
    await send(dark.page, "dark mode");
    await dark.page.waitForFunction((s) => document.querySelector(s)?.textContent.trim() === "dark mode", sel.botBubbles);
    await waitForIdle(dark.page);
    await screenshot(dark.page, "echo_bot-dark");
    assertNoConsoleErrors(assert, dark);
  });
});
