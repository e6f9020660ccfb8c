// The web UI behind Debian's nginx: three replicas of streaming_echo under the sub-path
// /chat-app (GRADIO_ROOT_PATH), with client affinity (hash $remote_addr consistent). The page,
// its config and its queue traffic all go through the proxy, under the sub-path; a streamed
// reply arrives piece by piece; a reload keeps working. nginx.conf: compat/nginx.mjs.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startProxiedReplicas } from "../compat/nginx.mjs";
import { assertNoConsoleErrors, examplePath, lastBotText, openBrowser, screenshot, sel, send, waitForIdle } from "./harness.mjs";

/** Sends `message` and checks the reply streams in (a strict prefix first), then is whole. */
async function streamedReply(page, message) {
  const final = "You typed: " + message;
  const bots = await page.locator(sel.botBubbles).count(); // this reply's bubble is the next one
  await send(page, message);
  const partial = await page.waitForFunction(
    ([s, n, full]) => {
      const all = document.querySelectorAll(s);
      const t = all.length > n ? all[all.length - 1].textContent.trim() : "";
      return t.startsWith("You typed: ") && t !== full ? t : false;
    },
    [sel.botBubbles, bots, final],
    { timeout: 10_000, polling: 10 },
  );
  assert.ok(final.startsWith(await partial.jsonValue()), await partial.jsonValue());
  await page.waitForFunction(
    ([s, n, full]) => {
      const all = document.querySelectorAll(s);
      return all.length > n && all[all.length - 1].textContent.trim() === full;
    },
    [sel.botBubbles, bots, final],
    { timeout: 15_000 },
  );
  await waitForIdle(page);
  assert.equal(await lastBotText(page), final);
}

describe("streaming_echo x3 behind nginx at /chat-app, in the browser", { timeout: 120_000 }, () => {
  let app;
  let b;

  before(async () => {
    app = await startProxiedReplicas(examplePath("streaming_echo"), { count: 3, prefix: "/chat-app" });
    b = await openBrowser();
  });

  after(async () => {
    await b?.close();
    await app?.stop();
  });

  it("loads under the sub-path, streams a reply through the proxy, and works after a reload", async () => {
    const { page } = b;
    const base = `${app.url}/`; // http://127.0.0.1:<nginx port>/chat-app/
    await page.goto(base);
    await page.waitForSelector(sel.input);
    await streamedReply(page, "through the proxy, one character at a time");
    await screenshot(page, "proxy-streaming_echo");

    await page.reload();
    await page.waitForSelector(sel.input);
    await streamedReply(page, "after a reload");

    // Everything the page asked for went to nginx, under /chat-app/ (never to a replica directly).
    const fetched = b.requests.filter((u) => !u.startsWith("data:") && !u.startsWith("blob:"));
    const outside = fetched.filter((u) => !u.startsWith(base));
    assert.deepEqual(outside, [], `requests outside ${base}`);
    for (const path of ["config", "gradio_api/queue/join", "gradio_api/queue/data"]) {
      assert.ok(fetched.some((u) => u.startsWith(base + path)), `no request to ${base + path}:\n${fetched.join("\n")}`);
    }
    assert.deepEqual(b.badResponses, []);
    assertNoConsoleErrors(assert, b);
    const log = app.nginx.accessLog();
    assert.match(log, /"POST \/chat-app\/gradio_api\/queue\/join HTTP\/1\.1" 200 upstream=127\.0\.0\.1:\d+/, log);
    // Affinity: one browser (one address), one replica for every request nginx logged so far.
    const upstreams = new Set([...log.matchAll(/ upstream=(\S+) /g)].map((m) => m[1]));
    assert.equal(upstreams.size, 1, log);
  });
});
