// Browser tests of multimodal chat: an image attached by the paperclip button, by drag and drop
// and by paste is uploaded, sent, shown in the user's bubble and listed in fn's reply
// (echo_multimodal); media replies show their players (media_replies).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assertNoConsoleErrors, offMachine, openBrowser, REPO_ROOT, screenshot, sel, startExample } from "./harness.mjs";

const PNG = readFileSync(join(REPO_ROOT, "examples/media/sun.png"));
const box = {
  area: ".mm-box textarea",
  attach: "button.mm-attach",
  thumbs: "li.mm-thumb",
  done: 'li.mm-thumb[data-status="done"]',
  remove: "button.mm-remove",
};

async function waitForIdle(page, timeout = 10000) {
  await page.waitForFunction(
    (s) => !document.querySelector(s.area).disabled && !document.querySelector(s.pending) && !document.querySelector(s.stop),
    { area: box.area, pending: sel.pending, stop: sel.stop },
    { timeout },
  );
}

/** Sends what is in the box, then waits for the reply (the `turn`-th bot group) to finish. */
async function sendAndWait(page, text, turn) {
  await page.locator(box.area).fill(text);
  await page.locator(box.area).press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".msg-group.bot:not(.pending)").length >= n, turn);
  await waitForIdle(page);
}

/** The image elements of the last user bubble group, with whether they loaded. */
async function userImages(page) {
  return page.evaluate(() => {
    const groups = document.querySelectorAll(".msg-group.user");
    const last = groups[groups.length - 1];
    return [...(last?.querySelectorAll("img") ?? [])].map((img) => ({ src: img.getAttribute("src"), loaded: img.naturalWidth > 0 }));
  });
}

describe("echo_multimodal in the browser", () => {
  let server;
  let b;

  before(async () => {
    server = await startExample("echo_multimodal");
    b = await openBrowser();
    await b.page.goto(server.url);
    await b.page.waitForSelector(box.area);
  });

  after(async () => {
    await b?.close();
    await server?.stop();
  });

  it("attaches an image with the paperclip button, sends it, and sees it in both bubbles", async () => {
    const { page } = b;
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click(box.attach)]);
    await chooser.setFiles({ name: "sun.png", mimeType: "image/png", buffer: PNG });
    await page.waitForSelector(box.done);
    assert.equal(await page.locator(box.thumbs).getAttribute("title"), "sun.png");
    await screenshot(page, "multimodal-attached");
    await sendAndWait(page, "a sun", 1);
    await page.waitForFunction(() => [...document.querySelectorAll(".msg-group.user img")].some((i) => i.naturalWidth > 0));
    const images = await userImages(page);
    assert.equal(images.length, 1);
    assert.ok(images[0].loaded, "the uploaded image is served back");
    assert.match(images[0].src, /\/gradio_api\/file=/);
    assert.match(await page.locator(".msg-group.bot").last().textContent(), /You wrote: 'a sun' and uploaded:/);
    const pills = page.locator(".msg-group.bot .component-file a.file-pill");
    assert.equal(await pills.count(), 1);
    assert.match(await pills.first().textContent(), /sun\.png/);
    // The reply's file downloads with its content.
    const href = await pills.first().getAttribute("href");
    const fetched = await page.evaluate(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer()).length, href);
    assert.equal(fetched, PNG.length);
    assert.equal(await page.locator(box.thumbs).count(), 0, "the box is empty again");
    await screenshot(page, "multimodal-sent");
  });

  it("attaches images dropped onto the input and removes one with its ✕", async () => {
    const { page } = b;
    const data = [...PNG];
    await page.evaluate(([bytes, selector]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
      dt.items.add(new File(["not kept"], "extra.png", { type: "image/png" }));
      const target = document.querySelector(selector);
      for (const type of ["dragenter", "dragover", "drop"])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [data, ".mm-box"]);
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, box.done);
    await page.locator('button.mm-remove[aria-label="Remove extra.png"]').click();
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, box.thumbs);
    await sendAndWait(page, "dropped", 2);
    const images = await userImages(page);
    assert.equal(images.length, 1);
    const pills = page.locator(".msg-group.bot").last().locator(".component-file a.file-pill");
    assert.equal(await pills.count(), 1);
    assert.match(await pills.first().textContent(), /dropped\.png/);
  });

  it("attaches a pasted image, and long pasted text as pasted_text.txt", async () => {
    const { page } = b;
    const data = [...PNG];
    await page.locator(box.area).focus();
    await page.evaluate(([bytes, selector]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], "clipboard.png", { type: "image/png" }));
      document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    }, [data, box.area]);
    await page.waitForSelector(box.done);
    await page.evaluate((selector) => {
      const dt = new DataTransfer();
      dt.setData("text/plain", "long text ".repeat(200));
      document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    }, box.area);
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, box.done);
    assert.equal(await page.locator(box.area).inputValue(), "", "the long text did not go into the box");
    assert.deepEqual(await page.locator(box.thumbs).evaluateAll((els) => els.map((e) => e.getAttribute("title"))),
      ["clipboard.png", "pasted_text.txt"]);
    await sendAndWait(page, "pasted", 3);
    assert.equal((await userImages(page)).length, 1);
    const names = await page.locator(".msg-group.bot").last().locator(".component-file a.file-pill").allTextContents();
    assert.equal(names.length, 2);
    assert.match(names.join(" "), /clipboard\.png/);
    assert.match(names.join(" "), /pasted_text\.txt/);
    assertNoConsoleErrors(assert, b);
    assert.deepEqual(offMachine(b.requests), []);
  });
});

