// launch() under SIGTERM / SIGINT: a graceful drain (new events refused with 503, running
// replies finish), a second signal stops at once, and the process exits 0.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { exampleBinary, startServer } from "./server.mjs";

// Starts a streamed reply of `text` (streaming_echo: 50 ms a character) over the curl flow and
// reads its first message, so the coroutine is running when the test sends a signal.
async function startReply(server, text) {
  const post = await fetch(`${server.url}/gradio_api/call/chat`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ data: [text] }),
  });
  const { event_id } = await post.json();
  const res = await fetch(`${server.url}/gradio_api/call/chat/${event_id}`);
  const reader = res.body.getReader();
  await reader.read();
  return reader;
}

async function readAll(reader) {
  let text = "";
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ done: true }));
    if (done) return text;
    text += new TextDecoder().decode(value);
  }
}

describe("signals", { timeout: 60_000 }, () => {
  for (const signal of ["SIGTERM", "SIGINT"]) {
    test(`${signal} drains: new events get 503, the running reply finishes, exit 0`, async () => {
      const server = await startServer(exampleBinary("streaming_echo"));
      try {
        const message = "drain me please, all forty characters ok";
        const reader = await startReply(server, message);
        const exited = new Promise((resolve) => server.proc.once("exit", (code, sig) => resolve({ code, sig })));
        server.proc.kill(signal);
        await new Promise((r) => setTimeout(r, 200));
        const refused = await fetch(`${server.url}/gradio_api/call/chat`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ data: ["too late"] }),
        });
        assert.equal(refused.status, 503);
        assert.match((await refused.json()).detail, /shutting down/);
        assert.ok(refused.headers.get("retry-after"));
        const text = await readAll(reader);
        assert.match(text, /event: complete/);
        assert.ok(text.includes(JSON.stringify(message).slice(1, -1)), `the whole reply arrived:\n${text.slice(-300)}`);
        const { code, sig } = await exited;
        assert.equal(sig, null, `killed by ${sig} instead of exiting`);
        assert.equal(code, 0);
        assert.match(server.output(), /\* Stopped\.\n/);
      } finally {
        await server.stop();
      }
    });
  }

  test("a second signal stops at once, cancelling what still runs", async () => {
    const server = await startServer(exampleBinary("streaming_echo"));
    try {
      const reader = await startReply(server, "x".repeat(400)); // 20 s of streaming
      const exited = new Promise((resolve) => server.proc.once("exit", (code, sig) => resolve({ code, sig })));
      server.proc.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      const sentAt = Date.now();
      server.proc.kill("SIGTERM");
      const { code, sig } = await exited;
      const tookMs = Date.now() - sentAt;
      await readAll(reader); // the open stream ends rather than hanging
      assert.equal(sig, null, `killed by ${sig} instead of exiting`);
      assert.equal(code, 0);
      assert.ok(tookMs < 2000, `took ${tookMs} ms to stop after the second signal`);
      assert.match(server.output(), /replies still running were cancelled/);
    } finally {
      await server.stop();
    }
  });
});
