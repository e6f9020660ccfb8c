// Three replicas of streaming_echo behind Debian's nginx on loopback, under the sub-path
// /chat-app (GRADIO_ROOT_PATH), with client affinity (hash $remote_addr consistent): the
// public URL in /config, @gradio/client through the proxy, the spread of clients over the
// replicas with each session kept on its replica, and a replica killed mid-stream.
// nginx.conf: see compat/nginx.mjs (nginxConfig).
//
// Different clients are told apart by their source address: node:http's `localAddress`
// 127.0.0.2, 127.0.0.3, ... (all of 127/8 is loopback on Linux).
//
// Run: cd tests/js && GR_EXAMPLES_DIR=<build>/examples GR_TEST_APPS_DIR=<build>/tests/apps \
//        node --test --test-concurrency=1 compat/proxy.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@gradio/client";

import { callFlow, httpRequest, metricsOf, parseSse, startedPerReplica, startProxiedReplicas } from "./nginx.mjs";
import { exampleBinary, withTimeout } from "./server.mjs";

const PREFIX = "/chat-app";

/** Access-log lines of nginx.mjs's `upstreams` format: { client, method, path, status, upstreams[] }. */
function accessEntries(log) {
  const entries = [];
  for (const line of log.split("\n")) {
    const m = line.match(/^(\S+) "(\S+) (\S+) [^"]*" (\d+) upstream=(.*) upstream_status=(.*)$/);
    if (m) {
      entries.push({
        client: m[1],
        method: m[2],
        path: m[3],
        status: Number(m[4]),
        upstreams: m[5].split(/,\s*|\s*:\s+/).filter((u) => u && u !== "-"),
        upstreamStatus: m[6],
        line,
      });
    }
  }
  return entries;
}

