// Browser tests of Gradio's ChatInterface demos ported to C++ (examples/): each behaves like the
// Python original in Chromium.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appInBrowser, assertNoConsoleErrors, lastBotText, openBrowser, screenshot, sel, send, startExample, waitForIdle } from "./harness.mjs";

// Markdown turns the reply's "\n " into a line break: compare without whitespace.
const squash = (s) => s.replace(/\s+/g, "");

describe("system_prompt: additional inputs in the accordion", () => {
  const app = appInBrowser("system_prompt");
  it("the accordion starts closed; its inputs reach fn", async () => {
    const page = app.page;
    const head = page.locator(".accordion-head");
    assert.equal(await head.getAttribute("aria-expanded"), "false");
    assert.match(await head.textContent(), /Additional inputs/i);
    await head.click();
    const prompt = page.locator(".field textarea, .field input[type=text]").first();
    assert.equal(await prompt.inputValue(), "You are helpful AI.");
    await prompt.fill("Be a pirate.");
    const tokens = page.locator('.field input[type="number"]').first();
    await tokens.fill("40");
    await tokens.press("Tab");
    await send(page, "hi");
    const expected = "System prompt: Be a pirate.\n Message: hi.".slice(0, 40);
    await page.waitForFunction(
      ([s, want]) => ([...document.querySelectorAll(s)].pop()?.textContent ?? "").replace(/\s+/g, "") === want,
      [sel.botBubbles, squash(expected)],
      { timeout: 10_000 },
    );
    await waitForIdle(page);
    await screenshot(page, "demo-system-prompt");
    assertNoConsoleErrors(assert, app.browser);
  });
});

describe("options: a reply's option buttons send their value", () => {
  const app = appInBrowser("options");
  it("example card, then an option", async () => {
    const page = app.page;
    await page.locator(sel.examples).first().click();
    await page.waitForSelector("button.option");
    await waitForIdle(page);
    const labels = await page.locator("button.option").allTextContents();
    assert.deepEqual(labels.map((l) => l.trim()), ["Yes", "No"]);
    assert.match(await lastBotText(page), /lambda x: x \+ \d+/);
    await page.locator("button.option", { hasText: "Yes" }).click();
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "Great!", sel.botBubbles);
    const users = await page.locator(sel.userBubbles).allTextContents();
    assert.equal(users.at(-1).trim(), "Yes, that's correct.");
    assert.equal(await page.locator("button.option").count(), 0, "options belong to the last assistant message only");
    assertNoConsoleErrors(assert, app.browser);
  });
});

describe("thoughts: a pending thought with a spinner, then done and closed", () => {
  const app = appInBrowser("thoughts");
  it("streams the thought, then the answer", async () => {
    const page = app.page;
    await send(page, "Why?");
    await page.waitForSelector(".thought.pending .spinner", { timeout: 5000 });
    assert.match(await page.locator(".thought-title").first().textContent(), /Thinking step-by-step/);
    assert.equal(await page.locator(".thought-title").first().getAttribute("aria-expanded"), "true");
    await page.waitForFunction((s) => /Based on my thoughts/.test([...document.querySelectorAll(s)].pop()?.textContent ?? ""), sel.botBubbles, { timeout: 10_000 });
    await waitForIdle(page);
    assert.equal(await page.locator(".thought .spinner").count(), 0);
    assert.equal(await page.locator(".thought-title").first().getAttribute("aria-expanded"), "false", "done thoughts close");
    assert.match(await page.locator(".thought-title").first().textContent(), /\(\d(\.\d)?s\)/);
    await screenshot(page, "demo-thoughts");
  });
});

describe("nested_thoughts: sub-thoughts under their parent", () => {
  const app = appInBrowser("nested_thoughts");
  it("nests by parent_id", async () => {
    const page = app.page;
    await page.locator(sel.examples).first().click();
    await page.waitForFunction((s) => /60 degrees and sunny/.test([...document.querySelectorAll(s)].pop()?.textContent ?? ""), sel.botBubbles, { timeout: 15_000 });
    await waitForIdle(page);
    // Open the tool thought: its children are inside it, and "I will try again" inside sunny.org.
    const tool = page.locator(".thought", { has: page.locator(".thought-title", { hasText: "Using Weather Tool" }) }).first();
    await tool.locator(".thought-title").first().click();
    const inner = await tool.locator(".thought-title").allTextContents();
    assert.ok(inner.some((t) => t.includes("Checking weather.com")), inner.join(" | "));
    assert.ok(inner.some((t) => t.includes("Checking sunny.org")), inner.join(" | "));
    await screenshot(page, "demo-nested-thoughts");
  });
});

describe("validator: a refused message stays in the box", () => {
  const app = appInBrowser("validator");
  it("'error' is refused, 'ok' streams", async () => {
    const page = app.page;
    await send(page, "error");
    await page.waitForSelector(".validation-message");
    assert.equal((await page.locator(".validation-message").textContent()).trim(), "Can't be error");
    assert.equal(await page.locator(sel.input).inputValue(), "error");
    assert.equal(await page.locator(sel.userBubbles).count(), 0);
    await send(page, "ok");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: ok", sel.botBubbles);
  });
});

