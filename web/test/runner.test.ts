import { describe, expect, it, beforeEach } from "vitest";
import { fixture } from "./helpers";
import { FakeGradio, parseRecording, scriptFromRecording, tick, type Script, type ScriptStep } from "./fake-server";
import { GradioClient } from "../src/api/client";
import { PlainStore } from "../src/api/store";
import { Runner, type Toast } from "../src/api/runner";
import type { AppConfig } from "../src/api/types";

const config: AppConfig = JSON.parse(fixture("stream_01_config.json"));
const recording = parseRecording(fixture("stream_07_ui_submit_chain.txt"));
const SESSION = "refstreamui01";
const TEXTBOX = 10;
const CHATBOT = 7;

const user = (text: string) => ({ role: "user", metadata: null, content: [{ text, type: "text" }], options: null });
const bot = (text: string) => ({ role: "assistant", metadata: null, content: [{ text, type: "text" }], options: null });

/** The recording does not include deps 14/16 (stop button swap) nor 29 (state change sync): script them. */
function fullScript(): Script {
  const s = scriptFromRecording(recording);
  const out = (data: unknown[], changed: number[] = []) => ({
    body: { data, is_generating: false, duration: 0, average_duration: 0, render_config: null, changed_state_ids: changed, used_cache: null },
  });
  s.predict.set(14, out([{ submit_btn: false, stop_btn: true, __type__: "update" }]));
  s.predict.set(16, out([{ submit_btn: true, stop_btn: false, __type__: "update" }]));
  s.predict.set(17, out([{ submit_btn: true, stop_btn: false, __type__: "update" }]));
  s.predict.set(15, out([{ submit_btn: false, stop_btn: true, __type__: "update" }]));
  // Dep 3 copies the chatbot into State 15 and reports it changed; dep 29 (its change
  // listener) writes State 15 back into the chatbot. Model that State here.
  let state15: unknown = [];
  s.predict.set(3, (req) => {
    state15 = req.data[0];
    return out([null, null], [15]);
  });
  s.predict.set(30, out([null, null]));
  s.queue.set(29, () => [
    { msg: "estimation", rank: 0, queue_size: 1, rank_eta: null },
    { msg: "process_starts", eta: null },
    { msg: "process_completed", output: { data: [state15], is_generating: false, changed_state_ids: [] }, success: true, title: null },
  ]);
  return s;
}

class RecordingStore extends PlainStore {
  history: unknown[] = [];
  protected changed(id: number): void {
    if (id === CHATBOT) this.history.push(this.getValue(id));
  }
}

function setup(script = fullScript()) {
  const server = new FakeGradio(script);
  const store = new RecordingStore(config.components);
  const toasts: Toast[] = [];
  const connection: boolean[] = [];
  const client = new GradioClient({
    apiBase: "http://fake/gradio_api",
    probeUrl: "http://fake/config",
    sessionHash: SESSION,
    fetch: server.fetch,
    probeDelays: [5],
    onConnection: (ok) => {
      connection.push(ok);
      if (ok) void runner.idle().then(() => runner.restoreIdleUI());
    },
  });
  const runner: Runner = new Runner(config.dependencies, store, client, { toast: (t) => toasts.push(t) });
  return { server, store, client, runner, toasts, connection };
}

async function settle(runner: Runner) {
  // Chained dependencies start asynchronously; wait until the whole graph is quiet.
  for (let i = 0; i < 5; i++) {
    await runner.idle();
    await tick(5);
  }
}

function calls(server: FakeGradio, route: string) {
  return server.log.filter((r) => r.route === route);
}

