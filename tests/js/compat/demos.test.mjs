// Gradio's ChatInterface demos ported to C++ (examples/), called with the real @gradio/client:
// the same /chat API description and outputs as the Python originals recorded from Gradio 6.25.0
// (/work/shared/reference/gradio-6.25.0/demos/).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, handle_file } from "@gradio/client";

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

// The multimodal demos: @gradio/client uploads what handle_file wraps (POST /gradio_api/upload),
// then calls /chat with the server paths, exactly as it does against Gradio.
withDemo("echo_multimodal", (ctx) => {
  test("view_api describes message as MultimodalData with a default", async () => {
    const api = await ctx.client.view_api();
    const [message] = api.named_endpoints["/chat"].parameters;
    assert.equal(message.parameter_name, "message");
    assert.equal(message.component, "Multimodaltextbox");
    assert.deepEqual(message.parameter_default, { text: "", files: [] });
    assert.equal(message.python_type.type, "dict(text: str, files: list[filepath])");
  });
  test("the recorded call: no files", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", [{ text: "no files", files: [] }]), 10_000, "predict");
    assert.deepEqual(result.data, [["You wrote: 'no files' and uploaded:"]]);
  });
  test("handle_file uploads two files and the reply lists them as files", async () => {
    const png = new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: "image/png" });
    const text = Buffer.from("hello from node");
    const result = await withTimeout(
      ctx.client.predict("/chat", { message: { text: "two", files: [handle_file(png), handle_file(text)] } }),
      15_000, "predict");
    const [reply] = result.data;
    assert.equal(reply[0], "You wrote: 'two' and uploaded:");
    assert.equal(reply.length, 3);
    for (const file of reply.slice(1)) {
      assert.equal(file.meta._type, "gradio.FileData");
      assert.match(file.url, /\/gradio_api\/file=/);
    }
    const fetched = await fetch(reply[2].url);
    assert.equal(fetched.status, 200);
    assert.equal(await fetched.text(), "hello from node");
  });
});

withDemo("save_history", (ctx) => {
  test("the recorded call", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", [{ text: "hi", files: [] }]), 10_000, "predict");
    assert.deepEqual(result.data, ["You wrote: 'hi' and uploaded: 0 files"]);
  });
  test("a file uploaded with handle_file is counted", async () => {
    const result = await withTimeout(
      ctx.client.predict("/chat", [{ text: "one", files: [handle_file(new Blob(["abc"], { type: "text/plain" }))] }]), 15_000, "predict");
    assert.deepEqual(result.data, ["You wrote: 'one' and uploaded: 1 files"]);
  });
});

withDemo("media_replies", (ctx) => {
  test("the reply streams an image, audio, a video, a file, HTML and code", async () => {
    const events = await collect(ctx.client.submit("/chat", ["media"]), 20_000, "submit");
    const last = dataOf(events).at(-1)[0];
    assert.equal(last.length, 7);
    assert.deepEqual(last.slice(1, 5).map((f) => f.mime_type), ["image/png", "audio/wav", "video/webm", "text/plain"]);
    assert.equal(last[5].component, "html");
    assert.equal(last[6].component, "code");
    const image = await fetch(last[1].url);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get("content-type"), "image/png");
    assert.deepEqual(new Uint8Array(await image.arrayBuffer()).slice(0, 4), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]));
  });
});

// Blocks demos (issue 9): ChatInterface inside a page.
withDemo("artifacts", (ctx) => {
  test("/chat returns both outputs: the reply and the Code update", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", { message: "python" }), 10_000, "predict");
    assert.equal(result.data.length, 2, JSON.stringify(result.data));
    assert.equal(result.data[0], "Type Python or JavaScript to see the code.");
    const code = result.data[1];
    assert.equal(code.__type__, "update");
    assert.equal(code.language, "python");
    assert.match(code.value, /def fib\(n\):/);
  });
  test("a message about neither clears the pane (null)", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", ["hello"]), 10_000, "predict");
    assert.deepEqual(result.data, ["Please ask about Python or JavaScript.", null]);
  });
});

withDemo("prefill", (ctx) => {
  test("view_api lists /chat and /prefill_chatbot(choice) like Gradio's", async () => {
    const api = await ctx.client.view_api();
    assert.deepEqual(Object.keys(api.named_endpoints).sort(), ["/chat", "/prefill_chatbot"]);
    const choice = api.named_endpoints["/prefill_chatbot"].parameters;
    assert.deepEqual(choice.map((p) => p.parameter_name), ["choice"]);
    assert.equal(choice[0].component, "Radio");
    assert.equal(choice[0].python_type.type, "Literal['Greeting', 'Complaint', 'Blank']");
  });
  test("/prefill_chatbot runs (its output is the chat's State) and /chat answers yes or no", async () => {
    const prefilled = await withTimeout(ctx.client.predict("/prefill_chatbot", { choice: "Greeting" }), 10_000, "prefill");
    assert.deepEqual(prefilled.data, []);
    const result = await withTimeout(ctx.client.predict("/chat", ["hi"]), 10_000, "predict");
    assert.ok(["Yes", "No"].includes(result.data[0]), JSON.stringify(result.data));
  });
});

withDemo("custom_chatbot", (ctx) => {
  test("/chat says yes; /vote takes LikeData as event data", async () => {
    const result = await withTimeout(ctx.client.predict("/chat", ["Am I right?"]), 10_000, "predict");
    assert.deepEqual(result.data, ["yes"]);
    const events = await collect(ctx.client.submit("/vote", [], { index: 1, value: ["yes"], liked: true }), 10_000, "vote");
    assert.deepEqual(dataOf(events), [[]], JSON.stringify(events));
    const deadline = Date.now() + 5000;
    while (!/You upvoted this response: yes/.test(ctx.server.output()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(ctx.server.output(), /You upvoted this response: yes/);
  });
});
