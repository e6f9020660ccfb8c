// The OpenAI-compatible API (LaunchOptions::openai_api) called with the real `openai` npm
// client: models, a whole completion, a streamed one, errors in OpenAI's format, and a client
// that aborts mid-stream (the chat fn stops).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

import { startServer, testApp, withTimeout } from "./server.mjs";

describe("OpenAI-compatible API with the openai client", { timeout: 60_000 }, () => {
  let server;
  let client;
  before(async () => {
    server = await startServer(testApp("openai_bot"));
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0, timeout: 10_000 });
  });
  after(async () => {
    await server?.stop();
  });

  test("models lists the chat endpoint", async () => {
    const models = [];
    for await (const m of await client.models.list()) models.push(m.id);
    assert.deepEqual(models, ["chat"]);
  });

  test("a whole completion: messages become history and message", async () => {
    const r = await client.chat.completions.create({
      model: "chat",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello" },
        { role: "assistant", content: "Turn 1: hello" },
        { role: "user", content: "how are you" },
      ],
    });
    assert.equal(r.object, "chat.completion");
    assert.equal(r.model, "chat");
    assert.equal(r.choices[0].message.role, "assistant");
    assert.equal(r.choices[0].message.content, "Turn 2: how are you");
    assert.equal(r.choices[0].finish_reason, "stop");
    assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
    assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  });

  test("a streamed completion: deltas add up to the reply, then [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let deltas = 0;
    let finish = null;
    let usage = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta?.content) {
          text += c.delta.content;
          deltas++;
        }
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    assert.equal(text, "Turn 1: one two three four");
    assert.ok(deltas >= 4, `${deltas} deltas`);
    assert.equal(finish, "stop");
    assert.ok(usage && usage.completion_tokens > 0);
  });

  test("an unknown model and a bad message list are OpenAI errors", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "x" }] }),
      (e) => e.status === 404 && e.code === "model_not_found",
    );
    await assert.rejects(
      client.chat.completions.create({ model: "chat", messages: [{ role: "assistant", content: "x" }] }),
      (e) => e.status === 400 && /last message/.test(e.message),
    );
  });

  test("a client that aborts mid-stream stops the chat fn", async () => {
    const controller = new AbortController();
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ");
    const stream = await client.chat.completions.create(
      { model: "chat", messages: [{ role: "user", content: words }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) seen++;
        if (seen === 3) controller.abort();
      }
    } catch {
      // the client reports the abort as an error, or just ends the iteration
    }
    assert.equal(seen, 3);
    await withTimeout(
      (async () => {
        while (!/fn stopped after \d+ words/.test(server.output())) await new Promise((r) => setTimeout(r, 50));
      })(),
      10_000,
      "fn stopping",
    );
    const stoppedAt = Number(server.output().match(/fn stopped after (\d+) words/)[1]);
    assert.ok(stoppedAt < 200, `fn ran to ${stoppedAt} words`);
  });
});
