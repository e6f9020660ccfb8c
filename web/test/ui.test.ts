// Component tests: the real Svelte components in jsdom, over a store and a runner whose client
// records what would be sent to the server.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { Runner } from "../src/api/runner";
import type { AppConfig, Dependency } from "../src/api/types";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";

const CHAT = 1;
const TEXT = 2;

function dep(id: number, target: [number, string], inputs: number[], outputs: number[] = []): Dependency {
  return {
    id, targets: [target], inputs, outputs, backend_fn: true, queue: false, cancels: [],
    types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false,
  };
}

const config: AppConfig = {
  title: "UI test",
  fill_height: true,
  components: [
    { id: 0, type: "column", props: {} },
    { id: CHAT, type: "chatbot", props: { value: [], _retryable: true, _undoable: true, examples: [{ text: "hello" }, { text: "hola", display_text: "Say hola" }], buttons: ["copy", "copy_all"], latex_delimiters: [{ left: "$$", right: "$$", display: true }] } },
    { id: TEXT, type: "textbox", props: { placeholder: "__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"chat_interface.message_placeholder\"}", submit_btn: true, stop_btn: false, lines: 1 } },
  ],
  layout: { id: 0, children: [{ id: CHAT }, { id: TEXT }] },
  dependencies: [
    dep(0, [TEXT, "submit"], [TEXT]),
    dep(1, [CHAT, "retry"], [CHAT]),
    dep(2, [CHAT, "undo"], [CHAT]),
    dep(3, [CHAT, "option_select"], [CHAT]),
    dep(4, [CHAT, "example_select"], [CHAT]),
    dep(5, [CHAT, "clear"], [CHAT]),
  ],
};

const user = (text: string) => ({ role: "user", metadata: null, content: [{ type: "text", text }], options: null });
const bot = (text: string, extra: Record<string, unknown> = {}) => ({ role: "assistant", metadata: null, content: [{ type: "text", text }], options: null, ...extra });

let target: HTMLElement;
let app: ReturnType<typeof mount>;
let store: ReactiveStore;
let sent: any[];

beforeEach(() => {
  sent = [];
  target = document.createElement("div");
  document.body.appendChild(target);
  store = new ReactiveStore(config.components);
  const client = {
    sessionHash: "s",
    isConnected: true,
    predict: vi.fn(async (body: any) => {
      sent.push(body);
      return { data: [] };
    }),
    join: vi.fn(async () => "ev"),
    cancel: vi.fn(async () => {}),
    forget: vi.fn(),
  };
  const runner = new Runner(config.dependencies, store, client as any);
  app = mount(App, { target, props: { config, store, runner, ui: new UIState() } });
  flushSync();
});

afterEach(() => {
  unmount(app);
  target.remove();
});

function setChat(value: unknown) {
  store.setValue(CHAT, value);
  store.flush();
  flushSync();
}

const $ = (s: string) => target.querySelector(s) as HTMLElement;
const $$ = (s: string) => [...target.querySelectorAll(s)] as HTMLElement[];
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  store.flush();
  flushSync();
};

