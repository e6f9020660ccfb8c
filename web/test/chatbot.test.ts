// The chat display in jsdom: feedback, editing, display props, thoughts and options, with
// Chatbot props and message values taken from recordings of Gradio 6.25.0 (test/fixtures).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { Runner } from "../src/api/runner";
import type { AppConfig, Dependency } from "../src/api/types";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";
import { groupItems, sharedPrefix, toItems, type Group, type Item } from "../src/chat";
import { fixture } from "./helpers";

const CHAT = 1;

const recorded: AppConfig = JSON.parse(fixture("streaming_echo_config.json"));
const recordedChat = recorded.components.find((c) => c.type === "chatbot")!;
const recordedFlag = recorded.dependencies.find((d) => d.api_name === "flag")!;

function dep(id: number, event: string, extra: Partial<Dependency> = {}): Dependency {
  return {
    id, targets: [[CHAT, event]], inputs: [CHAT], outputs: [], backend_fn: true, queue: false, cancels: [],
    types: { generator: false, cancel: false }, collects_event_data: true, trigger_after: null,
    trigger_only_on_success: false, ...extra,
  };
}

/** The recorded flag listener, re-pointed at this test's chatbot id (it stays queued). */
const FLAG: Dependency = { ...recordedFlag, id: 35, targets: [[CHAT, "like"]], inputs: [CHAT] };
const DEPS: Dependency[] = [
  FLAG,
  dep(1, "edit"),
  dep(2, "option_select"),
  dep(3, "copy"),
];

const user = (text: string) => ({ role: "user", metadata: null, content: [{ type: "text", text }], options: null });
const bot = (text: string, extra: Record<string, unknown> = {}) => ({ role: "assistant", metadata: null, content: [{ type: "text", text }], options: null, ...extra });
const image = (role: string) => ({
  role, metadata: null, options: null,
  content: [{ type: "file", file: { path: "/tmp/a.png", url: "http://h/gradio_api/file=/tmp/a.png", mime_type: "image/png" }, alt_text: null }],
});

let target: HTMLElement;
let app: ReturnType<typeof mount> | null = null;
let store: ReactiveStore;
let sent: any[];

/** Mounts a page holding one chatbot with the recorded props plus `props`. */
function mountChat(props: Record<string, unknown> = {}, value: unknown[] = []) {
  const { value: _unused, ...base } = recordedChat.props;
  const config: AppConfig = {
    title: "chatbot test",
    components: [
      { id: 0, type: "column", props: {} },
      { id: CHAT, type: "chatbot", props: { ...base, ...props, value } },
    ],
    layout: { id: 0, children: [{ id: CHAT }] },
    dependencies: DEPS,
  };
  store = new ReactiveStore(config.components);
  const client = {
    sessionHash: "s",
    isConnected: true,
    predict: vi.fn(async (body: any) => {
      sent.push(body);
      return { data: [] };
    }),
    // A queued event: answered with process_completed on the next turn of the event loop.
    join: vi.fn(async (body: any, onMessage: (m: any) => void) => {
      sent.push(body);
      setTimeout(() => onMessage({ msg: "process_completed", event_id: "ev", output: { data: [] }, success: true }));
      return "ev";
    }),
    cancel: vi.fn(async () => {}),
    forget: vi.fn(),
  };
  const runner = new Runner(config.dependencies, store, client as any);
  app = mount(App, { target, props: { config, store, runner, ui: new UIState() } });
  flushSync();
}

beforeEach(() => {
  sent = [];
  target = document.createElement("div");
  document.body.appendChild(target);
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  target.remove();
});

function setChat(value: unknown) {
  store.setValue(CHAT, value);
  store.flush();
  flushSync();
}
const BUSY_OWNER = {};
function setBusy(on: boolean) {
  store.setStatus(CHAT, BUSY_OWNER, on ? { stage: "generating", fnIndex: 9, position: null, queueSize: null, eta: null, since: performance.now() } : null);
  store.flush();
  flushSync();
}

const $ = (s: string, root: ParentNode = target) => root.querySelector(s) as HTMLElement;
const $$ = (s: string, root: ParentNode = target) => [...root.querySelectorAll(s)] as HTMLElement[];
const settle = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
  store.flush();
  flushSync();
};
function key(el: Element, k: string, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}
function click(el: HTMLElement) {
  el.click();
  flushSync();
}
async function nextFrame() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

// ---------------------------------------------------------------- feedback

