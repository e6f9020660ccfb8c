// launch() under SIGINT / SIGTERM: a running stream is cut, the process exits 0 promptly.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { exampleBinary, startServer } from "./server.mjs";

async function exitAfter(signal) {
  const server = await startServer(exampleBinary("streaming_echo"));
  try {
    // A long streamed reply over the curl flow, so a stream is open when the signal arrives.
    const post = await fetch(`${server.url}/gradio_api/call/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ data: ["x".repeat(400)] }),
    });
    const { event_id } = await post.json();
    const res = await fetch(`${server.url}/gradio_api/call/chat/${event_id}`);
    const reader = res.body.getReader();
    await reader.read(); // the first generating event: the coroutine is running
    const exited = new Promise((resolve) => server.proc.once("exit", (code, sig) => resolve({ code, sig })));
    const sentAt = Date.now();
    server.proc.kill(signal);
    const { code, sig } = await exited;
    const tookMs = Date.now() - sentAt;
    // The open stream ends rather than hanging.
    let text = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return { code, sig, tookMs, text };
  } finally {
    await server.stop();
  }
}

describe("signals", { timeout: 60_000 }, () => {
  for (const signal of ["SIGINT", "SIGTERM"]) {
    test(`${signal} stops the server cleanly and quickly`, async () => {
      const { code, sig, tookMs } = await exitAfter(signal);
      assert.equal(sig, null, `killed by ${sig} instead of exiting`);
      assert.equal(code, 0);
      assert.ok(tookMs < 2000, `took ${tookMs} ms to stop`);
    });
  }
});
