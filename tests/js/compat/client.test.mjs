// Compatibility of the example servers with the real @gradio/client 2.5.0 and with the
// curl-style /gradio_api/call flow (spec §5, §6, §12.2; recordings in
// /work/shared/reference/gradio-6.25.0/).
//
// Run: cd tests/js && node --test --test-concurrency=1 compat/
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@gradio/client";

import { collect, exampleBinary, startServer, withTimeout } from "./server.mjs";


const dataOf = (events) => events.filter((e) => e.type === "data").map((e) => e.data);
const stagesOf = (events) => events.filter((e) => e.type === "status").map((e) => e.stage);

// ---------------------------------------------------------------------------------------
describe("echo_bot with @gradio/client", { timeout: 60_000 }, () => {
  let server;
  let client;
  before(async () => {
    server = await startServer(exampleBinary("echo_bot"));
    client = await withTimeout(Client.connect(server.url), 10_000, "Client.connect");
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  test("config advertises sse_v3 and the root the client talks to", () => {
    assert.equal(client.config.protocol, "sse_v3");
    assert.equal(client.config.api_prefix, "/gradio_api");
    assert.equal(client.config.root, server.url);
    // the client resolves "/chat" through api_map (api_name -> dependency id)
    assert.equal(client.api_map.chat, client.config.dependencies.find((d) => d.api_name === "chat").id);
  });

  test("view_api() shows /chat with one parameter `message`", async () => {
    const api = await client.view_api();
    assert.deepEqual(Object.keys(api.named_endpoints), ["/chat"]);
    assert.deepEqual(api.unnamed_endpoints, {});
    const chat = api.named_endpoints["/chat"];
    // The client appends a hidden entry for the State input (chatbot_state); the user-visible
    // parameters are the ones without `hidden`.
    const visible = chat.parameters.filter((p) => !p.hidden);
    assert.equal(visible.length, 1, JSON.stringify(chat.parameters));
    assert.equal(visible[0].parameter_name, "message");
    assert.equal(visible[0].component, "Textbox");
    assert.equal(visible[0].parameter_has_default, false);
    assert.ok(chat.parameters.filter((p) => p.hidden).every((p) => p.component === "state"));
    assert.equal(chat.type.generator, false);
    assert.equal(chat.returns.length, 1);
    assert.equal(chat.returns[0].component, "Json");
  });

  test('predict("/chat", ["hello"]) -> ["hello"]', async () => {
    const result = await withTimeout(client.predict("/chat", ["hello"]), 10_000, "predict");
    assert.equal(result.type, "data");
    assert.deepEqual(result.data, ["hello"]);
    assert.equal(result.endpoint, "/chat");
    assert.equal(result.fn_index, client.api_map.chat);
  });

  test('predict("/chat", {message: "hi"}) -> ["hi"]', async () => {
    const result = await withTimeout(client.predict("/chat", { message: "hi" }), 10_000, "predict");
    assert.deepEqual(result.data, ["hi"]);
  });

  test("sequential predicts on one client session, including non-ASCII", async () => {
    for (const msg of ["one", "two", "merhaba dünya ✓", "three"]) {
      const result = await withTimeout(client.predict("/chat", [msg]), 10_000, `predict ${msg}`);
      assert.deepEqual(result.data, [msg]);
    }
  });

  test("submit() emits pending -> complete status and the data", async () => {
    const c = await Client.connect(server.url, { events: ["data", "status"] });
    try {
      const events = await collect(c.submit("/chat", ["hey"]), 10_000, "submit echo");
      assert.deepEqual(dataOf(events), [["hey"]]);
      const stages = stagesOf(events);
      assert.equal(stages[0], "pending");
      assert.equal(stages.at(-1), "complete");
      assert.ok(!stages.includes("error"), `stages: ${stages}`);
    } finally {
      c.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
describe("streaming_echo with @gradio/client", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startServer(exampleBinary("streaming_echo"));
  });
  after(async () => {
    await server?.stop();
  });

  test("submit() streams growing strings ending in the full reply, then completes", async () => {
    const client = await Client.connect(server.url, { events: ["data", "status"] });
    try {
      const events = await collect(client.submit("/chat", ["hello"]), 15_000, "submit stream");
      const data = dataOf(events);
      for (const d of data) assert.equal(d.length, 1, `one output expected (State stripped): ${JSON.stringify(d)}`);
      const texts = data.map((d) => d[0]);
      assert.equal(texts.at(-1), "You typed: hello");
      // the intermediate yields, each a prefix of the next (diffs applied correctly)
      const distinct = texts.filter((t, i) => i === 0 || t !== texts[i - 1]);
      assert.ok(distinct.length >= 3, `at least 2 intermediate values expected: ${JSON.stringify(texts)}`);
      for (let i = 1; i < distinct.length; i++) {
        assert.ok(distinct[i].startsWith(distinct[i - 1]) && distinct[i].length > distinct[i - 1].length,
          `not growing: ${JSON.stringify(texts)}`);
      }
      assert.ok(distinct.every((t) => "You typed: hello".startsWith(t) && t.startsWith("You typed: h")),
        `unexpected values: ${JSON.stringify(texts)}`);
      const stages = stagesOf(events);
      assert.equal(stages[0], "pending");
      assert.ok(stages.includes("generating"), `stages: ${stages}`);
      assert.equal(stages.at(-1), "complete");
      assert.ok(!stages.includes("error"), `stages: ${stages}`);
    } finally {
      client.close();
    }
  });

  test('predict("/chat", ["hello"]) returns the final "You typed: hello"', async () => {
    const client = await Client.connect(server.url);
    try {
      const api = await client.view_api();
      assert.equal(api.named_endpoints["/chat"].type.generator, true);
      const result = await withTimeout(client.predict("/chat", ["hello"]), 15_000, "predict stream");
      assert.deepEqual(result.data, ["You typed: hello"]);
    } finally {
      client.close();
    }
  });

  test("8 clients streaming concurrently each get their own reply", { timeout: 60_000 }, async () => {
    const messages = Array.from({ length: 8 }, (_, i) => `client ${i} says hi`.slice(0, 8 + (i % 3)));
    const clients = await Promise.all(messages.map(() => Client.connect(server.url, { events: ["data", "status"] })));
    try {
      // concurrency_limit 1 (Gradio's default): they queue; ~8 x 0.5 s in total
      const results = await Promise.all(clients.map((c, i) =>
        collect(c.submit("/chat", [messages[i]]), 45_000, `client ${i}`)));
      const sessions = new Set(clients.map((c) => c.session_hash));
      assert.equal(sessions.size, 8);
      results.forEach((events, i) => {
        const texts = dataOf(events).map((d) => d[0]);
        assert.equal(texts.at(-1), `You typed: ${messages[i]}`, `client ${i}: ${JSON.stringify(texts)}`);
        for (const t of texts) {
          assert.ok(`You typed: ${messages[i]}`.startsWith(t), `client ${i} got foreign text ${JSON.stringify(t)}`);
        }
        const stages = stagesOf(events);
        assert.equal(stages.at(-1), "complete", `client ${i} stages ${stages}`);
      });
      // They were queued: at least one client saw a queue position > 0 before starting.
      const positions = results.flatMap((events) =>
        events.filter((e) => e.type === "status" && typeof e.position === "number").map((e) => e.position));
      assert.ok(positions.some((p) => p > 0), `no client was ever queued behind another: ${positions}`);
    } finally {
      clients.forEach((c) => c.close());
    }
  });

  test("job.cancel() after the first data event ends the job within 2 s and frees the worker", async () => {
    const client = await Client.connect(server.url, { events: ["data", "status"] });
    try {
      const long = "x".repeat(400); // 400 x 50 ms = 20 s if not cancelled
      const job = client.submit("/chat", [long]);
      const events = [];
      const iterator = job[Symbol.asyncIterator]();
      // wait for the first data event
      for (;;) {
        const { value, done } = await withTimeout(iterator.next(), 10_000, "first data event");
        assert.ok(!done, `job ended before any data: ${JSON.stringify(events)}`);
        events.push(value);
        if (value.type === "data") break;
      }
      // cancel() = POST /cancel then POST /reset. The server answers with process_completed
      // {"output":{}, "success":true} like Gradio (spec §10.4); client 2.5.0 turns that empty
      // output into an "An Unexpected Error Occurred!" status (and logs a TypeError) — that is
      // the client's own handling of Gradio's cancel message, so only the end of the job and
      // the absence of further text are asserted here.
      const t0 = Date.now();
      await withTimeout(job.cancel(), 2_000, "job.cancel()");
      await withTimeout((async () => {
        for (;;) {
          const { value, done } = await iterator.next();
          if (done) break;
          events.push(value);
        }
      })(), 2_000, "job end after cancel");
      const elapsed = Date.now() - t0;
      assert.ok(elapsed < 2_000, `took ${elapsed} ms`);
      const texts = dataOf(events).map((d) => d?.[0]).filter((t) => typeof t === "string");
      assert.ok(texts.every((t) => t.length < "You typed: ".length + long.length), "reply ran to the end");

      // The cancelled generator must really stop: with concurrency_limit 1 the next event
      // could not start for ~20 s otherwise.
      const next = await withTimeout(client.predict("/chat", ["ok"]), 3_000, "predict after cancel");
      assert.deepEqual(next.data, ["You typed: ok"]);
    } finally {
      client.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
describe("curl-style /gradio_api/call flow (plain fetch)", { timeout: 60_000 }, () => {
  let echo;
  let stream;
  before(async () => {
    [echo, stream] = await Promise.all([
      startServer(exampleBinary("echo_bot")),
      startServer(exampleBinary("streaming_echo")),
    ]);
  });
  after(async () => {
    await Promise.all([echo?.stop(), stream?.stop()]);
  });

  async function postJson(url, body) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { res, text, json };
  }

  async function sseText(url) {
    const res = await withTimeout(fetch(url), 10_000, `GET ${url}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/event-stream/);
    return withTimeout(res.text(), 10_000, `body of ${url}`);
  }

  test('POST /call/chat {"data":["hello"]} then GET -> event: complete ["hello", null]', async () => {
    const { res, json } = await postJson(`${echo.url}/gradio_api/call/chat`, { data: ["hello"] });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.match(json.event_id, /^[0-9a-f]{32}$/);
    const text = await sseText(`${echo.url}/gradio_api/call/chat/${json.event_id}`);
    assert.ok(text.endsWith('event: complete\ndata: ["hello", null]\n\n'), JSON.stringify(text));
    assert.equal(text, 'event: complete\ndata: ["hello", null]\n\n'); // as recorded (echo_03)
  });

  test("POST /call/v2/chat {message} works", async () => {
    const { res, json } = await postJson(`${echo.url}/gradio_api/call/v2/chat`, { message: "hello" });
    assert.equal(res.status, 200);
    assert.match(json.event_id, /^[0-9a-f]{32}$/);
    const text = await sseText(`${echo.url}/gradio_api/call/chat/${json.event_id}`);
    assert.ok(text.endsWith('event: complete\ndata: ["hello", null]\n\n'), JSON.stringify(text));
  });

  test("GET of the v2 path streams the same", async () => {
    const { json } = await postJson(`${echo.url}/gradio_api/call/v2/chat`, { message: "v2" });
    const text = await sseText(`${echo.url}/gradio_api/call/v2/chat/${json.event_id}`);
    assert.ok(text.endsWith('event: complete\ndata: ["v2", null]\n\n'), JSON.stringify(text));
  });

  test("non-ASCII is \\u-escaped like json.dumps", async () => {
    const { json } = await postJson(`${echo.url}/gradio_api/call/chat`, { data: ["héllo ✓"] });
    const text = await sseText(`${echo.url}/gradio_api/call/chat/${json.event_id}`);
    assert.ok(text.endsWith('event: complete\ndata: ["h\\u00e9llo \\u2713", null]\n\n'), JSON.stringify(text));
  });

  test("streaming endpoint: generating events with full values, then complete (as recorded)", async () => {
    const { json } = await postJson(`${stream.url}/gradio_api/call/chat`, { data: ["hello"] });
    const text = await sseText(`${stream.url}/gradio_api/call/chat/${json.event_id}`);
    const expected = ["h", "he", "hel", "hell", "hello"]
      .map((p) => `event: generating\ndata: ["You typed: ${p}", null]\n\n`).join("")
      + 'event: complete\ndata: ["You typed: hello", null]\n\n';
    assert.equal(text, expected); // stream_03_call_chat.sse.txt
  });

  test("unknown api name -> 404 JSON with a detail", async () => {
    const { res, json, text } = await postJson(`${echo.url}/gradio_api/call/no_such_fn`, { data: ["hello"] });
    assert.equal(res.status, 404, text);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.equal(typeof json?.detail, "string", text);
    assert.ok(json.detail.length > 0);
    const v2 = await postJson(`${echo.url}/gradio_api/call/v2/no_such_fn`, { message: "hello" });
    assert.equal(v2.res.status, 404, v2.text);
    assert.equal(typeof v2.json?.detail, "string", v2.text);
  });

  test("data not a list -> 422 (FastAPI-style detail list)", async () => {
    const { res, json, text } = await postJson(`${echo.url}/gradio_api/call/chat`, { data: "hello" });
    assert.equal(res.status, 422, text);
    assert.ok(Array.isArray(json?.detail), text);
    assert.deepEqual(json.detail[0].loc, ["body", "data"]);
    assert.equal(json.detail[0].msg, "Input should be a valid list"); // echo_05_call_baddata.json
    assert.equal(json.detail[0].input, "hello");
  });

  test("missing data -> 422", async () => {
    const { res, json, text } = await postJson(`${echo.url}/gradio_api/call/chat`, {});
    assert.equal(res.status, 422, text);
    assert.ok(Array.isArray(json?.detail), text);
    assert.deepEqual(json.detail[0].loc, ["body", "data"]);
  });

  test("unknown event id -> event: error \"404: Not Found\" (as recorded)", async () => {
    const text = await sseText(`${echo.url}/gradio_api/call/chat/${"0".repeat(32)}`);
    assert.equal(text, 'event: error\ndata: "404: Not Found"\n\n'); // echo_05_sse_unknown_event.txt
  });
});