describe("feedback (likeable, feedback_options)", () => {
  it("shows the thumb for Like, no Dislike when not an option, and the others under a flag", () => {
    mountChat();
    setChat([user("hi"), bot("hi hi")]);
    const botBar = $(".msg-group.bot .actions");
    expect($('button[aria-label="Like"]', botBar)).not.toBeNull();
    expect($('button[aria-label="Dislike"]', botBar)).toBeNull();
    const flag = $('button[aria-haspopup="menu"]', botBar);
    expect(flag.getAttribute("aria-expanded")).toBe("false");
    // Not on the user's message unless like_user_message.
    expect($(".msg-group.user .feedback")).toBeNull();
  });

  it("a click fires like once with LikeData; clicking again takes it back with liked ''", async () => {
    mountChat();
    setChat([user("hi"), bot("hi hi")]);
    const like = $('.msg-group.bot button[aria-label="Like"]');
    click(like);
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      fn_index: FLAG.id,
      trigger_id: CHAT,
      event_data: { index: 1, value: ["hi hi"], liked: true },
    });
    const liked = $('.msg-group.bot .feedback button[aria-pressed="true"]');
    expect(liked.classList.contains("active")).toBe(true);
    click(liked);
    await settle();
    expect(sent).toHaveLength(2);
    expect(sent[1].event_data).toEqual({ index: 1, value: ["hi hi"], liked: "" });
    expect($('.msg-group.bot .feedback button[aria-pressed="true"]')).toBeNull();
  });

  it("Dislike sends liked false; the index is the first message of the group", async () => {
    mountChat({ feedback_options: ["Like", "Dislike"] });
    setChat([user("q"), bot("a"), bot("b")]);
    click($('.msg-group.bot button[aria-label="Dislike"]'));
    await settle();
    expect(sent.map((b) => b.event_data)).toEqual([
      { index: 1, value: ["a", "b"], liked: false },
    ]);
  });

  it("the custom options menu is reachable and operable from the keyboard", async () => {
    mountChat();
    setChat([user("hi"), bot("hi hi")]);
    const flag = $('.msg-group.bot button[aria-haspopup="menu"]');
    flag.focus();
    key(flag, "ArrowDown");
    await nextFrame();
    expect(flag.getAttribute("aria-expanded")).toBe("true");
    const menu = $('[role="menu"]');
    const items = $$('[role="menuitemradio"]', menu);
    expect(items.map((i) => i.textContent?.trim())).toEqual(["Spam", "Inappropriate", "Other"]);
    expect(document.activeElement).toBe(items[0]);
    key(document.activeElement!, "ArrowDown");
    expect(document.activeElement).toBe(items[1]);
    key(document.activeElement!, "End");
    expect(document.activeElement).toBe(items[2]);
    key(document.activeElement!, "ArrowDown"); // wraps
    expect(document.activeElement).toBe(items[0]);
    key(document.activeElement!, "ArrowUp");
    expect(document.activeElement).toBe(items[2]);
    key(document.activeElement!, "Home");
    expect(document.activeElement).toBe(items[0]);
    // Escape closes and gives focus back to the flag.
    key(document.activeElement!, "Escape");
    await nextFrame();
    expect($('[role="menu"]')).toBeNull();
    expect(document.activeElement).toBe(flag);
    expect(sent).toHaveLength(0);

    // Enter/Space on a button is a click: the menu opens with the first option focused.
    click(flag);
    await nextFrame();
    expect(document.activeElement).toBe($$('[role="menuitemradio"]')[0]);
    key(document.activeElement!, "ArrowDown");
    click(document.activeElement as HTMLElement); // "Inappropriate"
    await settle();
    expect(sent).toHaveLength(1); // once (Gradio fires custom options twice)
    expect(sent[0].event_data).toEqual({ index: 1, value: ["hi hi"], liked: "Inappropriate" });
    expect($('[role="menu"]')).toBeNull();
    expect(flag.classList.contains("active")).toBe(true);

    // The chosen option is marked; choosing it again takes it back.
    click(flag);
    await nextFrame();
    const chosen = $('[role="menuitemradio"][aria-checked="true"]');
    expect(chosen.textContent?.trim()).toBe("Inappropriate");
    expect(document.activeElement).toBe(chosen);
    click(chosen);
    await settle();
    expect(sent[1].event_data.liked).toBe("");
    expect(flag.classList.contains("active")).toBe(false);
  });

  it("a press outside closes the menu", async () => {
    mountChat();
    setChat([user("hi"), bot("hi hi")]);
    click($('.msg-group.bot button[aria-haspopup="menu"]'));
    await nextFrame();
    expect($('[role="menu"]')).not.toBeNull();
    document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    flushSync();
    expect($('[role="menu"]')).toBeNull();
  });

  it("like_user_message adds the buttons to user messages", () => {
    mountChat({ like_user_message: true });
    setChat([user("hi"), bot("hi hi")]);
    expect($('.msg-group.user button[aria-label="Like"]')).not.toBeNull();
  });

  it("no buttons unless likeable", () => {
    mountChat({ likeable: false });
    setChat([user("hi"), bot("hi hi")]);
    expect($(".feedback")).toBeNull();
  });

  it("feedback_value presets the choice of each assistant reply", () => {
    mountChat({ feedback_options: ["Like", "Dislike"], feedback_value: ["Dislike", null] });
    setChat([user("a"), bot("1"), user("b"), bot("2")]);
    const bars = $$(".msg-group.bot .feedback");
    expect($('button[aria-pressed="true"]', bars[0])?.getAttribute("title")).toBe("Dislike");
    expect($('button[aria-pressed="true"]', bars[1])).toBeNull();
  });

  it("a new conversation in the same place does not inherit the old choice", async () => {
    mountChat({ feedback_options: ["Like", "Dislike"] });
    setChat([user("a"), bot("1")]);
    click($('.msg-group.bot button[aria-label="Like"]'));
    await settle();
    setChat([user("other"), bot("conversation")]);
    expect($('.msg-group.bot button[aria-pressed="true"]')).toBeNull();
  });
});

