// save_history: BrowserState values persist in localStorage as plain JSON under storage_key,
// are read back before the page's load event runs, and fire change listeners when updated.
// Config: the recorded Gradio 6.25.0 save_history demo.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixture } from "./helpers";
import { FakeGradio, tick, type Script } from "./fake-server";
import { GradioClient } from "../src/api/client";
import { MAX_STORED_CHARS, readBrowserState, writeBrowserState } from "../src/api/browserstate";
import { PlainStore } from "../src/api/store";
import { Runner } from "../src/api/runner";
import type { AppConfig } from "../src/api/types";

const config: AppConfig = JSON.parse(fixture("save_history_config.json"));
const BROWSER_STATE = config.components.find((c) => c.type === "browserstate")!;
const KEY: string = BROWSER_STATE.props.storage_key;
const LOAD_HISTORY = config.dependencies.find((d) => d.api_name === "_load_chat_history")!;
const SAVE = config.dependencies.find((d) => d.api_name === "_save_conversation")!;

const conversation = (text: string) => [
  { role: "user", metadata: null, content: [{ type: "text", text }], options: null },
  { role: "assistant", metadata: null, content: [{ type: "text", text: `echo ${text}` }], options: null },
];

function setup() {
  const script: Script = { predict: new Map(), queue: new Map() };
  script.predict.set(LOAD_HISTORY.id, { body: { data: [{ __type__: "update" }], changed_state_ids: [] } });
  const server = new FakeGradio(script);
  const store = new PlainStore(config.components);
  const client = new GradioClient({ apiBase: "http://fake/gradio_api", probeUrl: "http://fake/config", sessionHash: "s", fetch: server.fetch });
  const runner = new Runner(config.dependencies, store, client);
  return { server, store, runner };
}

const predicts = (server: FakeGradio) => server.log.filter((r) => r.route === "run/predict").map((r) => r.body);

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe("browserstate persistence", () => {
  it("the recorded config wires _load_chat_history to [root, load] and [browserstate, change]", () => {
    expect(LOAD_HISTORY.targets).toEqual([
      [config.layout.id, "load"],
      [BROWSER_STATE.id, "change"],
    ]);
    expect(LOAD_HISTORY.inputs).toEqual([BROWSER_STATE.id]);
    expect(KEY).toBe("_saved_conversations_1");
  });

  it("starts from the default when nothing is stored", () => {
    const { store } = setup();
    expect(store.getValue(BROWSER_STATE.id)).toEqual([]);
  });

  it("round trip: a value the server sets is stored as plain JSON and read back on the next start", async () => {
    const first = setup();
    const saved = [{ id: 7, title: "hello", conversation: conversation("hello") }];
    // _save_conversation outputs [conversation_id state, browserstate].
    first.runner.applyOutputs(SAVE, [null, saved]);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual(saved); // readable, not encrypted
    // The change listener (_load_chat_history) ran with the new value.
    await first.runner.idle();
    await tick();
    expect(predicts(first.server)).toEqual([expect.objectContaining({ fn_index: LOAD_HISTORY.id, trigger_id: BROWSER_STATE.id, data: [saved] })]);

    // A new page (e.g. after a server restart; the secret is ignored) starts with the stored
    // value, and the load event sends it to the server.
    const second = setup();
    expect(second.store.getValue(BROWSER_STATE.id)).toEqual(saved);
    await second.runner.trigger(config.layout.id, "load");
    expect(predicts(second.server)).toEqual([expect.objectContaining({ fn_index: LOAD_HISTORY.id, data: [saved] })]);
  });

  it("the load event fires the load listeners once", async () => {
    const { server, runner } = setup();
    await runner.trigger(config.layout.id, "load");
    await runner.idle();
    expect(predicts(server).map((b) => b.fn_index)).toEqual([LOAD_HISTORY.id]);
  });

  it("an unchanged value neither rewrites storage nor fires change", async () => {
    const saved = [{ id: 1, title: "t", conversation: conversation("t") }];
    localStorage.setItem(KEY, JSON.stringify(saved));
    const { server, store, runner } = setup();
    const spy = vi.spyOn(Storage.prototype, "setItem");
    runner.applyOutputs(SAVE, [null, JSON.parse(JSON.stringify(saved))]);
    await runner.idle();
    expect(spy).not.toHaveBeenCalled();
    expect(predicts(server)).toHaveLength(0);
    expect(store.getValue(BROWSER_STATE.id)).toEqual(saved);
  });

  it.each([
    ["Gradio's encrypted format", "U2FsdGVkX1+Zm9vYmFyYmF6cXV4"],
    ["truncated JSON", '[{"id": 1, "title": "t"'],
    ["a different kind of value", '{"id": 1}'],
    ["JSON null", "null"],
    ["an empty string", ""],
  ])("ignores corrupt data: %s", (_name, raw) => {
    localStorage.setItem(KEY, raw);
    const { store } = setup();
    expect(store.getValue(BROWSER_STATE.id)).toEqual([]);
  });

  it("ignores oversized data", () => {
    const big = JSON.stringify(["x".repeat(MAX_STORED_CHARS)]);
    const fake = { getItem: () => big, setItem: vi.fn(), removeItem: vi.fn() };
    vi.spyOn(globalThis, "localStorage", "get").mockReturnValue(fake as unknown as Storage);
    expect(readBrowserState(KEY, [])).toEqual([]);
    // A value too large to store stays in memory only.
    writeBrowserState(KEY, ["y".repeat(MAX_STORED_CHARS)]);
    expect(fake.setItem).not.toHaveBeenCalled();
  });

  it("never throws when storage is full or unavailable", () => {
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new DOMException("full", "QuotaExceededError");
    });
    const { store, runner } = setup();
    const saved = [{ id: 2, title: "t", conversation: conversation("t") }];
    expect(() => runner.applyOutputs(SAVE, [null, saved])).not.toThrow();
    expect(store.getValue(BROWSER_STATE.id)).toEqual(saved); // kept in memory
    vi.restoreAllMocks();

    vi.spyOn(globalThis, "localStorage", "get").mockImplementation(() => {
      throw new DOMException("denied", "SecurityError");
    });
    expect(() => setup()).not.toThrow();
    expect(readBrowserState(KEY, [])).toEqual([]);
    expect(() => writeBrowserState(KEY, saved)).not.toThrow();
  });

  it("other components are not persisted", () => {
    const { store } = setup();
    const chatbot = config.components.find((c) => c.type === "chatbot")!;
    store.setValue(chatbot.id, conversation("x"));
    expect(localStorage.length).toBe(0);
  });
});