describe("chat view", () => {
  it("groups consecutive messages of one role into one bubble", () => {
    setChat([user("a"), user("b"), bot("c")]);
    const groups = $$(".msg-group");
    expect(groups.map((g) => g.className.includes("user"))).toEqual([true, false]);
    expect(groups[0].querySelectorAll(".message")).toHaveLength(2);
    expect(groups[1].getAttribute("aria-label")).toBe("Assistant's message: c");
  });

  it("re-renders only the message that changed while a reply streams", () => {
    const first = user("first **message**");
    setChat([first, bot("Hel")]);
    const firstChunk = $(".msg-group.user .chunk");
    const firstHtml = firstChunk.innerHTML;
    const botChunk = $(".msg-group.bot .chunk");
    setChat([first, bot("Hello there")]);
    expect($(".msg-group.user .chunk")).toBe(firstChunk); // same DOM node, untouched
    expect(firstChunk.innerHTML).toBe(firstHtml);
    expect($(".msg-group.bot .chunk")).toBe(botChunk);
    expect(botChunk.textContent?.trim()).toBe("Hello there");
  });

  it("renders only the last paragraph again when a streamed reply grows", () => {
    const long = "para one\n\npara two\n\npara thr";
    setChat([user("q"), bot(long)]);
    const chunks = $$(".msg-group.bot .chunk");
    expect(chunks).toHaveLength(3);
    setChat([user("q"), bot(long + "ee")]);
    const after = $$(".msg-group.bot .chunk");
    expect(after[0]).toBe(chunks[0]);
    expect(after[0].innerHTML).toBe(chunks[0].innerHTML);
    expect(after[2].textContent?.trim()).toBe("para three");
  });

  it("sanitises: no handler survives, unknown tags stay visible", () => {
    setChat([user('<img src=x onerror="window.__pwned=1"> <thinking>plan</thinking>')]);
    const bubble = $(".msg-group.user .bubble");
    expect(bubble.querySelector("img")?.getAttribute("onerror")).toBeNull();
    expect(bubble.textContent).toContain("<thinking>plan</thinking>");
    expect((window as any).__pwned).toBeUndefined();
  });

  it("shows thoughts open with a spinner while pending and closed when done", () => {
    const thought = (status: string) => ({
      role: "assistant",
      metadata: { title: "Searching", status, duration: 1.25, log: "3 results" },
      content: [{ type: "text", text: "inner notes" }],
      options: null,
    });
    setChat([user("q"), thought("pending")]);
    const title = $(".thought-title");
    expect(title.getAttribute("aria-expanded")).toBe("true");
    expect($(".thought .spinner")).not.toBeNull();
    expect($(".thought-body").textContent).toContain("inner notes");
    expect(title.textContent).toContain("3 results");
    setChat([user("q"), thought("done"), bot("answer")]);
    expect($(".thought-title").getAttribute("aria-expanded")).toBe("false");
    expect($(".thought-body")).toBeNull();
    $(".thought-title").click();
    flushSync();
    expect($(".thought-body").textContent).toContain("inner notes");
    expect($(".thought-title").textContent).toContain("(1.3s)");
  });

  it("nests thoughts by parent_id", () => {
    setChat([
      user("q"),
      { role: "assistant", metadata: { title: "Plan", id: "p" }, content: [{ type: "text", text: "outer" }], options: null },
      { role: "assistant", metadata: { title: "Step", parent_id: "p" }, content: [{ type: "text", text: "inner" }], options: null },
    ]);
    const outer = $(".thought");
    expect(outer.querySelectorAll(".thought")).toHaveLength(1);
    expect(outer.querySelector(".thought .thought")?.textContent).toContain("inner");
  });

  it("renders files: images inline, other files as download links, components as placeholders", () => {
    setChat([
      user("q"),
      {
        role: "assistant",
        metadata: null,
        options: null,
        content: [
          { type: "file", file: { path: "/tmp/cat.png", url: "http://127.0.0.1:1/gradio_api/file=/tmp/cat.png", mime_type: "image/png", orig_name: "cat.png" }, alt_text: "a cat" },
          { type: "file", file: { path: "/tmp/r.pdf", url: "http://127.0.0.1:1/gradio_api/file=/tmp/r.pdf", orig_name: "report.pdf" } },
          { type: "component", component: "plot", value: null, constructor_args: {}, props: {} },
        ],
      },
    ]);
    const img = $(".msg-group.bot img.media") as HTMLImageElement;
    expect(img.getAttribute("alt")).toBe("a cat");
    const link = $(".msg-group.bot a.file-pill");
    expect(link.getAttribute("download")).toBe("report.pdf");
    expect(link.textContent).toContain("PDF");
    expect($(".component-placeholder").textContent).toBe("[plot]");
  });

  it("shows a three-dot bubble with the queue position while queued", () => {
    setChat([user("q")]);
    store.setStatus(CHAT, {}, { stage: "queued", fnIndex: 9, position: 1, queueSize: 3, eta: 2, since: performance.now() });
    store.flush();
    flushSync();
    expect($(".msg-group.pending .dots")).not.toBeNull();
    expect($(".pending-text").textContent).toBe("Queue 2/3 · ~2.0s");
    expect($(".msg-group.pending").getAttribute("role")).toBe("status");
  });
});