// ---------------------------------------------------------------- editing

describe("edit (editable)", () => {
  it("shows the pencil under the user's text messages only", () => {
    mountChat({ editable: "user" });
    setChat([user("first"), bot("reply"), image("user"), bot("seen")]);
    const groups = $$(".msg-group");
    expect(groups.map((g) => !!$('button[aria-label="Edit"]', g))).toEqual([true, false, false, false]);
  });

  it("editable='all' also edits the assistant's text", () => {
    mountChat({ editable: "all" });
    setChat([user("first"), bot("reply")]);
    expect($$('button[aria-label="Edit"]')).toHaveLength(2);
  });

  it("submits EditData with Ctrl+Enter and leaves edit mode", async () => {
    mountChat({ editable: "user" });
    setChat([user("first"), bot("reply"), user("second"), bot("reply 2")]);
    const second = $$(".msg-group.user")[1];
    click($('button[aria-label="Edit"]', second));
    await nextFrame();
    const ta = $("textarea.edit-input", second) as HTMLTextAreaElement;
    expect(ta.value).toBe("second");
    expect($(".bubble", second)).toBeNull();
    expect(document.activeElement).toBe(ta);
    ta.value = "second, edited";
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    // Plain Enter is a newline, not a submit.
    expect(key(ta, "Enter").defaultPrevented).toBe(false);
    expect(key(ta, "Enter", { ctrlKey: true }).defaultPrevented).toBe(true);
    await settle();
    expect(sent).toEqual([
      expect.objectContaining({ fn_index: 1, trigger_id: CHAT, event_data: { index: 2, value: "second, edited", previous_value: "second" } }),
    ]);
    expect($("textarea.edit-input")).toBeNull();
    expect($(".bubble", $$(".msg-group.user")[1])).not.toBeNull();
  });

  it("the ✓ button submits (Cmd+Enter too), ✕ and Escape cancel without an event", async () => {
    mountChat({ editable: "user" });
    setChat([user("text"), bot("reply")]);
    click($('button[aria-label="Edit"]'));
    await nextFrame();
    click($('button[aria-label="Cancel edit"]'));
    await nextFrame();
    expect($("textarea.edit-input")).toBeNull();
    expect(document.activeElement).toBe($('button[aria-label="Edit"]'));

    click($('button[aria-label="Edit"]'));
    await nextFrame();
    key($("textarea.edit-input"), "Escape");
    expect($("textarea.edit-input")).toBeNull();
    await settle();
    expect(sent).toHaveLength(0);

    click($('button[aria-label="Edit"]'));
    await nextFrame();
    const ta = $("textarea.edit-input") as HTMLTextAreaElement;
    ta.value = "new";
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    click($('button[aria-label="Submit edit"]'));
    await settle();
    expect(sent.map((b) => b.event_data)).toEqual([{ index: 0, value: "new", previous_value: "text" }]);

    click($('button[aria-label="Edit"]'));
    await nextFrame();
    key($("textarea.edit-input"), "Enter", { metaKey: true });
    await settle();
    expect(sent).toHaveLength(2);
  });

  it("an empty edit cannot be submitted; the pencil waits while a reply is generated", async () => {
    mountChat({ editable: "user" });
    setChat([user("text"), bot("reply")]);
    click($('button[aria-label="Edit"]'));
    await nextFrame();
    const ta = $("textarea.edit-input") as HTMLTextAreaElement;
    ta.value = "   ";
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(($('button[aria-label="Submit edit"]') as HTMLButtonElement).disabled).toBe(true);
    key(ta, "Enter", { ctrlKey: true });
    key(ta, "Escape");
    setBusy(true);
    expect(($('button[aria-label="Edit"]') as HTMLButtonElement).disabled).toBe(true);
    await settle();
    expect(sent).toHaveLength(0);
  });

  it("in a group of a file and a text, the text message is the one edited", async () => {
    mountChat({ editable: "user" });
    setChat([image("user"), user("describe it"), bot("a cat")]);
    click($('button[aria-label="Edit"]'));
    await nextFrame();
    expect(($("textarea.edit-input") as HTMLTextAreaElement).value).toBe("describe it");
    click($('button[aria-label="Submit edit"]'));
    await settle();
    expect(sent[0].event_data).toEqual({ index: 1, value: "describe it", previous_value: "describe it" });
  });

  it("no pencil without editable", () => {
    mountChat();
    setChat([user("text"), bot("reply")]);
    expect($('button[aria-label="Edit"]')).toBeNull();
  });
});

