// Helper process for compat/secure.test.mjs (not a test file itself): runs the real clients
// against a gradio.cpp server over https and prints one JSON line with what they saw.
//
// It is a separate process because Node reads extra CAs only at start: the parent starts it with
// NODE_EXTRA_CA_CERTS=<the server's self-signed cert.pem>, so these clients VERIFY the
// certificate (NODE_TLS_REJECT_UNAUTHORIZED is never touched).
//
// Usage: NODE_EXTRA_CA_CERTS=cert.pem node compat/tls_clients.mjs <https://127.0.0.1:port> <user> <password>
import { Client } from "@gradio/client";
import OpenAI from "openai";

import { withTimeout } from "./server.mjs";

const [url, user, password] = process.argv.slice(2);
if (!url || !user || password === undefined) {
  console.error("usage: node tls_clients.mjs <url> <user> <password>");
  process.exit(2);
}

const errorText = (e) => ({ name: e?.name, message: e?.message, status: e?.status, cause: e?.cause?.code ?? e?.cause?.message });

const result = {};

// 1) @gradio/client: connect with auth (POST /login, then the cookie on every request) and a
//    streamed submit of /chat.
result.gradio = {};
try {
  const client = await withTimeout(
    Client.connect(url, { auth: [user, password], events: ["data", "status"] }), 15_000, "Client.connect over https");
  try {
    // config.root is where the client sends everything after /config (info, queue, heartbeat).
    Object.assign(result.gradio, { root: client.config.root, protocol: client.config.protocol, hasApiInfo: !!client.api_info });
    const events = [];
    await withTimeout((async () => {
      for await (const ev of client.submit("/chat", { message: "over tls" })) events.push(ev);
    })(), 20_000, "streamed submit over https");
    result.gradio.data = events.filter((e) => e.type === "data").map((e) => e.data);
    result.gradio.stages = events.filter((e) => e.type === "status").map((e) => e.stage);
  } finally {
    client.close();
  }
} catch (e) {
  result.gradio.error = errorText(e);
}

// 2) @gradio/client without credentials: the 401 /config's auth_message, over https.
try {
  const c = await withTimeout(Client.connect(url), 15_000, "Client.connect without auth over https");
  c.close();
  result.gradioNoAuth = { connected: true };
} catch (e) {
  result.gradioNoAuth = { error: errorText(e) };
}

// 3) openai: a streamed completion with "<user>:<password>" as the API key.
try {
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: `${user}:${password}`, maxRetries: 0, timeout: 15_000 });
  const stream = await withTimeout(openai.chat.completions.create({
    model: "chat",
    messages: [{ role: "user", content: "streamed over tls" }],
    stream: true,
  }), 15_000, "openai create over https");
  let text = "";
  let deltas = 0;
  let finish = null;
  await withTimeout((async () => {
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        if (c.delta?.content) {
          text += c.delta.content;
          deltas++;
        }
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
  })(), 20_000, "openai stream over https");
  result.openai = { text, deltas, finish };
} catch (e) {
  result.openai = { error: errorText(e) };
}

// 4) openai with a wrong key over https: an AuthenticationError (401).
try {
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: `${user}:wrong`, maxRetries: 0, timeout: 15_000 });
  await withTimeout(openai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "x" }] }),
    15_000, "openai wrong key over https");
  result.openaiWrongKey = { accepted: true };
} catch (e) {
  result.openaiWrongKey = { error: { ...errorText(e), isAuthError: e instanceof OpenAI.AuthenticationError } };
}

process.stdout.write(`${JSON.stringify(result)}\n`);
// The client may keep a heartbeat or keep-alive sockets open; the result is out, so leave now.
process.exit(0);