/** Polls nginx's access log (every 50 ms, up to `ms`) until `ready(entries)` is true. */
async function accessLogUntil(nginx, ready, ms, what) {
  const deadline = performance.now() + ms;
  for (;;) {
    const entries = accessEntries(nginx.accessLog());
    if (ready(entries)) return entries;
    if (performance.now() > deadline) assert.fail(`${what}: not in nginx's access log within ${ms} ms:\n${nginx.accessLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const delta = (after, before) => after.map((v, i) => (v === null || before[i] === null ? null : v - before[i]));

describe("streaming_echo x3 behind nginx at /chat-app", { timeout: 180_000 }, () => {
  let app;
  let nginx;
  let replicas;
  const clients = [];

  before(async () => {
    app = await startProxiedReplicas(exampleBinary("streaming_echo"), { count: 3, prefix: PREFIX });
    ({ nginx, replicas } = app);
  });

  after(async () => {
    for (const c of clients) c.close();
    await app?.stop();
  });

  /** Explains a failure: the proxy's config and logs, and each replica's output. */
  const diagnostics = () =>
    `\nnginx error.log:\n${nginx.errorLog()}\naccess.log:\n${nginx.accessLog()}\n` +
    replicas.map((r) => `replica :${r.port} output:\n${r.output()}`).join("\n");

  test("/config's root is the public URL; @gradio/client works through the proxy", async () => {
    const res = await withTimeout(httpRequest({ port: nginx.port, path: `${PREFIX}/config` }), 5000, "GET /chat-app/config");
    const { text } = await withTimeout(res.done, 5000, "body of /chat-app/config");
    assert.equal(res.status, 200, text);
    assert.equal(JSON.parse(text).root, `http://127.0.0.1:${nginx.port}${PREFIX}`);

    // The app's page, and the sub-path without its slash redirected to it.
    const page = await withTimeout(httpRequest({ port: nginx.port, path: `${PREFIX}/` }), 5000, "GET /chat-app/");
    const html = await withTimeout(page.done, 5000, "body of /chat-app/");
    assert.equal(page.status, 200);
    assert.match(page.headers["content-type"], /^text\/html/);
    assert.ok(html.text.length > 0);
    const bare = await withTimeout(httpRequest({ port: nginx.port, path: PREFIX }), 5000, "GET /chat-app");
    await bare.done;
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, `${PREFIX}/`);

    const client = await withTimeout(Client.connect(`${nginx.url}/`), 10_000, "Client.connect through nginx");
    clients.push(client);
    assert.equal(client.config.root, `http://127.0.0.1:${nginx.port}${PREFIX}`);
    const result = await withTimeout(client.predict("/chat", { message: "hello" }), 15_000, "predict through nginx");
    assert.deepEqual(result.data, ["You typed: hello"]);
    const again = await withTimeout(client.predict("/chat", { message: "again" }), 15_000, "second predict");
    assert.deepEqual(again.data, ["You typed: again"]);
    client.close();
  });

  test("30 clients spread over the replicas; each keeps its replica (curl flow, twice each)", async (t) => {
    const before = await startedPerReplica(replicas);
    assert.ok(before.every((v) => Number.isFinite(v)), `metrics of every replica: ${before}`);
    const addresses = Array.from({ length: 30 }, (_, i) => `127.0.0.${i + 2}`);
    // Two sessions each (POST + GET twice), all clients at once; short replies (50 ms a character).
    const results = await withTimeout(
      Promise.all(
        addresses.map(async (address, i) => {
          const first = await callFlow({ port: nginx.port, message: `c${i}`, localAddress: address });
          const second = await callFlow({ port: nginx.port, message: `d${i}`, localAddress: address });
          return [first, second];
        }),
      ),
      60_000,
      "30 clients x 2 curl flows",
    );
    results.forEach((flows, i) => {
      flows.forEach((r, k) => {
        const message = `${k === 0 ? "c" : "d"}${i}`;
        const what = `client ${addresses[i]} flow ${k + 1}: ${JSON.stringify(r)}${diagnostics()}`;
        assert.equal(r.postStatus, 200, what);
        assert.equal(r.getStatus, 200, what);
        assert.equal(r.complete, true, what);
        // A GET that reached another replica than its POST would get `event: error` (unknown event).
        assert.deepEqual(r.events.at(-1), { event: "complete", data: [`You typed: ${message}`, null] }, what);
        assert.ok(r.events.slice(0, -1).every((e) => e.event === "generating"), what);
      });
    });

    // Every event ran once, on the replicas, and at least two of them served some.
    const started = delta(await startedPerReplica(replicas), before);
    assert.equal(started.reduce((a, b) => a + b, 0), 60, `events started per replica: ${started}`);
    assert.ok(started.filter((n) => n > 0).length >= 2, `all events on one replica: ${started}`);
    t.diagnostic(`events started per replica: ${started.join(", ")}`);

    // nginx's access log: every request of a client went to one replica (never retried elsewhere),
    // and the replicas' counts match the clients nginx sent them.
    const ours = (e) => addresses.includes(e.client) && e.path.includes("/gradio_api/call/chat");
    const entries = await accessLogUntil(nginx, (es) => es.filter(ours).length === 120, 5000, "120 call requests");
    const replicaOf = new Map();
    for (const e of entries.filter(ours)) {
      assert.equal(e.status, 200, e.line);
      assert.equal(e.upstreams.length, 1, `retried: ${e.line}`);
      const seen = replicaOf.get(e.client);
      if (seen) assert.equal(e.upstreams[0], seen, `${e.client} moved between replicas: ${e.line}`);
      else replicaOf.set(e.client, e.upstreams[0]);
    }
    assert.equal(replicaOf.size, 30);
    replicas.forEach((r, i) => {
      const mine = [...replicaOf.values()].filter((u) => u === `127.0.0.1:${r.port}`).length;
      assert.equal(started[i], 2 * mine, `replica :${r.port} started ${started[i]} events for ${mine} clients`);
    });
  });

  test("a replica killed mid-stream: the stream ends at once; new sessions go to another replica", async (t) => {
    const before = await startedPerReplica(replicas);
    assert.ok(before.every((v) => Number.isFinite(v)), `metrics of every replica: ${before}`);
    // A long reply (300 characters, 15 s) from 127.0.0.1, the address the client below uses too.
    const message = "long reply " + "0123456789".repeat(29);
    const post = await withTimeout(
      httpRequest({ port: nginx.port, method: "POST", path: `${PREFIX}/gradio_api/call/chat`, body: JSON.stringify({ data: [message] }), localAddress: "127.0.0.1" }),
      5000,
      "POST the long reply",
    );
    const posted = await withTimeout(post.done, 5000, "body of the POST");
    assert.equal(post.status, 200, posted.text);
    const { event_id: eventId } = JSON.parse(posted.text);
    const stream = await withTimeout(
      httpRequest({ port: nginx.port, path: `${PREFIX}/gradio_api/call/chat/${eventId}`, localAddress: "127.0.0.1" }),
      5000,
      "GET the long reply's stream",
    );
    assert.equal(stream.status, 200);
    const first = await withTimeout(stream.firstChunk, 10_000, "first event of the long reply");
    assert.match(first, /^event: generating\n/);

    // The replica running it is the one whose events_started grew.
    const started = delta(await startedPerReplica(replicas), before);
    assert.deepEqual([...started].sort(), [0, 0, 1], `events started per replica: ${started}`);
    const victimIndex = started.indexOf(1);
    const victim = replicas[victimIndex];
    const survivors = replicas.filter((_, i) => i !== victimIndex);

    const exited = new Promise((r) => victim.proc.once("exit", (code, signal) => r(signal)));
    const killedAt = performance.now();
    victim.proc.kill("SIGKILL");
    assert.equal(await withTimeout(exited, 5000, "the killed replica's exit"), "SIGKILL");

    // The client's stream ends promptly, cut (no final chunk) or with an error event; never complete.
    const end = await withTimeout(stream.done, 5000, "end of the stream after the kill");
    const events = parseSse(end.text);
    const what = `after ${Math.round(end.endedAt - killedAt)} ms: complete=${end.complete} error=${end.error?.message} ` +
      `events=${JSON.stringify(events.map((e) => e.event))}${diagnostics()}`;
    assert.ok(end.endedAt - killedAt < 5000, what);
    assert.ok(!events.some((e) => e.event === "complete"), what);
    assert.ok(end.complete === false || events.at(-1)?.event === "error", what);
    assert.ok(events.length >= 1 && events.length < message.length, what);
    t.diagnostic(`stream ended ${what.slice(0, what.indexOf("\n"))}`);
    await assert.rejects(withTimeout(metricsOf(victim.port), 5000, "metrics of the killed replica"), /ECONNREFUSED/);

    // New sessions from the same address: the curl flow, then @gradio/client. nginx moves the
    // client to the next replica; at most one attempt may fail, with a plain 502 from nginx.
    const failures = [];
    let flow;
    for (let attempt = 0; attempt < 2 && !flow; attempt++) {
      const r = await withTimeout(callFlow({ port: nginx.port, message: "after the crash", localAddress: "127.0.0.1" }), 15_000, "curl flow after the kill");
      if (r.postStatus === 502) {
        assert.match(r.postText, /502 Bad Gateway/, "a 502 from nginx itself");
        failures.push("curl flow: 502");
      }
      else flow = r;
    }
    assert.ok(flow, `curl flow failed twice: ${failures}${diagnostics()}`);
    assert.equal(flow.postStatus, 200, JSON.stringify(flow));
    assert.equal(flow.getStatus, 200, JSON.stringify(flow));
    assert.deepEqual(flow.events.at(-1), { event: "complete", data: ["You typed: after the crash", null] }, JSON.stringify(flow));

    let client;
    for (let attempt = 0; attempt < 2 && !client; attempt++) {
      try {
        client = await withTimeout(Client.connect(`${nginx.url}/`), 10_000, "Client.connect after the kill");
        clients.push(client);
      } catch (e) {
        assert.match(e.message, /received status 502/, `Client.connect failed otherwise: ${e.message}`);
        failures.push(`Client.connect: ${e.message}`);
      }
    }
    assert.ok(client, `Client.connect failed twice: ${failures}${diagnostics()}`);
    const result = await withTimeout(client.predict("/chat", { message: "new session" }), 15_000, "predict after the kill");
    assert.deepEqual(result.data, ["You typed: new session"]);
    assert.ok(failures.length <= 1, `more than one failed attempt: ${failures}`);
    for (const f of failures) assert.match(f, /502/);

    // Both ran on one surviving replica (the same one: the client keeps its new replica).
    const after = await startedPerReplica(survivors);
    const grew = delta(after, survivors.map((r) => before[replicas.indexOf(r)]));
    assert.deepEqual([...grew].sort(), [0, 2], `events started on the survivors: ${grew}`);

    // nginx's view: the long reply's request went to the victim; every request after the kill
    // ended on a survivor (a connection refused by the victim is retried on the next one).
    const victimAddr = `127.0.0.1:${victim.port}`;
    const entries = await accessLogUntil(nginx, (es) => es.some((e) => e.path.endsWith(eventId)), 5000, "the long reply's GET");
    assert.equal(entries.find((e) => e.path.endsWith(eventId)).upstreams.at(-1), victimAddr);
    const since = entries.findIndex((e) => e.path.endsWith(eventId));
    // (Heartbeat streams opened before the kill are left out: @gradio/client's close() leaves its
    // heartbeat stream open, so test 1's was cut by the kill and is logged with the victim.)
    const later = entries.slice(since + 1).filter((e) => !e.path.includes("/gradio_api/heartbeat/"));
    assert.ok(later.length >= 4, `requests after the kill:\n${later.map((e) => e.line).join("\n")}`);
    for (const e of later) assert.notEqual(e.upstreams.at(-1), victimAddr, e.line);
    t.diagnostic(`failed attempts: ${failures.length ? failures.join("; ") : "none"}; killed replica ${victimAddr}; nginx after the kill:`);
    for (const e of later) t.diagnostic(`  ${e.line}`);
  });
});