// ---------------------------------------------------------------- display props

describe("display props", () => {
  it("avatar_images: FileData or URL, user first, bot second, also on the pending bubble", () => {
    mountChat({ avatar_images: [null, { path: "/b.png", url: "http://h/gradio_api/file=/b.png" }] });
    setChat([user("q"), bot("a")]);
    expect($(".msg-group.user .avatar")).toBeNull();
    expect($(".msg-group.bot .avatar").getAttribute("src")).toBe("http://h/gradio_api/file=/b.png");
    expect($(".msg-group.bot").classList.contains("with-avatar")).toBe(true);
    setChat([user("q"), bot("a"), user("again")]);
    setBusy(true);
    expect($(".msg-group.pending .avatar")).not.toBeNull();
  });

  it("avatar_images as plain URLs for both roles", () => {
    mountChat({ avatar_images: ["/u.png", "/b.png"] });
    setChat([user("q"), bot("a")]);
    expect($$(".avatar").map((i) => i.getAttribute("src"))).toEqual(["/u.png", "/b.png"]);
  });

  it("layout='panel' marks the chatbot for full-width rows", () => {
    mountChat({ layout: "panel" });
    setChat([user("q"), bot("a")]);
    expect($(".chatbot").classList.contains("panel")).toBe(true);
    mountAgainWith({});
    expect($(".chatbot").classList.contains("panel")).toBe(false);
  });

  it("group_consecutive_messages=false gives each message its own bubble and buttons", () => {
    mountChat({ group_consecutive_messages: false });
    setChat([user("a"), user("b"), bot("c"), bot("d")]);
    const groups = $$(".msg-group");
    expect(groups).toHaveLength(4);
    expect(groups.map((g) => $$('button[aria-label="Copy message"]', g).length)).toEqual([1, 1, 1, 1]);
    // Feedback on each assistant message, with its own index.
    expect($$(".msg-group.bot .feedback")).toHaveLength(2);
  });

  it("group_consecutive_messages=false still nests a thought's children under it", () => {
    mountChat({ group_consecutive_messages: false });
    setChat([
      user("q"),
      { role: "assistant", metadata: { title: "Plan", id: 1 }, content: [{ type: "text", text: "outer" }], options: null },
      { role: "assistant", metadata: { title: "Step", id: 2, parent_id: 1 }, content: [{ type: "text", text: "inner" }], options: null },
      bot("answer"),
    ]);
    expect($$(".msg-group")).toHaveLength(3);
    expect($$(".msg-group")[1].querySelectorAll(".thought .thought")).toHaveLength(1);
  });

  it("render_markdown=false shows the source as plain text", () => {
    mountChat({ render_markdown: false });
    setChat([user("**not bold**\nsecond line")]);
    const plain = $(".msg-group.user .plain");
    expect(plain.textContent).toBe("**not bold**\nsecond line");
    expect($(".msg-group.user strong")).toBeNull();
  });

  it("height, min_height, max_height and resizable", () => {
    mountChat({ height: 500, min_height: "20vh", max_height: 900, resizable: true });
    const box = $(".chatbot");
    expect(box.style.height).toBe("500px");
    expect(box.style.minHeight).toBe("20vh");
    expect(box.style.maxHeight).toBe("900px");
    expect(box.classList.contains("resizable")).toBe(true);
  });

  it("placeholder Markdown and example cards in the empty chat", () => {
    mountChat({ placeholder: "<strong>Your Personal Yes-Man</strong><br>Ask Me Anything", examples: [{ text: "hello" }] });
    expect($(".empty .placeholder strong").textContent).toBe("Your Personal Yes-Man");
    expect($(".empty button.example")).not.toBeNull();
    setChat([user("q")]);
    expect($(".empty")).toBeNull();
  });

  it("rtl sets the text direction", () => {
    mountChat({ rtl: true });
    expect($('[role="log"]').getAttribute("dir")).toBe("rtl");
  });

  it("buttons: copy and copy_all only when listed (share is never shown)", () => {
    mountChat({ buttons: ["copy"] });
    setChat([user("q"), bot("a")]);
    expect($$('button[aria-label="Copy message"]')).toHaveLength(2);
    expect($('button[aria-label="Copy conversation"]')).toBeNull();
    expect($('button[aria-label*="hare"]')).toBeNull();
    mountAgainWith({ buttons: ["copy_all"] });
    setChat([user("q"), bot("a")]);
    expect($$('button[aria-label="Copy message"]')).toHaveLength(0);
    expect($('button[aria-label="Copy conversation"]')).not.toBeNull();
  });

  it("watermark is appended to copies; the copy event carries the text without it", async () => {
    const writes: string[] = [];
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void writes.push(t) }, configurable: true });
    mountChat({ watermark: "Generated by AI" });
    setChat([user("q"), bot("answer")]);
    click($('.msg-group.bot button[aria-label="Copy message"]'));
    await settle();
    click($('button[aria-label="Copy conversation"]'));
    await settle();
    expect(writes).toEqual(["answer\n\nGenerated by AI", "user: q\n\nassistant: answer\n\nGenerated by AI"]);
    expect(sent.filter((b) => b.fn_index === 3).map((b) => b.event_data)).toEqual([{ value: "answer" }]);
    expect($('.msg-group.bot button[aria-label="Copied message"]')).not.toBeNull();
  });

  it("sanitize_html=false keeps trusted markup but never scripts or handlers", () => {
    mountChat({ sanitize_html: false });
    setChat([bot('<button class="x">ok</button><img src="x" onerror="window.__bad=1"><script>window.__bad=2</script>')]);
    expect($(".msg-group.bot button.x")).not.toBeNull();
    expect($(".msg-group.bot img").getAttribute("onerror")).toBeNull();
    expect($(".msg-group.bot script")).toBeNull();
    mountAgainWith({});
    setChat([bot('<button class="x">ok</button>')]);
    expect($(".msg-group.bot button.x")).toBeNull();
  });

  it("allow_tags and latex_delimiters reach the Markdown renderer", () => {
    mountChat({ allow_tags: ["thinking"], latex_delimiters: [{ left: "$", right: "$", display: false }] });
    setChat([bot("<thinking>plan</thinking> and $x^2$")]);
    expect($(".msg-group.bot thinking")?.textContent).toBe("plan");
    // KaTeX loads lazily: until then the TeX is shown as pending math.
    expect($(".msg-group.bot .math-pending, .msg-group.bot .katex")).not.toBeNull();
  });
});

