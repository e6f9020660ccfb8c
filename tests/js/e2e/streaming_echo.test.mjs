// Browser tests against the streaming_echo example, a generator that yields
// "You typed: " + message[:i+1] every 50 ms.

import { before, describe, it } from "node:test";
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
  waitForIdle,
} from "./harness.mjs";

describe("streaming_echo in the browser", () => {
  const app = appInBrowser("streaming_echo");
  let page;
  before(() => (page = app.page));

  it("streams a reply after typing and Enter", async () => {
    const input = page.locator(sel.input);
    const message = "hello, streamed one character every 50 ms";
    const final = "You typed: " + message;
    await send(page, message);
    // The user bubble appears at once and the box is cleared and disabled during the run.
    await page.waitForSelector(sel.userBubbles);
    assert.equal(await input.inputValue(), "");
    assert.equal(await input.isDisabled(), true);
    // Seen while streaming: a partial reply that is a strict prefix of the final one.
    const partial = await page.waitForFunction(
      ([s, full]) => {
        const t = [...document.querySelectorAll(s)].pop()?.textContent.trim() ?? "";
        return t.startsWith("You typed: h") && t !== full ? t : false;
      },
      [sel.botBubbles, final],
      { timeout: 5000, polling: 10 },
    );
    assert.ok(final.startsWith(await partial.jsonValue()));
    await page.waitForFunction(([s, full]) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === full, [sel.botBubbles, final]);
    await waitForIdle(page);
    assert.equal(await input.isDisabled(), false);
    assert.equal(await page.locator(sel.submit).count(), 1);
  });

  it("shows Stop while streaming; Stop keeps the partial reply and re-enables the input", async () => {
    const message = "this message is long enough to stream for a few seconds";
    const bots = await page.locator(sel.botBubbles).count();  // this reply's bubble is the next one
    await send(page, message);
    await page.waitForSelector(sel.stop, { timeout: 5000 });
    assert.equal(await page.locator(sel.input).isDisabled(), true);
    // Wait for this reply to be part-way (the previous turn's bubble must not count).
    await page.waitForFunction(
      ([s, n]) => {
        const all = document.querySelectorAll(s);
        return all.length > n && all[all.length - 1].textContent.trim().startsWith("You typed: this mess");
      },
      [sel.botBubbles, bots],
      { timeout: 5000, polling: 10 },
    );
    await page.locator(sel.stop).click();
    await waitForIdle(page);
    const stopped = await lastBotText(page);
    assert.ok(stopped.startsWith("You typed: this"), stopped);
    assert.ok(stopped.length < ("You typed: " + message).length, `reply was not cut: ${stopped}`);
    // The server really stopped: nothing more arrives.
    await page.waitForTimeout(600);
    assert.equal(await lastBotText(page), stopped);
    assert.equal(await page.locator(sel.input).isDisabled(), false);
    assert.equal(await page.locator(sel.stop).count(), 0);
  });

  it("undo puts the last message back into the box and removes the turn", async () => {
    await send(page, "undo me");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: undo me", sel.botBubbles);
    await waitForIdle(page);
    const before = await page.locator(sel.userBubbles).count();
    await page.locator(sel.undo).click();
    await page.waitForFunction((n) => document.querySelectorAll(".msg-group.user .bubble").length === n - 1, before);
    assert.equal(await page.locator(sel.input).inputValue(), "undo me");
    await waitForIdle(page);
  });

  it("retry regenerates the last reply", async () => {
    await page.locator(sel.input).fill("");
    await send(page, "again");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: again", sel.botBubbles);
    await waitForIdle(page);
    const users = await page.locator(sel.userBubbles).count();
    const bots = await page.locator(sel.botBubbles).count();
    await page.locator(sel.retry).click();
    // The reply streams again from the start.
    await page.waitForFunction((s) => {
      const t = [...document.querySelectorAll(s)].pop()?.textContent.trim() ?? "";
      return t !== "You typed: again" || document.querySelector(".msg-group.pending");
    }, sel.botBubbles, { timeout: 5000, polling: 10 });
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: again", sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await page.locator(sel.userBubbles).count(), users);
    assert.equal(await page.locator(sel.botBubbles).count(), bots);
  });

  it("renders Markdown, highlighted code with a copy button, and links that open a new tab", async () => {
    await send(page, "**bold** [site](http://127.0.0.1:9/x)\n\n```python\nprint(1)\n```");
    await page.waitForFunction((s) => !![...document.querySelectorAll(s)].pop()?.querySelector("pre code .hljs-built_in"), sel.botBubbles);
    await waitForIdle(page);
    const bot = page.locator(sel.botBubbles).last();
    assert.equal(await bot.locator("strong").first().textContent(), "bold");
    assert.equal(await bot.locator("a").first().getAttribute("target"), "_blank");
    assert.equal(await bot.locator("a").first().getAttribute("rel"), "noopener noreferrer");
    assert.equal(await bot.locator("pre button.copy-code").count(), 1);
  });

  it("runs no script from a message and shows unknown tags as text", async () => {
    // Own page: the sanitised <img src=x> still asks for /x, and the 404 it gets is logged
    // as a console error that says nothing about the app.
    const own = await openBrowser();
    try {
      const p = own.page;
      await p.goto(app.server.url);
      await p.waitForSelector(sel.input);
      await send(p, '<img src=x onerror="window.__pwned=1"> <thinking>secret plan</thinking>');
      await p.waitForFunction((s) => ([...document.querySelectorAll(s)].pop()?.textContent ?? "").includes("</thinking>"), sel.botBubbles);
      await waitForIdle(p);
      await p.waitForTimeout(300); // give the broken image time to fire onerror
      assert.equal(await p.evaluate(() => window.__pwned), undefined);
      const text = await lastBotText(p);
      assert.ok(text.includes("<thinking>secret plan</thinking>"), text);
      assert.equal(await p.locator(".msg-group [onerror]").count(), 0);
      assert.ok((await p.locator(".msg-group.bot img").count()) >= 1, "the image element itself is kept");
    } finally {
      await own.close();
    }
  });

  it("clear empties the chat", async () => {
    await page.locator(sel.clear).click();
    await page.waitForFunction(() => document.querySelectorAll(".msg-group").length === 0);
    // The server side forgot the history too: the next reply is a fresh turn.
    await send(page, "fresh");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: fresh", sel.botBubbles);
    await waitForIdle(page);
    assert.equal(await page.locator(sel.userBubbles).count(), 1);
  });

  it("takes a screenshot, logged no console errors and asked nothing off the machine", async () => {
    await send(page, "Here is a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    await page.waitForFunction((s) => !![...document.querySelectorAll(s)].pop()?.querySelector("table"), sel.botBubbles);
    await waitForIdle(page);
    await screenshot(page, "streaming_echo");
    assertNoConsoleErrors(assert, app.browser);
    assert.deepEqual(offMachine(app.browser.requests), []);
  });
});