describe("streaming_echo: flagging and the history sidebar", () => {
  const dir = mkdtempSync(join(tmpdir(), "gr-flags-"));
  const app = appInBrowser("streaming_echo", undefined, { cwd: dir });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, ".gradio", "flagged", "log.csv");
  const rows = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\r\n") : []);

  it("Like writes one row; the flag menu is keyboard reachable", async () => {
    const page = app.page;
    await send(page, "hi");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: hi", sel.botBubbles);
    await waitForIdle(page);
    await page.locator('button[aria-label="Like"]').last().click();
    await page.waitForFunction(() => true);
    for (let i = 0; i < 100 && rows().length < 2; ++i) await new Promise((r) => setTimeout(r, 50));
    assert.equal(rows()[0], "conversation,index,value,flag,timestamp");
    assert.equal(rows().length, 2);
    assert.match(rows()[1], /,Like,/);
    // The custom options: focus the flag button, open with Enter, pick with the arrows.
    const more = page.locator('button[aria-label^="More feedback"]').last();
    await more.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector('[role="menu"]');
    const options = await page.locator('[role="menu"] .feedback-option').allTextContents();
    assert.deepEqual(options.map((o) => o.trim()), ["Spam", "Inappropriate", "Other"]);
    await page.locator('[role="menu"] .feedback-option', { hasText: "Spam" }).press("Enter");
    for (let i = 0; i < 100 && rows().length < 3; ++i) await new Promise((r) => setTimeout(r, 50));
    assert.equal(rows().length, 3, "one row per click (Gradio logs custom options twice)");
    assert.match(rows()[2], /,Spam,/);
    const width = rows()[0].split(",").length;
    assert.equal(width, 5);
  });

  it("the conversation is listed, reopened, and survives a reload and a server restart", async () => {
    const page = app.page;
    const list = page.locator(".dataset tr[tabindex], .dataset [role=listitem] button");
    await page.waitForFunction(() => /hi/.test(document.querySelector(".dataset")?.textContent ?? ""));
    await page.getByRole("button", { name: /New chat/ }).click();
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 0, sel.botBubbles);
    await list.first().click();
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: hi", sel.botBubbles);
    // A new server process: Gradio's would have lost the history (new secret).
    await app.server.stop({ keepFront: true });
    app.server = await startExample("streaming_echo", { cwd: dir, port: app.server.port, front: app.server.front });
    await page.reload();
    await page.waitForFunction(() => /hi/.test(document.querySelector(".dataset")?.textContent ?? ""), null, { timeout: 10_000 });
    await page.locator(".dataset tr[tabindex], .dataset [role=listitem] button").first().click();
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: hi", sel.botBubbles);
    await screenshot(page, "demo-streaming-echo-history");
  });
});