function mountAgainWith(props: Record<string, unknown>) {
  if (app) unmount(app);
  target.textContent = "";
  mountChat(props);
}

// ---------------------------------------------------------------- thoughts

/** The message lists of each `event: generating|complete` frame of a /call recording. */
function frames(name: string): any[][] {
  return [...fixture(name).matchAll(/^event: (?:generating|complete)\ndata: (.*)$/gm)]
    .map((m) => JSON.parse(m[1])[0])
    .map((d) => (Array.isArray(d) ? d : [d]))
    .map((list) => list.map((m: any) => ({ ...m, content: [{ type: "text", text: m.content }] })));
}

describe("thoughts (metadata)", () => {
  const Q = user("What is the weather in San Francisco right now?");

  it("nested thoughts from the recording nest by id/parent_id to any depth", () => {
    mountChat();
    const all = frames("nested_thoughts_call.txt");
    setChat([Q, ...all.at(-1)!]);
    const bubble = $(".msg-group.bot .bubble");
    const top = $$(":scope > .thought", bubble);
    expect(top).toHaveLength(1);
    const root = top[0];
    expect(root.querySelector(".thought-title")!.textContent).toContain("Using Weather Tool");
    // Done: closed, with its duration.
    expect(root.querySelector(".thought-title")!.getAttribute("aria-expanded")).toBe("false");
    expect(root.querySelector(".thought-title")!.textContent).toContain("(1.4s)");
    click(root.querySelector(".thought-title") as HTMLElement);
    const level2 = $$(":scope > .thought-body > .thought", root);
    expect(level2.map((t) => t.querySelector(".thought-label")!.textContent!.trim())).toEqual(["Checking weather.com", "Checking sunny.org"]);
    // No status: open. Duration 0.05 s → "50.0 ms".
    expect(level2[0].querySelector(".thought-title")!.getAttribute("aria-expanded")).toBe("true");
    expect(level2[0].querySelector(".thought-title")!.textContent).toContain("(50.0 ms)");
    // Third level under "Checking sunny.org" (done → closed).
    click(level2[1].querySelector(".thought-title") as HTMLElement);
    const level3 = $$(":scope > .thought-body > .thought", level2[1]);
    expect(level3).toHaveLength(1);
    expect(level3[0].textContent).toContain("I will try again");
    expect(level3[0].textContent).toContain("Failed again");
    expect(level3[0].querySelector(".thought-title")!.textContent).toContain("(0.1s)");
    // The plain messages stay outside the thought, in order.
    const messages = $$(":scope > .message", bubble).map((m) => m.textContent!.trim());
    expect(messages[0]).toContain("I will need to use my weather tool");
    expect(messages[1]).toContain("60 degrees and sunny");
  });

  it("streams: pending is open with a spinner, done closes, dots while waiting after a done thought", () => {
    mountChat();
    const all = frames("nested_thoughts_call.txt");
    setBusy(true);
    setChat([Q, ...all[1]]); // "Using Weather Tool" pending, empty
    const title = () => $(".msg-group.bot .thought-title");
    expect(title().getAttribute("aria-expanded")).toBe("true");
    expect($(".msg-group.bot .thought .spinner")).not.toBeNull();
    expect($(".msg-group.pending")).toBeNull(); // the spinner says it is working
    // The frame where every thought is done but the answer has not come yet.
    const waiting = all.findIndex((f) => f.length === 5 && f[1].metadata.status === "done");
    expect(waiting).toBeGreaterThan(0);
    setChat([Q, ...all[waiting]]);
    expect(title().getAttribute("aria-expanded")).toBe("false");
    expect($(".msg-group.bot .thought .spinner")).toBeNull();
    expect($(".msg-group.pending .dots")).not.toBeNull();
    setChat([Q, ...all.at(-1)!]);
    expect($(".msg-group.pending")).toBeNull();
    setBusy(false);
  });

  it("a thought toggled by hand keeps its state while the reply streams", () => {
    mountChat();
    const all = frames("thoughts_call.txt");
    const Qw = user("Why?");
    setChat([Qw, ...all[1]]); // pending → open
    click($(".thought-title")); // closed by hand
    expect($(".thought-title").getAttribute("aria-expanded")).toBe("false");
    for (const f of all.slice(2)) {
      setChat([Qw, ...f]);
      expect($(".thought-title").getAttribute("aria-expanded")).toBe("false");
    }
    // Opened by hand after it closed itself: stays open as the answer arrives.
    mountAgainWith({});
    const done = all.findIndex((f) => f[0].metadata.status === "done");
    setChat([Qw, ...all[done]]);
    expect($(".thought-title").getAttribute("aria-expanded")).toBe("false");
    click($(".thought-title"));
    setChat([Qw, ...all.at(-1)!]);
    expect($(".thought-title").getAttribute("aria-expanded")).toBe("true");
  });

  it("the title is a keyboard-operable button; log is muted after it", () => {
    mountChat();
    setChat([Q, { role: "assistant", metadata: { title: "Search", log: "3 results", status: "pending" }, content: [{ type: "text", text: "x" }], options: null }]);
    const t = $(".thought-title");
    expect(t.tagName).toBe("BUTTON");
    expect(t.getAttribute("aria-controls")).toBe($(".thought-body").id);
    expect($(".thought-log", t).textContent).toBe("3 results");
  });

  it("copies thoughts as an indented outline", async () => {
    const writes: string[] = [];
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void writes.push(t) }, configurable: true });
    mountChat();
    setChat([
      Q,
      { role: "assistant", metadata: { title: "Plan", id: "a" }, content: [{ type: "text", text: "outer" }], options: null },
      { role: "assistant", metadata: { title: "Step", id: "b", parent_id: "a" }, content: [{ type: "text", text: "inner" }], options: null },
      bot("answer"),
    ]);
    click($('.msg-group.bot button[aria-label="Copy message"]'));
    await settle();
    expect(writes[0]).toBe("Plan\n\n  outer\n\n  Step\n\n    inner\n\nanswer");
  });
});