describe("chat events", () => {
  it("example cards fire example_select with the example's text", async () => {
    const cards = $$("button.example");
    expect(cards.map((c) => c.textContent?.trim())).toEqual(["hello", "Say hola"]);
    cards[1].click();
    await settle();
    expect(sent).toEqual([expect.objectContaining({ fn_index: 4, trigger_id: CHAT, event_data: { index: 1, value: { text: "hola", files: [] } } })]);
  });

  it("retry and undo send the last user message; buttons only under the last reply", async () => {
    setChat([user("one"), bot("1"), user("two"), bot("2")]);
    expect($$('button[aria-label="Retry"]')).toHaveLength(1);
    $('button[aria-label="Retry"]').click();
    await settle();
    $('button[aria-label="Undo"]').click();
    await settle();
    const expected = { index: 2, value: [{ type: "text", text: "two" }] };
    expect(sent.map((b) => [b.fn_index, b.event_data])).toEqual([
      [1, expected],
      [2, expected],
    ]);
  });

  it("options on the last reply fire option_select", async () => {
    setChat([user("q"), bot("pick", { options: [{ value: "a", label: "Option A" }, { value: "b" }] })]);
    const buttons = $$("button.option");
    expect(buttons.map((b) => b.textContent)).toEqual(["Option A", "b"]);
    buttons[1].click();
    await settle();
    expect(sent[0]).toMatchObject({ fn_index: 3, event_data: { index: 1, value: "b" } });
  });

  it("clear empties the chat locally and fires clear with the empty value", async () => {
    setChat([user("q"), bot("a")]);
    $('button[aria-label="Clear"]').click();
    await settle();
    expect($$(".msg-group")).toHaveLength(0);
    expect(sent[0]).toMatchObject({ fn_index: 5, data: [[]] });
  });
});

describe("message box", () => {
  const textarea = () => $("textarea") as HTMLTextAreaElement;
  function type(text: string) {
    textarea().value = text;
    textarea().dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
  }
  function key(init: KeyboardEventInit & { keyCode?: number }) {
    const e = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true, ...init });
    if (init.keyCode) Object.defineProperty(e, "keyCode", { value: init.keyCode });
    textarea().dispatchEvent(e);
    return e;
  }

  it("translates the placeholder and labels its buttons", () => {
    expect(textarea().placeholder).toBe("Type a message...");
    expect($('button[aria-label="Submit"]')).not.toBeNull();
    expect(($('button[aria-label="Submit"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it("Enter sends, Shift+Enter does not, Enter while composing (IME) does not", async () => {
    type("こんにちは");
    expect(key({ shiftKey: true }).defaultPrevented).toBe(false);
    expect(key({ isComposing: true }).defaultPrevented).toBe(false);
    expect(key({ keyCode: 229 }).defaultPrevented).toBe(false);
    await settle();
    expect(sent).toHaveLength(0);
    expect(key({}).defaultPrevented).toBe(true);
    await settle();
    expect(sent).toEqual([expect.objectContaining({ fn_index: 0, data: ["こんにちは"], trigger_id: TEXT })]);
  });

  it("with lines > 1, Shift+Enter sends and Enter adds a line", async () => {
    store.updateProps(TEXT, { lines: 3 });
    store.flush();
    flushSync();
    type("first line");
    expect(key({}).defaultPrevented).toBe(false);
    await settle();
    expect(sent).toHaveLength(0);
    expect(key({ shiftKey: true }).defaultPrevented).toBe(true);
    await settle();
    expect(sent).toEqual([expect.objectContaining({ fn_index: 0, data: ["first line"] })]);
  });

  it("does not send an empty message", async () => {
    type("   ");
    key({});
    await settle();
    expect(sent).toHaveLength(0);
  });

  it("follows server updates: disabled without placeholder, Stop instead of Submit, value back on undo", () => {
    store.updateProps(TEXT, { interactive: false, placeholder: "", submit_btn: false, stop_btn: true });
    store.flush();
    flushSync();
    expect(textarea().disabled).toBe(true);
    expect(textarea().placeholder).toBe("");
    expect($('button[aria-label="Submit"]')).toBeNull();
    expect($('button[aria-label="Stop"]')).not.toBeNull();
    store.updateProps(TEXT, { interactive: true, submit_btn: true, stop_btn: false });
    store.setValue(TEXT, "restored text");
    store.flush();
    flushSync();
    expect(textarea().disabled).toBe(false);
    expect(textarea().value).toBe("restored text");
    // The configured placeholder is back once the box is usable.
    expect(textarea().placeholder).toBe("Type a message...");
  });
});
