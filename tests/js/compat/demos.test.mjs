// Gradio's ChatInterface demos ported to C++ (examples/), called with the real @gradio/client:
// the same /chat API description and outputs as the Python originals recorded from Gradio 6.25.0
// (/work/shared/reference/gradio-6.25.0/demos/).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@gradio/client";

import { exampleBinary, startServer, withTimeout } from "./server.mjs";

async function collect(job, ms, what) {
  const events = [];
  await withTimeout((async () => {
    // The client edits one data object in place as diffs arrive: keep a copy of each step.
    for await (const ev of job) events.push(structuredClone(ev));
  })(), ms, what);
  return events;
}
const dataOf = (events) => events.filter((e) => e.type === "data").map((e) => e.data);

/** Runs `body(client)` against a fresh server of example `name`. */
function withDemo(name, body) {
  describe(`${name} with @gradio/client`, { timeout: 60_000 }, () => {
    const ctx = {};
    before(async () => {
      ctx.server = await startServer(exampleBinary(name));
      ctx.client = await withTimeout(Client.connect(ctx.server.url), 10_000, "Client.connect");
    });
    after(async () => {
      ctx.client?.close();
      await ctx.server?.stop();
    });
    body(ctx);
  });
}

withDemo("system_prompt", (ctx) => {
  test("view_api shows message, system_prompt and tokens with their defaults", async () => {
    const api = await ctx.client.view_api();
    const visible = api.named_endpoints["/chat"].parameters.filter((p) => !p.hidden);
    assert.deepEqual(visible.map((p) => p.parameter_name), ["message", "system_prompt", "tokens"]);
    assert.deepEqual(visible.map((p) => p.parameter_has_default), [false, true, true]);
    assert.deepEqual(visible.map((p) => p.parameter_default), [null, "You are helpful AI.", 10]);
    assert.deepEqual(visible.map((p) => p.component), ["Textbox", "Textbox", "Slider"]);
    assert.deepEqual(visible.map((p) => p.label), ["", "System Prompt", "parameter_1"]);
    assert.equal(visible[2].python_type.type, "float");
  });
  test("the recorded call: [hi, You are a pirate., 30]", async () => {
    const events = await collect(ctx.client.submit("/chat", ["hi", "You are a pirate.", 30]), 20_000, "submit");
    const data = dataOf(events);
    assert.deepEqual(data.at(-1), ["System prompt: You are a pirat"]);
    assert.ok(data.length > 2, "it streams");
  });
  test("keyword call with the system prompt left at its default", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", { message: "hi", tokens: 25 }), 20_000, "predict");
    assert.deepEqual(result.data, ["System prompt: You are he"]);
  });
});

withDemo("options", (ctx) => {
  test("a ChatMessage with options comes back as Gradio's dict", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", ["Write an example Python lambda function."]), 10_000, "predict");
    const [reply] = result.data;
    assert.equal(reply.role, "assistant");
    assert.deepEqual(reply.metadata, {});
    assert.deepEqual(reply.options, [{ value: "Yes, that's correct.", label: "Yes" }, { value: "No" }]);
    assert.match(reply.content, /^\nHere's an example Python lambda function:\n\nlambda x: x \+ \d+\n\nIs this correct\?\n$/);
    const yes = await withTimeout(ctx.client.predict("/chat", ["Yes, that's correct."]), 10_000, "predict");
    assert.deepEqual(yes.data, ["Great!"]);
  });
});

withDemo("thoughts", (ctx) => {
  test("a pending thought grows, is marked done, then the answer follows", async () => {
    const events = await collect(ctx.client.submit("/chat", ["Why?"]), 20_000, "submit");
    const data = dataOf(events);
    assert.deepEqual(data[0], [{ content: "", role: "assistant", metadata: { title: "_Thinking_ step-by-step", id: 0, status: "pending" }, options: [] }]);
    const last = data.at(-1)[0];
    assert.equal(last.length, 2);
    assert.equal(last[0].metadata.status, "done");
    assert.ok(last[0].metadata.duration > 1.5);
    assert.match(last[1].content, /^Based on my thoughts/);
  });
});

withDemo("nested_thoughts", (ctx) => {
  test("nested thoughts carry id and parent_id", async () => {
    const events = await collect(ctx.client.submit("/chat", ["What is the weather in San Francisco right now?"]), 20_000, "submit");
    const last = dataOf(events).at(-1)[0];
    assert.deepEqual(last.map((m) => m.metadata.parent_id ?? null), [null, null, 1, 1, 3, null]);
    assert.deepEqual(last.map((m) => m.metadata.id ?? null), [null, 1, 2, 3, 4, null]);
    assert.deepEqual(last.map((m) => m.metadata.status ?? null), [null, "done", null, "done", null, null]);
  });
});

withDemo("validator", (ctx) => {
  test("a valid message streams", async () => {
    const events = await collect(ctx.client.submit("/chat", ["ok"]), 20_000, "submit");
    assert.deepEqual(dataOf(events).at(-1), ["You typed: ok"]);
  });
});
