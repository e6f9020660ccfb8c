// Starts an example binary on a free port and returns its URL (helper, not a test file).
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// tests/js/compat -> repository root
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Path of an example binary in the folder named by env GR_EXAMPLES_DIR (ctest sets it to the
 * build tree's examples folder; see tests/CMakeLists.txt).
 */
export function exampleBinary(name) {
  const dir = process.env.GR_EXAMPLES_DIR;
  if (!dir) {
    throw new Error(
      "GR_EXAMPLES_DIR is not set. Run these tests through ctest (ctest --test-dir <build> -L compat), " +
        "or set GR_EXAMPLES_DIR=<build>/examples.",
    );
  }
  const path = resolve(dir, name);
  if (!existsSync(path)) throw new Error(`${path} is missing; build the examples first`);
  return path;
}

/**
 * Path of a test-only app binary (tests/apps) in the folder named by env GR_TEST_APPS_DIR.
 */
export function testApp(name) {
  const dir = process.env.GR_TEST_APPS_DIR;
  if (!dir) throw new Error("GR_TEST_APPS_DIR is not set; run through ctest (-L compat)");
  const path = resolve(dir, name);
  if (!existsSync(path)) throw new Error(`${path} is missing; build it first`);
  return path;
}

/**
 * Spawns `binary` with GRADIO_SERVER_PORT=0 and waits for the
 * "* Running on local URL:  http://127.0.0.1:<port>" line.
 * Returns { url, proc, stop() }.
 */
export async function startServer(binary, { timeoutMs = 15000, env = {} } = {}) {
  const proc = spawn(binary, [], {
    env: { ...process.env, GRADIO_SERVER_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const kill = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  process.once("exit", kill);

  let output = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${binary} printed no URL within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/Running on local URL:\s+(https?:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1].replace(/\/$/, ""));
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", (chunk) => { output += chunk.toString(); });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited early (code ${code}, signal ${signal}); output:\n${output}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  proc.stdout.resume();
  proc.stderr.resume();

  return {
    url,
    proc,
    /** Everything the server printed so far. */
    output: () => output,
    async stop() {
      process.removeListener("exit", kill);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const timer = setTimeout(kill, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Rejects after `ms` with `what` in the message; for bounding awaits that could hang. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Drains a @gradio/client submit() iterator, returning every event it produced (bounded by `ms`). */
export async function collect(job, ms, what) {
  const events = [];
  await withTimeout((async () => {
    for await (const ev of job) events.push(ev);
  })(), ms, what);
  return events;
}

/**
 * A self-signed P-256 certificate for 127.0.0.1 made with Debian's openssl CLI in `dir`.
 * With `passphrase` the key is encrypted with it. Returns { cert, key } paths.
 */
export function makeCert(dir, { name = "", passphrase = null } = {}) {
  const cert = join(dir, `${name}cert.pem`);
  const key = join(dir, `${name}key.pem`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ...(passphrase ? ["-passout", `pass:${passphrase}`] : ["-noenc"]),
    "-keyout", key, "-out", cert,
  ], { stdio: "pipe", timeout: 20_000 });
  return { cert, key };
}