describe("dependency runner against the recorded submit chain", () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });

  it("sends the same requests as Gradio's frontend, in chain order", async () => {
    const { server, store, runner } = env;
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);

    const sent = server.log.filter((r) => r.method === "POST").map((r) => [r.route, r.body.fn_index]);
    const order = (fn: number) => sent.findIndex(([, f]) => f === fn);
    for (const [a, b] of [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 14], [2, 16]]) {
      expect(order(a)).toBeGreaterThanOrEqual(0);
      expect(order(a)).toBeLessThan(order(b));
    }
    expect(sent.find(([, f]) => f === 2)?.[0]).toBe("queue/join");
    expect(sent.find(([, f]) => f === 4)?.[0]).toBe("queue/join");
    expect(sent.find(([, f]) => f === 1)?.[0]).toBe("run/predict");

    // Bodies match the recording. State inputs are sent as null (the server ignores them;
    // the recording shows `[]` for one of them in dep 5, which carries no information).
    const states = new Set(config.components.filter((c) => c.type === "state").map((c) => c.id));
    for (const rec of recording.filter((r) => r.method === "POST")) {
      const mine = server.log.find((r) => r.method === "POST" && r.body.fn_index === rec.body.fn_index)!;
      expect(mine.route).toBe(rec.path.replace("/gradio_api/", ""));
      expect(Object.keys(mine.body)).toEqual(["data", "event_data", "fn_index", "trigger_id", "session_hash"]);
      expect(mine.body.trigger_id).toBe(rec.body.trigger_id);
      expect(mine.body.event_data).toBe(rec.body.event_data);
      expect(mine.body.session_hash).toBe(SESSION);
      const dep = config.dependencies[rec.body.fn_index];
      dep.inputs.forEach((id, i) => {
        if (states.has(id)) expect(mine.body.data[i]).toBeNull();
        else if (rec.body.fn_index !== 3) expect(mine.body.data[i]).toEqual(rec.body.data[i]);
      });
    }
    // Dep 3 syncs the chatbot into the states: it must carry what the chatbot shows. (The recording
    // shows the non-streaming echo reply here, an artefact of how it was captured.)
    const dep3 = server.log.find((r) => r.body?.fn_index === 3)!;
    expect(dep3.body.data).toEqual([[user("hello"), bot("You typed: hello")]]);

    // changed_state_ids [15] from dep 3 fires the state's change listener (dep 29).
    expect(sent.some(([, f]) => f === 29)).toBe(true);
  });

  it("streams the reply through diffs and ends in the recorded state", async () => {
    const { store, runner } = env;
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);

    const texts = (store.history as any[])
      .filter((v, i, all) => Array.isArray(v) && v.length === 2 && v !== all[i - 1])
      .map((v) => v[1].content[0].text);
    expect(texts.slice(0, 5)).toEqual(["You typed: h", "You typed: he", "You typed: hel", "You typed: hell", "You typed: hello"]);
    expect(store.getValue(CHATBOT)).toEqual([user("hello"), bot("You typed: hello")]);
    // The user message object kept its identity through every streamed update.
    const firsts = new Set((store.history as any[]).filter((v) => Array.isArray(v) && v.length === 2).map((v) => v[0]));
    expect(firsts.size).toBe(1);

    // Textbox: cleared + disabled by dep 0, re-enabled by dep 4, buttons swapped back by dep 16.
    expect(store.getValue(TEXTBOX)).toBeNull();
    expect(store.getProps(TEXTBOX).interactive).toBe(true);
    expect(store.getProps(TEXTBOX).submit_btn).toBe(true);
    expect(store.getProps(TEXTBOX).stop_btn).toBe(false);
    expect(store.getStatus(CHATBOT)).toBeNull();
  });

  it("opens one queue/data stream at a time and reopens it after close_stream", async () => {
    const { server, store, runner } = env;
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    const streams = calls(server, `queue/data?session_hash=${SESSION}`);
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(streams.length).toBeLessThanOrEqual(3); // deps 2, 4 and 29 may share streams
  });

  it("ignores a second submit while the first chain runs (trigger_mode once)", async () => {
    const { server, store, runner } = env;
    store.setValue(TEXTBOX, "hello");
    const a = runner.trigger(TEXTBOX, "submit");
    const b = runner.trigger(TEXTBOX, "submit");
    await Promise.all([a, b]);
    await settle(runner);
    expect(server.log.filter((r) => r.body?.fn_index === 0)).toHaveLength(1);
  });
});