describe("media_replies in the browser", () => {
  let server;
  let b;

  before(async () => {
    server = await startExample("media_replies");
    b = await openBrowser();
    await b.page.goto(server.url);
    await b.page.waitForSelector(sel.input);
  });

  after(async () => {
    await b?.close();
    await server?.stop();
  });

  it("shows an image, audio and video players, a file pill, HTML and code", async () => {
    const { page } = b;
    await page.locator(sel.input).fill("media, please");
    await page.locator(sel.input).press("Enter");
    await page.waitForSelector(".component-code pre code", { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector(".component-image img")?.naturalWidth > 0);
    assert.equal(await page.locator(".component-image img").getAttribute("alt"), "A yellow sun on a blue sky");
    await page.waitForFunction(() => document.querySelector(".component-audio audio")?.readyState >= 1);
    await page.waitForFunction(() => document.querySelector(".component-video video")?.readyState >= 1);
    assert.match(await page.locator(".component-file a.file-pill").textContent(), /notes\.txt/);
    assert.equal(await page.locator(".component-html b").textContent(), "HTML");
    assert.match(await page.locator(".component-code pre code").textContent(), /int main/);
    await screenshot(page, "media-replies");
    assertNoConsoleErrors(assert, b);
  });
});

describe("multimodal_bot in the browser", () => {
  let server;
  let b;

  before(async () => {
    server = await startExample("multimodal_bot");
    // A fake microphone (a beep) that needs no permission prompt.
    b = await openBrowser({ args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] });
    await b.page.goto(server.url);
    await b.page.waitForSelector(box.area);
  });

  after(async () => {
    await b?.close();
    await server?.stop();
  });

  it("shows the example's image on its card, and a click sends it", async () => {
    const { page } = b;
    await page.waitForFunction(() => document.querySelector("button.example img.example-thumb")?.naturalWidth > 0);
    await page.locator("button.example").first().click();
    await page.waitForFunction(() => document.querySelectorAll(".msg-group.bot:not(.pending)").length === 1);
    await waitForIdle(page);
    assert.equal((await userImages(page)).filter((i) => i.loaded).length, 1);
    assert.equal((await page.locator(".msg-group.bot").last().textContent()).trim(), "text: Describe this; files: sun.png (image/png)");
  });

  it("refuses a file of another type, naming it", async () => {
    const { page } = b;
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click(box.attach)]);
    await chooser.setFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("text") });
    await page.waitForSelector(".toast");
    assert.match(await page.locator(".toast").last().textContent(), /notes\.txt/);
    assert.equal(await page.locator(box.thumbs).count(), 0);
  });

  it("records from the microphone and sends the clip as audio", async () => {
    const { page } = b;
    await page.click("button.mm-mic");
    await page.waitForSelector(".mm-recorder");
    await page.waitForTimeout(700);
    await page.click('button[aria-label="Attach recording"]');
    await page.waitForSelector(box.done);
    assert.match(await page.locator(box.thumbs).getAttribute("title"), /^recording-.*\.webm$/);
    await sendAndWait(page, "listen", 2);
    assert.match(await page.locator(".msg-group.bot").last().textContent(), /files: recording-.*\.webm \(audio\/webm\)/);
    await page.waitForFunction(() => document.querySelector(".msg-group.user audio")?.readyState >= 1);
  });
});
