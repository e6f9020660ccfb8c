// Runs replicas of an app behind Debian's nginx on loopback (helper, not a test file): each
// replica is a process of its own, nginx balances them with client affinity (a consistent hash
// of the client address), so a session's queue/join and its stream reach the same process.
//
// nginx runs in the foreground as a child of the test, with its own prefix folder (config, pid,
// logs, temp folders) in $TMPDIR; stop() ends it and removes that folder.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startServer, withTimeout } from "./server.mjs";

export const NGINX = process.env.GR_NGINX || "/usr/sbin/nginx";

/** A TCP port that was free a moment ago (bind port 0, read it, close). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The nginx.conf the tests use: `upstreamPorts` behind `listen 127.0.0.1:<port>` under `prefix`. */
export function nginxConfig({ dir, port, upstreamPorts, prefix }) {
  const servers = upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join("\n");
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 1024; }
http {
  # Which replica served each request ($upstream_addr lists every one nginx tried).
  log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/client_body_temp;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  absolute_redirect off;

  # Client affinity: a session lives in one replica. A replica that fails a connection is left
  # out for 30 s and its clients move (consistently) to the next one on the hash ring.
  upstream replicas {
    hash $remote_addr consistent;
${servers}
  }

  server {
    listen 127.0.0.1:${port};
    location = ${prefix} { return 301 ${prefix}/; }
    location ${prefix}/ {
      proxy_pass http://replicas/;   # strips the prefix; the app adds it back to its URLs (root_path)
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;   # keeps the port: /config's root is the address the client used
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;                # SSE: every event is passed on at once
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
`;
}

/** Pids of the processes whose parent is `pid` (nginx's workers), read from /proc. */
function childPids(pid) {
  const children = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(name));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

/** Resolves once a TCP connection to 127.0.0.1:`port` is accepted (polls every 50 ms). */
async function waitForListen(port, stillRunning) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (!stillRunning()) throw new Error("nginx exited");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts nginx in front of `upstreamPorts` (127.0.0.1) on a free port, serving them under
 * `prefix`. Resolves to { port, url, dir, config, proc, errorLog(), accessLog(), stop() };
 * `url` is "http://127.0.0.1:<port><prefix>".
 */
export async function startNginx({ upstreamPorts, prefix = "/chat-app", timeoutMs = 10_000 }) {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install Debian's nginx-light (or set GR_NGINX)`);
  const dir = mkdtempSync(join(tmpdir(), "gr-nginx-"));
  // Workers may run as another user (nobody, when the tests run as root): let them reach the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const config = nginxConfig({ dir, port, upstreamPorts, prefix });
  writeFileSync(join(dir, "nginx.conf"), config);
  const proc = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (c) => (output += c.toString()));
  proc.stderr.on("data", (c) => (output += c.toString()));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const read = (name) => {
    try {
      return readFileSync(join(dir, name), "utf8");
    } catch {
      return "";
    }
  };
  let workers = [];
  const killAll = () => {
    for (const pid of [proc.pid, ...workers]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", killAll);

  const nginx = {
    port,
    url: `http://127.0.0.1:${port}${prefix}`,
    dir,
    config,
    proc,
    errorLog: () => read("error.log"),
    accessLog: () => read("access.log"),
    /** Fast shutdown (SIGTERM, closing open streams), SIGKILL after 3 s; removes the folder. */
    async stop() {
      process.removeListener("exit", killAll);
      if (running()) {
        workers = childPids(proc.pid);
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        const timer = setTimeout(() => {
          workers = [...new Set([...workers, ...childPids(proc.pid)])];
          killAll();
        }, 3000);
        await exited;
        clearTimeout(timer);
      }
      // A worker outlives a killed master: make sure none is left.
      for (const pid of workers) {
        try {
          process.kill(pid, 0);
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await withTimeout(
      Promise.race([
        waitForListen(port, running),
        new Promise((_, reject) => proc.once("exit", (code, sig) => reject(new Error(`nginx exited (code ${code}, signal ${sig})`)))),
      ]),
      timeoutMs,
      "nginx listening",
    );
  } catch (e) {
    const detail = `${e.message}\noutput:\n${output}\nerror.log:\n${read("error.log")}\nnginx.conf:\n${config}`;
    await nginx.stop();
    throw new Error(detail);
  }
  workers = childPids(proc.pid);
  return nginx;
}

/**
 * Starts `count` replicas of `binary` (GRADIO_ROOT_PATH=`prefix`, GRADIO_METRICS=1, plus `env`)
 * and nginx in front of them. Resolves to { url, nginx, replicas, stop() }; each replica is
 * startServer()'s { url, proc, output(), stop() } with its `port`.
 */
export async function startProxiedReplicas(binary, { count = 3, prefix = "/chat-app", env = {} } = {}) {
  const replicas = [];
  let nginx = null;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
  };
  try {
    for (let i = 0; i < count; i++) {
      const server = await startServer(binary, { env: { GRADIO_ROOT_PATH: prefix, GRADIO_METRICS: "1", ...env } });
      server.port = Number(new URL(server.url).port);
      replicas.push(server);
    }
    nginx = await startNginx({ upstreamPorts: replicas.map((r) => r.port), prefix });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: nginx.url, nginx, replicas, stop };
}

/**
 * One HTTP request with node:http (so the client's source address can be chosen with
 * `localAddress`, e.g. "127.0.0.7": all of 127/8 is loopback on Linux). Resolves when the
 * response head arrives to { status, headers, firstChunk, done }: `firstChunk` resolves with
 * the first body bytes (or "" if the body ended empty), `done` with { text, complete, error,
 * endedAt } once the response is over, `complete` false when the connection was cut before
 * the end of the body.
 */
export function httpRequest({ port, path, method = "GET", body, headers = {}, localAddress, host = "127.0.0.1" }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        path,
        method,
        localAddress,
        agent: false, // a connection of its own, closed at the end
        headers: {
          ...(body !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        let error = null;
        let gotFirst;
        const firstChunk = new Promise((r) => (gotFirst = r));
        const done = new Promise((r) => {
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            text += chunk;
            gotFirst(text);
          });
          res.on("error", (e) => (error = e));
          res.on("close", () => {
            gotFirst(text);
            r({ text, complete: res.complete, error, endedAt: performance.now() });
          });
        });
        resolve({ status: res.statusCode, headers: res.headers, firstChunk, done, destroy: () => req.destroy() });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Parses an SSE body into [{ event, data }] (data JSON-decoded when it is JSON). */
export function parseSse(text) {
  const events = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    const ev = { event: "message", data: "" };
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) ev.event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    const raw = data.join("\n");
    try {
      ev.data = JSON.parse(raw);
    } catch {
      ev.data = raw;
    }
    events.push(ev);
  }
  return events;
}

/**
 * The curl flow through nginx from `localAddress`: POST <prefix>/gradio_api/call/<api>
 * {"data":[message]} -> {"event_id"}, then GET <prefix>/gradio_api/call/<api>/<event_id>.
 * Resolves to { postStatus, postText, getStatus, text, events, complete } (no GET when the POST failed).
 */
export async function callFlow({ port, prefix = "/chat-app", api = "chat", message, localAddress }) {
  const post = await httpRequest({
    port,
    method: "POST",
    path: `${prefix}/gradio_api/call/${api}`,
    body: JSON.stringify({ data: [message] }),
    localAddress,
  });
  const posted = await post.done;
  if (post.status !== 200) return { postStatus: post.status, postText: posted.text };
  const { event_id: eventId } = JSON.parse(posted.text);
  const get = await httpRequest({ port, path: `${prefix}/gradio_api/call/${api}/${eventId}`, localAddress });
  const got = await get.done;
  return {
    postStatus: post.status,
    postText: posted.text,
    eventId,
    getStatus: get.status,
    text: got.text,
    complete: got.complete,
    events: parseSse(got.text),
  };
}

/** GET http://127.0.0.1:<port>/metrics of one replica, straight (not through nginx). */
export async function metricsOf(port) {
  const res = await httpRequest({ port, path: "/metrics" });
  const { text } = await res.done;
  if (res.status !== 200) throw new Error(`/metrics of :${port} answered ${res.status}: ${text}`);
  return text;
}

/** The value of one sample line (e.g. 'gradio_events_started_total{fn="chat"}'), or NaN. */
export function metricValue(text, sample) {
  for (const line of text.split("\n")) {
    if (line.startsWith(sample + " ")) return Number(line.slice(sample.length + 1));
  }
  return NaN;
}

/** gradio_events_started_total{fn=`fn`} of each replica (null for a replica that does not answer). */
export async function startedPerReplica(replicas, fn = "chat") {
  return Promise.all(
    replicas.map(async (r) => {
      try {
        return metricValue(await withTimeout(metricsOf(r.port), 5000, `metrics of :${r.port}`), `gradio_events_started_total{fn="${fn}"}`);
      } catch {
        return null;
      }
    }),
  );
}