describe("stop, errors and lost connections", () => {
  it("Stop cancels the running event on the server and keeps the partial reply", async () => {
    const script = fullScript();
    const frames = script.queue.get(2) as ScriptStep[];
    // estimation, process_starts, first full yield, one diff, then the generator stalls.
    script.queue.set(2, [...frames.slice(0, 4), "hold"]);
    const { server, store, runner } = setup(script);
    store.setValue(TEXTBOX, "hello");
    void runner.trigger(TEXTBOX, "submit");
    for (let i = 0; i < 200 && store.getProps(TEXTBOX).stop_btn !== true; i++) await tick(2);
    for (let i = 0; i < 200 && (store.getValue(CHATBOT) as any[])?.[1]?.content[0].text !== "You typed: he"; i++) await tick(2);
    expect(store.getProps(TEXTBOX).stop_btn).toBe(true);
    expect(store.getProps(TEXTBOX).interactive).toBe(false);

    await runner.trigger(TEXTBOX, "stop");
    await settle(runner);
    const cancel = server.log.find((r) => r.route === "cancel")!;
    expect(cancel.body).toEqual({ session_hash: SESSION, fn_index: 2, event_id: "ev1" });
    expect(store.getValue(CHATBOT)).toEqual([user("hello"), bot("You typed: he")]);
    expect(store.getProps(TEXTBOX).interactive).toBe(true);
    expect(store.getProps(TEXTBOX).stop_btn).toBe(false);
    // The chain still ran the state sync with the partial reply.
    const dep3 = server.log.find((r) => r.body?.fn_index === 3)!;
    expect(dep3.body.data).toEqual([[user("hello"), bot("You typed: he")]]);
  });

  it("shows an error toast and keeps the chat usable when the fn fails", async () => {
    const script = fullScript();
    script.queue.set(2, [
      { msg: "estimation", rank: 0, queue_size: 1, rank_eta: null },
      { msg: "process_starts", eta: null },
      { msg: "process_completed", output: { error: "Model exploded", duration: 10, visible: true, title: "Error" }, success: false, title: "Error" },
    ]);
    const { server, store, runner, toasts } = setup(script);
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(toasts).toEqual([{ kind: "error", title: "Error", message: "Model exploded", duration: 10 }]);
    // then() listeners still run: states synced, textbox re-enabled, submit button back.
    expect(server.log.some((r) => r.body?.fn_index === 4)).toBe(true);
    expect(store.getProps(TEXTBOX).interactive).toBe(true);
    expect(store.getProps(TEXTBOX).submit_btn).toBe(true);
    expect(store.getValue(CHATBOT)).toEqual([user("hello")]);
  });

  it("says 'An error occurred' when the server hides the error text", async () => {
    const script = fullScript();
    script.queue.set(2, [{ msg: "process_completed", output: { error: null }, success: false, title: "Error" }]);
    const { store, runner, toasts } = setup(script);
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(toasts.map((t) => t.message)).toEqual(["An error occurred"]);
  });

  it("turns log messages into toasts", async () => {
    const script = fullScript();
    const frames = script.queue.get(2) as ScriptStep[];
    script.queue.set(2, [
      frames[0],
      frames[1],
      { msg: "log", log: "Heads up", level: "warning", duration: 3, visible: true, title: "Warning" },
      { msg: "log", log: "hidden", level: "info", duration: 3, visible: false, title: "Info" },
      ...frames.slice(2),
    ]);
    const { store, runner, toasts } = setup(script);
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(toasts).toEqual([{ kind: "warning", title: "Warning", message: "Heads up", duration: 3 }]);
  });

  it("shows queue position while queued", async () => {
    const script = fullScript();
    const frames = script.queue.get(2) as ScriptStep[];
    script.queue.set(2, [{ msg: "estimation", rank: 2, queue_size: 3, rank_eta: 4.5 }, "hold", ...frames.slice(1)]);
    const { store, runner } = setup(script);
    store.setValue(TEXTBOX, "hello");
    void runner.trigger(TEXTBOX, "submit");
    for (let i = 0; i < 200 && store.getStatus(CHATBOT)?.position !== 2; i++) await tick(2);
    expect(store.getStatus(CHATBOT)).toMatchObject({ stage: "queued", position: 2, queueSize: 3, eta: 4.5, fnIndex: 2 });
  });

  it("fails pending events when the stream is cut, then recovers the UI once the server is back", async () => {
    const script = fullScript();
    const { server, store, runner, connection } = setup(script);
    server.cutStreamAfter = 3;
    server.down = false;
    store.setValue(TEXTBOX, "hello");
    const first = runner.trigger(TEXTBOX, "submit");
    // While the connection is lost every request fails.
    for (let i = 0; i < 300 && connection.length === 0; i++) await tick(2);
    expect(connection[0]).toBe(false);
    server.down = true;
    await first;
    await tick(30);
    expect(store.getProps(TEXTBOX).interactive).toBe(false); // dep 4 could not run
    server.down = false;
    for (let i = 0; i < 300 && connection.length < 2; i++) await tick(2);
    expect(connection).toEqual([false, true]);
    await settle(runner);
    expect(store.getProps(TEXTBOX).interactive).not.toBe(false); // back to the config's (unset) value
    expect(store.getProps(TEXTBOX).placeholder).toBe(config.components.find((c) => c.id === TEXTBOX)!.props.placeholder);
  });
});

describe("chatbot events", () => {
  it("retry fires every retry listener with the event data", async () => {
    const { server, store, runner } = setup();
    store.setValue(CHATBOT, [user("hello"), bot("You typed: hello")]);
    const eventData = { index: 0, value: [{ text: "hello", type: "text" }] };
    void runner.trigger(CHATBOT, "retry", eventData);
    await tick(20);
    const dep7 = server.log.find((r) => r.body?.fn_index === 7)!;
    const dep15 = server.log.find((r) => r.body?.fn_index === 15)!;
    expect(dep7.body.event_data).toEqual(eventData);
    expect(dep7.body.trigger_id).toBe(CHATBOT);
    expect(dep15.body.event_data).toEqual(eventData);
  });

  it("knows which events have listeners", () => {
    const { runner } = setup();
    expect(runner.listens(CHATBOT, "retry")).toBe(true);
    expect(runner.listens(CHATBOT, "undo")).toBe(true);
    expect(runner.listens(CHATBOT, "like")).toBe(false);
    expect(runner.listens(TEXTBOX, "stop")).toBe(true);
  });
});