describe("parameters: everything at once", () => {
  const dir = mkdtempSync(join(tmpdir(), "gr-params-"));
  const app = appInBrowser("parameters", undefined, { cwd: dir });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("title, description, placeholder, panel layout, text buttons, max_length", async () => {
    const page = app.page;
    assert.match(await page.locator("h1").first().textContent(), /Every parameter/);
    assert.match(await page.locator(".placeholder").textContent(), /Ask me anything/);
    assert.equal(await page.locator(sel.input).getAttribute("maxlength"), "500");
    assert.equal((await page.locator(sel.submit).textContent()).trim(), "Send");
    assert.equal(await page.title(), "Every parameter");
  });

  it("the examples table fills the message and the inputs", async () => {
    const page = app.page;
    // Labelled examples show as a gallery of their labels.
    await page.locator(".dataset").getByText("Story").click();
    await page.waitForFunction((s) => document.querySelector(s)?.value === "Tell me a story", sel.input);
    await page.locator(".accordion-head").click();
    const prompt = page.locator(".accordion-body .field textarea").first();
    assert.equal(await prompt.inputValue(), "Be long.");
  });

  it("edit a sent message: the conversation is cut there and fn runs again", async () => {
    const page = app.page;
    await page.locator(sel.input).fill("first");
    await page.locator(sel.input).press("Enter");
    await page.waitForFunction((s) => /You said: first/.test([...document.querySelectorAll(s)].pop()?.textContent ?? ""), sel.botBubbles, { timeout: 15_000 });
    await waitForIdle(page);
    await page.locator('.msg-group.user button[aria-label="Edit"]').last().click();
    const area = page.locator(".msg-group.user textarea").last();
    await area.fill("second");
    await area.press("Control+Enter");
    await page.waitForFunction((s) => /You said: second/.test([...document.querySelectorAll(s)].pop()?.textContent ?? ""), sel.botBubbles, { timeout: 15_000 });
    const users = (await page.locator(sel.userBubbles).allTextContents()).map((t) => t.trim());
    assert.deepEqual(users, ["second"]);
  });

  it("the validator refuses before queueing; toasts appear", async () => {
    const page = app.page;
    await send(page, "something forbidden");
    await page.waitForSelector(".validation-message");
    await page.locator(sel.input).fill("fine");
    await page.locator(sel.input).press("Enter");
    // gr::Info while fn runs, gr::Success at its end.
    await page.waitForFunction(() => [...document.querySelectorAll(".toast")].some((t) => /Answering turn/.test(t.textContent)), null, { timeout: 10_000 });
    await page.waitForFunction(() => [...document.querySelectorAll(".toast")].some((t) => /Done/.test(t.textContent)), null, { timeout: 15_000 });
    await waitForIdle(page, 15_000);
  });

  it("Use via API lists /chat with every parameter; Settings switches the theme", async () => {
    const page = app.page;
    await page.locator("footer").getByRole("button", { name: /Use via API/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const text = await dialog.textContent();
    for (const name of ["/chat", "message", "system_prompt", "temperature", "think", "style"]) assert.ok(text.includes(name), name);
    assert.match(text, /gradio_client/);
    await page.keyboard.press("Escape");
    await page.locator("footer").getByRole("button", { name: /Settings/ }).click();
    await page.locator('input[name="gr-theme"][value="dark"]').check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.keyboard.press("Escape");
    await screenshot(page, "demo-parameters");
    // The validator's refusal is a 422 answer, which Chromium logs; nothing else may fail.
    assert.ok(app.browser.badResponses.every((r) => r.startsWith("422 POST")), JSON.stringify(app.browser.badResponses));
    assertNoConsoleErrors(assert, { ...app.browser, consoleErrors: app.browser.consoleErrors.filter((e) => !/status of 422/.test(e)) });
  });
});

describe("streaming_echo: a long saved conversation", () => {
  const dir = mkdtempSync(join(tmpdir(), "gr-long-"));
  const app = appInBrowser("streaming_echo", undefined, { cwd: dir });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, ".gradio", "flagged", "log.csv");
  const N = 300;
  const text = (i) => (i % 2 === 0 ? `Question number ${i / 2}: how?` : `Answer number ${(i - 1) / 2}: like *this*.`);
  const conversation = Array.from({ length: N }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant", metadata: null, content: [{ type: "text", text: text(i) }], options: null,
  }));
  const bubbles = (page) => page.evaluate(() => [...document.querySelectorAll(".messages > .msg-group .bubble")].map((b) => b.textContent.trim()));

  it("opens at its end; scrolling up reveals every earlier message without moving the view", async () => {
    const page = app.page;
    await page.evaluate((v) => localStorage.setItem("_saved_conversations_0", v), JSON.stringify([conversation]));
    await page.reload();
    await page.locator(".dataset").getByText("Question number 0").first().click();
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "Answer number 149: like this.", sel.botBubbles);
    // Only the latest part is in the page.
    const shown = await bubbles(page);
    assert.ok(shown.length < 100, `${shown.length} groups rendered`);
    assert.equal(shown.at(-1), "Answer number 149: like this.");
    for (let step = 0; step < 20 && !(await bubbles(page))[0].startsWith("Question number 0:"); step++) {
      const r = await page.evaluate(async () => {
        const count = () => document.querySelectorAll(".messages > .msg-group").length;
        const scroller = document.querySelector(".chatbot .scroller");
        const top = document.querySelector(".messages > .msg-group");
        scroller.scrollTop = 0;
        const before = top.getBoundingClientRect().top;
        const n = count();
        for (let i = 0; i < 100 && count() === n; i++) await new Promise((res) => setTimeout(res, 20));
        await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
        return { n, after: count(), moved: top.getBoundingClientRect().top - before };
      });
      assert.ok(r.after > r.n, `scrolling to the top reveals earlier messages (${r.n} → ${r.after})`);
      assert.ok(Math.abs(r.moved) <= 2, `the message at the top stays in place (moved ${r.moved}px)`);
    }
    assert.deepEqual(await bubbles(page), conversation.map((m) => m.content[0].text.replace(/\*/g, "")));
  });

  it("a new message goes to the end; its events carry the index in the whole conversation", async () => {
    const page = app.page;
    await send(page, "hello");
    await page.waitForFunction((s) => [...document.querySelectorAll(s)].pop()?.textContent.trim() === "You typed: hello", sel.botBubbles);
    await waitForIdle(page);
    const shown = await bubbles(page);
    assert.ok(shown.length < 100, `${shown.length} groups rendered after sending`);
    assert.deepEqual(shown.slice(-3), ["Answer number 149: like this.", "hello", "You typed: hello"]);
    const gap = await page.evaluate(() => {
      const s = document.querySelector(".chatbot .scroller");
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    });
    assert.ok(gap < 48, `scrolled to the end (${gap}px above it)`);
    await page.locator('button[aria-label="Like"]').last().click();
    const rows = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\r\n") : []);
    for (let i = 0; i < 100 && rows().length < 2; ++i) await new Promise((r) => setTimeout(r, 50));
    assert.match(rows()[1], new RegExp(`,${N + 1},`), rows()[1]);
    assertNoConsoleErrors(assert, app.browser);
  });
});