// ---------------------------------------------------------------- options

describe("options (suggested replies)", () => {
  const reply = frames("options_call.txt").at(-1)!.map((m) => ({ ...m }));

  it("shows the last reply's options (label, else value) and fires option_select", async () => {
    mountChat();
    setChat([user("Write an example Python lambda function."), ...reply]);
    const buttons = $$("button.option");
    expect(buttons.map((b) => b.textContent)).toEqual(["Yes", "No"]);
    click(buttons[1]);
    await settle();
    expect(sent).toEqual([expect.objectContaining({ fn_index: 2, trigger_id: CHAT, event_data: { index: 1, value: "No" } })]);
    click($$("button.option")[0]);
    await settle();
    expect(sent[1].event_data).toEqual({ index: 0, value: "Yes, that's correct." });
  });

  it("hides them while a reply is pending and when the last message is not the assistant's", () => {
    mountChat();
    setChat([user("q"), ...reply]);
    setBusy(true);
    expect($$("button.option")).toHaveLength(0);
    setBusy(false);
    expect($$("button.option")).toHaveLength(2);
    setChat([user("q"), ...reply, user("next")]);
    expect($$("button.option")).toHaveLength(0);
    // Options of an older reply do not show.
    setChat([user("q"), ...reply, user("next"), bot("plain")]);
    expect($$("button.option")).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- long conversations

describe("long conversations: the latest groups are rendered, earlier ones as the reader scrolls up", () => {
  // jsdom has no IntersectionObserver (the chat then renders everything): a stand-in whose
  // callback the test calls as if the sentinel above the rendered groups came into view.
  class FakeObserver {
    static all: FakeObserver[] = [];
    targets = new Set<Element>();
    constructor(readonly callback: IntersectionObserverCallback) {
      FakeObserver.all.push(this);
    }
    observe(t: Element) {
      this.targets.add(t);
    }
    unobserve(t: Element) {
      this.targets.delete(t);
    }
    disconnect() {
      this.targets.clear();
    }
    takeRecords() {
      return [];
    }
  }
  function scrollToSentinel() {
    const sentinel = $(".messages > .reveal");
    const io = FakeObserver.all.find((o) => o.targets.has(sentinel))!;
    io.callback([{ isIntersecting: true, target: sentinel } as unknown as IntersectionObserverEntry], io as unknown as IntersectionObserver);
    flushSync();
  }
  const pairs = (n: number, tag = "") => Array.from({ length: n }, (_, i) => [user(`q${tag}${i}`), bot(`a${tag}${i}`)]).flat();
  const texts = () => $$(".msg-group .bubble").map((b) => b.textContent!.trim());

  beforeEach(() => {
    FakeObserver.all = [];
    vi.stubGlobal("IntersectionObserver", FakeObserver);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("renders the last 40 groups; the sentinel reveals 40 more at a time, down to the first", () => {
    mountChat();
    setChat(pairs(100));
    expect(texts()).toHaveLength(40);
    expect(texts()[0]).toBe("q80");
    expect(texts().at(-1)).toBe("a99");
    const shown = $$(".msg-group")[0];
    scrollToSentinel();
    expect(texts()).toHaveLength(80);
    expect(texts()[0]).toBe("q60");
    expect($$(".msg-group")[40]).toBe(shown); // prepended, the rendered ones untouched
    for (let i = 0; i < 3; i++) scrollToSentinel();
    expect(texts()).toEqual(pairs(100).map((m) => m.content[0].text));
    expect($(".messages > .reveal")).toBeNull();
  });

  it("keeps its first group while a reply streams; a sent message trims back to the end", () => {
    mountChat();
    const value = pairs(100);
    setChat(value);
    for (let i = 0; i < 3; i++) scrollToSentinel();
    expect(texts()[0]).toBe("q20");
    const first = $$(".msg-group")[0];
    setChat([...value.slice(0, -1), bot("a99, longer")]);
    expect($$(".msg-group")[0]).toBe(first);
    // Sent: back at the end, the far earlier groups go.
    setChat([...value, user("next")]);
    expect(texts()).toHaveLength(40);
    expect(texts()[0]).toBe("a80");
    const top = $$(".msg-group")[0];
    setChat([...value, user("next"), bot("st")]);
    setChat([...value, user("next"), bot("streamed")]);
    expect($$(".msg-group")[0]).toBe(top);
    expect(texts().slice(-2)).toEqual(["next", "streamed"]);
  });

  it("another conversation starts from its end", () => {
    mountChat();
    setChat(pairs(100));
    for (let i = 0; i < 4; i++) scrollToSentinel();
    expect(texts()).toHaveLength(200);
    setChat(pairs(30, "b"));
    expect(texts()).toHaveLength(40);
    expect(texts()[0]).toBe("qb10");
    setChat(pairs(10));
    expect(texts()).toHaveLength(20);
    expect($(".messages > .reveal")).toBeNull();
  });

  it("events, edits and copy-all refer to the whole conversation", async () => {
    const writes: string[] = [];
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void writes.push(t) }, configurable: true });
    mountChat({ editable: "user" });
    setChat(pairs(100));
    click($$('.msg-group.bot button[aria-label="Like"]').at(-1)!);
    await settle();
    expect(sent[0].event_data).toMatchObject({ index: 199, liked: true });
    click($$('.msg-group.user button[aria-label="Edit"]')[0]);
    await nextFrame();
    const ta = $("textarea.edit-input") as HTMLTextAreaElement;
    expect(ta.value).toBe("q80");
    ta.value = "q80, edited";
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    key(ta, "Enter", { ctrlKey: true });
    await settle();
    expect(sent[1].event_data).toEqual({ index: 160, value: "q80, edited", previous_value: "q80" });
    click($('button[aria-label="Copy conversation"]'));
    await settle();
    expect(writes[0].startsWith("user: q0\n\nassistant: a0\n\n")).toBe(true);
    expect(writes[0].endsWith("assistant: a99")).toBe(true);
  });
});

describe("toItems with the previous value", () => {
  it("keeps the items of the unchanged leading messages, makes the rest afresh", () => {
    const system = { role: "system", metadata: null, content: "be brief", options: null };
    const value = [system, user("a"), bot("b"), user("c"), bot("d")];
    const items = toItems(value);
    expect(items.map((it) => it.index)).toEqual([1, 2, 3, 4]);
    const next = [...value.slice(0, 4), bot("d, longer"), user("e")];
    const again = toItems(next, { value, items });
    expect(again.slice(0, 3)).toEqual(items.slice(0, 3));
    expect(again[0]).toBe(items[0]);
    expect(again.map((it) => [it.index, it.parts[0]])).toEqual([
      [1, { type: "text", text: "a" }], [2, { type: "text", text: "b" }], [3, { type: "text", text: "c" }],
      [4, { type: "text", text: "d, longer" }], [5, { type: "text", text: "e" }],
    ]);
    // A message replaced in the middle: it and what follows are looked at again.
    const edited = [system, next[1], bot("B"), ...next.slice(3)];
    const third = toItems(edited, { value: next, items: again });
    expect(third[0]).toBe(again[0]);
    expect(third[1].message).toBe(edited[2]);
    expect(third[2]).toBe(again[2]);
    expect(toItems(edited.slice(0, 2), { value: edited, items: third })).toEqual([third[0]]);
  });
});

describe("groupItems from the previous groups", () => {
  it("gives the groups that grouping afresh gives, keeping the unchanged ones", () => {
    // Random edits of the kinds a chat sees (a reply grows, messages are added, one in the
    // middle is replaced, the tail is cut), with and without group_consecutive_messages.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const message = (i: number) => {
      const role = ["user", "assistant", "assistant", "system"][random(4)];
      const thought = role === "assistant" && random(3) === 0;
      const metadata = thought ? { id: `t${i}`, title: "step" } : random(4) === 0 ? { parent_id: `t${i - 1 - random(3)}` } : null;
      return { role, metadata, content: [{ type: "text", text: `m${i}` }], options: null };
    };
    const shape = (groups: Group[]) => groups.map((g) => [g.key, g.role, g.items.map((it) => it.index)]);
    for (const consecutive of [true, false]) {
      let value: any[] = [];
      let prev: { value: unknown; items: Item[]; groups: Group[] } | undefined;
      for (let step = 0; step < 400; step++) {
        const next = [...value];
        const kind = random(6);
        if (kind <= 1 && next.length) next[next.length - 1] = { ...next.at(-1), content: [{ type: "text", text: `longer ${step}` }] };
        else if (kind === 2 && next.length) next[random(next.length)] = message(step);
        else if (kind === 3 && next.length) next.length = random(next.length);
        else next.push(message(step));
        const items = toItems(next, prev);
        const groups = groupItems(items, prev?.groups, consecutive, sharedPrefix(prev?.value, next));
        expect(shape(groups)).toEqual(shape(groupItems(toItems(next), [], consecutive)));
        // A group of the previous answer whose messages are all untouched is the same object.
        const untouched = sharedPrefix(prev?.value, next);
        for (const g of prev?.groups ?? []) {
          const now = groups.find((x) => x.key === g.key);
          if (now && g.items.at(-1)!.index < untouched - 1 && now.items.length === g.items.length) expect(now).toBe(g);
        }
        value = next;
        prev = { value, items, groups };
      }
    }
  });
});
