// Blocks layouts and components beyond the chat in jsdom: gr.Code, Tabs/Tab, Sidebar, Group,
// Row/Column, HTML and Button variants, plus the likeable chatbot and its placeholder. Recorded
// Gradio 6.25.0 configs (test/fixtures: artifacts, prefill, custom_chatbot) are mounted as they
// are; a small hand-made config holds what those demos do not use.
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { Runner } from "../src/api/runner";
import type { AppConfig, ComponentConfig, Dependency } from "../src/api/types";
import { codeLanguage, downloadExtension, highlightedLines } from "../src/code";
import { groupItems, likeValue, toItems } from "../src/chat";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";
import { fixture } from "./helpers";

interface Mounted {
  target: HTMLElement;
  store: ReactiveStore;
  runner: Runner;
  /** Bodies of every predict (queue: false) and join (queued) call, in order. */
  sent: any[];
  $: (s: string) => HTMLElement;
  $$: (s: string) => HTMLElement[];
  settle: () => Promise<void>;
}

let mounted: ReturnType<typeof mount> | null = null;
let host: HTMLElement | null = null;

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  host?.remove();
  host = null;
});

/**
 * Mounts the page over a client that records what it sends. `reply(body)` gives a dependency's
 * output data: at once for predict, as process_completed on the next turn for queued events.
 */
function render(config: AppConfig, reply: (body: any) => unknown[] = () => []): Mounted {
  const sent: any[] = [];
  host = document.createElement("div");
  document.body.appendChild(host);
  const store = new ReactiveStore(config.components);
  const client = {
    sessionHash: "s",
    isConnected: true,
    predict: vi.fn(async (body: any) => {
      sent.push(body);
      return { data: reply(body) };
    }),
    join: vi.fn(async (body: any, onMessage: (m: any) => void) => {
      sent.push(body);
      setTimeout(() => onMessage({ msg: "process_completed", event_id: "ev", output: { data: reply(body) }, success: true }));
      return "ev";
    }),
    cancel: vi.fn(async () => {}),
    forget: vi.fn(),
  };
  const ui = new UIState();
  const runner = new Runner(config.dependencies, store, client as any);
  mounted = mount(App, { target: host, props: { config, store, runner, ui } });
  flushSync();
  const target = host;
  return {
    target, store, runner, sent,
    $: (s) => target.querySelector(s) as HTMLElement,
    $$: (s) => [...target.querySelectorAll(s)] as HTMLElement[],
    settle: async () => {
      for (let i = 0; i < 4; i++) {
        await runner.idle();
        await new Promise((r) => setTimeout(r, 0));
      }
      store.flush();
      flushSync();
    },
  };
}

function click(el: Element) {
  (el as HTMLElement).click();
  flushSync();
}

function key(el: Element, k: string) {
  const e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

function dep(id: number, target: [number, string], inputs: number[] = [], outputs: number[] = [], extra: Partial<Dependency> = {}): Dependency {
  return {
    id, targets: [target], inputs, outputs, backend_fn: true, queue: false, cancels: [],
    types: { generator: false, cancel: false }, collects_event_data: true, trigger_after: null,
    trigger_only_on_success: false, ...extra,
  };
}

const PY = 'def fib(n):\n    """Fibonacci."""\n    if n <= 1:\n        return n\n    return fib(n - 1) + fib(n - 2)\n';
const keywords = (root: ParentNode) => [...root.querySelectorAll(".hljs-keyword")].map((k) => k.textContent);

// ---------------------------------------------------------------- recorded: artifacts

describe("recorded artifacts app (gr.Code output, rows and columns)", () => {
  const config: AppConfig = JSON.parse(fixture("artifacts_config.json"));
  const CODE = 1;
  const FAKE_API = 16; // dep 7 ("chat"): outputs [json, state, code]
  // The recorded answer of /chat for "python" (artifacts_call.txt).
  const recorded = JSON.parse(
    fixture("artifacts_call.txt")
      .split("\n")
      .find((l) => l.startsWith("data: "))!
      .slice(6),
  );

  it("lays the chat and the code out as two columns of one row, sharing it by scale", () => {
    const m = render(config);
    const row = m.$(".layout.row");
    const columns = [...row.children].filter((c) => c.classList.contains("column")) as HTMLElement[];
    expect(columns).toHaveLength(2);
    for (const c of columns) {
      expect(c.style.getPropertyValue("--column-scale")).toBe("1");
      expect(c.style.minWidth).toBe("min(320px, 100%)");
    }
    expect(columns[0].querySelector(".chatbot")).not.toBeNull();
    expect(columns[1].querySelector(".code-block")).not.toBeNull();
    expect(m.$(".unsupported")).toBeNull();
  });

  it("shows an empty, read-only code pane labelled Code until the reply sets its value", async () => {
    const m = render(config, (body) => (body.fn_index === 7 ? recorded : []));
    const block = m.$(".code-block");
    expect(block.querySelector(".block-label")?.textContent).toBe("Code");
    expect(block.querySelector(".code-empty")).not.toBeNull();
    expect(block.querySelector("textarea")).toBeNull(); // only ever an output

    await m.runner.trigger(FAKE_API, "click");
    await m.settle();
    expect(m.sent.at(-1)).toMatchObject({ fn_index: 7 });
    const code = block.querySelector("pre code") as HTMLElement;
    expect(code.classList.contains("hljs")).toBe(true);
    expect(code.classList.contains("language-python")).toBe(true);
    expect(code.textContent).toBe(recorded[2].value);
    expect(keywords(code)).toEqual(expect.arrayContaining(["def", "if", "elif", "else", "return"]));
    // One numbered line per line of the value (it starts and ends with a newline).
    const lines = [...code.querySelectorAll(".line")];
    expect(lines).toHaveLength(recorded[2].value.split("\n").length);
    expect(lines.map((l) => l.getAttribute("data-n"))).toEqual(lines.map((_, i) => String(i + 1)));
    // The recorded buttons: copy and download (as file.py).
    expect(block.querySelector('button[aria-label="Copy"]')).not.toBeNull();
    const download = block.querySelector('a[aria-label="Download"]') as HTMLAnchorElement;
    expect(download.getAttribute("download")).toBe("file.py");
    expect(decodeURIComponent(download.href.split(",").slice(1).join(","))).toBe(recorded[2].value);
    expect(block.querySelector(".code-scroll")?.getAttribute("role")).toBe("region");
  });

  it("follows later updates: another language, then null (an empty pane again)", async () => {
    const m = render(config);
    const dep7 = config.dependencies[7];
    m.runner.applyOutputs(dep7, [null, null, { __type__: "update", language: "python", value: PY }]);
    m.store.flush();
    flushSync();
    expect(keywords(m.$(".code-block"))).toContain("def");

    m.runner.applyOutputs(dep7, [null, null, { __type__: "update", language: "javascript", value: "const f = () => { return 1; };" }]);
    m.store.flush();
    flushSync();
    const code = m.$(".code-block pre code");
    expect(code.classList.contains("language-javascript")).toBe(true);
    expect(keywords(code)).toEqual(["const", "return"]);

    // A grammar loaded on first use (the SQL dialects share it): plain first, then highlighted.
    m.runner.applyOutputs(dep7, [null, null, { __type__: "update", language: "sql-pgSQL", value: "SELECT a FROM t;" }]);
    m.store.flush();
    flushSync();
    expect(m.$(".code-block pre code").textContent).toBe("SELECT a FROM t;");
    await vi.waitFor(() => {
      flushSync();
      expect(keywords(m.$(".code-block"))).toEqual(["SELECT", "FROM"]);
    });
    expect(m.$(".code-block pre code").classList.contains("language-sql-pgSQL")).toBe(true);

    m.runner.applyOutputs(dep7, [null, null, null]);
    m.store.flush();
    flushSync();
    expect(m.$(".code-block pre")).toBeNull();
    expect(m.$(".code-block .code-empty")).not.toBeNull();
    expect(m.$('.code-block button[aria-label="Copy"]')).toBeNull();
  });
});

// ---------------------------------------------------------------- recorded: prefill

describe("recorded prefill app (a radio in a form above the chat)", () => {
  const config: AppConfig = JSON.parse(fixture("prefill_config.json"));

  it("renders the radio's choices and sends the chosen one to its change listener", async () => {
    const m = render(config);
    const radios = m.$$('input[type="radio"]') as HTMLInputElement[];
    expect(radios.map((r) => r.closest("label")?.textContent?.trim())).toEqual(["Greeting", "Complaint", "Blank"]);
    const complaint = radios.find((r) => r.closest("label")?.textContent?.includes("Complaint"))!;
    complaint.click();
    flushSync();
    await m.settle();
    // dep 31: [1, "change"] with the radio as its input (queued).
    expect(m.sent.find((b) => b.fn_index === 31)).toMatchObject({ data: ["Complaint"], trigger_id: 1 });
  });
});

// ---------------------------------------------------------------- recorded: custom_chatbot

describe("recorded custom_chatbot app (likeable, placeholder)", () => {
  const config: AppConfig = JSON.parse(fixture("custom_chatbot_config.json"));
  const CHAT = 1;
  const user = (text: string) => ({ role: "user", metadata: null, content: [{ type: "text", text }], options: null });
  const bot = (text: string) => ({ role: "assistant", metadata: null, content: [{ type: "text", text }], options: null });

  it("shows the placeholder's HTML in the empty chat", () => {
    const m = render(config);
    const placeholder = m.$(".chatbot .empty .placeholder");
    expect(placeholder.querySelector("strong")?.textContent).toBe("Your Personal Yes-Man");
    expect(placeholder.textContent).toContain("Ask Me Anything");
    expect(placeholder.querySelector("br")).not.toBeNull();
  });

  it("shows thumbs up and down on replies; a click sends Gradio's LikeData to the vote listener", async () => {
    const m = render(config);
    m.store.setValue(CHAT, [user("Am I right?"), bot("yes"), user("Really?"), bot("yes")]);
    m.store.flush();
    flushSync();
    expect(m.$(".placeholder")).toBeNull();
    const bars = m.$$(".msg-group.bot .feedback");
    expect(bars).toHaveLength(2);
    expect(m.$(".msg-group.user .feedback")).toBeNull();

    click(bars[1].querySelector('button[aria-label="Like"]')!);
    await m.settle();
    // dep 0 ("vote"): [1, "like"], queued, no inputs.
    expect(m.sent).toHaveLength(1);
    expect(m.sent[0]).toMatchObject({ fn_index: 0, trigger_id: CHAT, data: [], event_data: { index: 3, value: ["yes"], liked: true } });

    click(bars[0].querySelector('button[aria-label="Dislike"]')!);
    await m.settle();
    expect(m.sent[1].event_data).toEqual({ index: 1, value: ["yes"], liked: false });
  });
});

describe("likeValue (the value of gr.LikeData)", () => {
  it("has one entry per content part; files become component messages; nested thoughts are left out", () => {
    const file = { path: "/tmp/a.png", url: "http://h/a.png", mime_type: "image/png" };
    const doc = { path: "/tmp/a.pdf", url: "http://h/a.pdf", mime_type: "application/pdf" };
    const value = [
      { role: "user", content: [{ type: "text", text: "q" }] },
      { role: "assistant", metadata: { title: "Thinking", id: "t1" }, content: [{ type: "text", text: "plan" }] },
      { role: "assistant", metadata: { title: "Step", parent_id: "t1" }, content: [{ type: "text", text: "inner" }] },
      { role: "assistant", content: [{ type: "text", text: "answer" }, { type: "file", file, alt_text: "cat" }, { type: "file", file: doc }] },
    ];
    const items = toItems(value);
    const groups = groupItems(items);
    expect(likeValue(items, groups[1])).toEqual([
      "plan",
      "answer",
      { component: "image", value: file, alt_text: "cat", constructor_args: {}, props: {} },
      { component: "file", value: [doc], alt_text: undefined, constructor_args: {}, props: {} },
    ]);
    expect(likeValue(items, groups[0])).toEqual(["q"]);
  });
});

// ---------------------------------------------------------------- hand-made: tabs, sidebar, code

const TABS = 10, TAB_CODE = 11, TAB_NOTES = 12, TAB_OFF = 13;
const CODE = 20, RUN = 21, NOTES = 22, EDITOR = 23;
const SIDEBAR = 30, SIDE_TEXT = 31;
const GROUP = 40, G1 = 41, G2 = 42;
const ROW = 50, COL_A = 51, COL_B = 52, HTML = 53, PRIMARY = 54, STOP = 55, PLAIN = 56;

const components: ComponentConfig[] = [
  { id: 1, type: "column", props: {} },
  { id: TABS, type: "tabs", props: { visible: true } },
  { id: TAB_CODE, type: "tabitem", props: { label: "Code", visible: true, interactive: true } },
  { id: TAB_NOTES, type: "tabitem", props: { label: "Notes", id: "notes", visible: true, interactive: true, scale: 2 } },
  { id: TAB_OFF, type: "tabitem", props: { label: "Soon", visible: true, interactive: false } },
  { id: CODE, type: "code", props: { value: null, language: "python", lines: 3, show_label: true, label: "Program", buttons: ["copy"] } },
  { id: RUN, type: "button", props: { value: "Write code", variant: "primary" } },
  { id: NOTES, type: "markdown", props: { value: "Some *notes*" } },
  { id: EDITOR, type: "code", props: { value: "x = 1", language: "python", interactive: true, show_line_numbers: false, label: "Editor" } },
  { id: SIDEBAR, type: "sidebar", props: { label: "Settings", open: true, position: "left", width: 280 } },
  { id: SIDE_TEXT, type: "textbox", props: { label: "Name", value: "" } },
  { id: GROUP, type: "group", props: {} },
  { id: G1, type: "textbox", props: { label: "First", value: "" } },
  { id: G2, type: "textbox", props: { label: "Second", value: "" } },
  { id: ROW, type: "row", props: { equal_height: true, variant: "panel" } },
  { id: COL_A, type: "column", props: { scale: 2, min_width: 200 } },
  { id: COL_B, type: "column", props: { scale: 1, min_width: 160 } },
  {
    id: HTML, type: "html",
    props: { label: "Card", show_label: true, padding: true, value: '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script><img src="x" onerror="alert(2)"></p>' },
  },
  { id: PRIMARY, type: "button", props: { value: "Go", variant: "primary", size: "sm" } },
  { id: STOP, type: "button", props: { value: "Stop", variant: "stop" } },
  { id: PLAIN, type: "button", props: { value: "Other", variant: "secondary" } },
];

const layout: AppConfig["layout"] = {
  id: 1,
  children: [
    { id: SIDEBAR, children: [{ id: SIDE_TEXT }] },
    {
      id: TABS,
      children: [
        { id: TAB_CODE, children: [{ id: CODE }, { id: RUN }, { id: EDITOR }] },
        { id: TAB_NOTES, children: [{ id: NOTES }] },
        { id: TAB_OFF, children: [] },
      ],
    },
    { id: GROUP, children: [{ id: G1 }, { id: G2 }] },
    { id: ROW, children: [{ id: COL_A, children: [{ id: HTML }] }, { id: COL_B, children: [{ id: PRIMARY }, { id: STOP }, { id: PLAIN }] }] },
  ],
};

function handMade(extraDeps: Dependency[] = []): AppConfig {
  return {
    title: "blocks",
    components,
    layout,
    dependencies: [
      dep(0, [RUN, "click"], [], [CODE]),
      dep(1, [TAB_CODE, "select"]),
      dep(2, [TAB_NOTES, "select"]),
      dep(3, [TABS, "change"], [], [], { trigger_mode: "multiple" }),
      dep(4, [SIDEBAR, "expand"]),
      dep(5, [SIDEBAR, "collapse"]),
      dep(6, [EDITOR, "change"], [EDITOR]),
      dep(7, [EDITOR, "input"], [EDITOR]),
      ...extraDeps,
    ],
    footer_links: [],
  };
}

describe("tabs", () => {
  const tabs = (m: Mounted) => m.$$('[role="tab"]');
  const panels = (m: Mounted) => m.$$('[role="tabpanel"]');

  it("is a tablist whose first tab shows; the others' panels are hidden but mounted", () => {
    const m = render(handMade());
    const list = m.$('[role="tablist"]');
    expect(tabs(m).map((t) => t.textContent?.trim())).toEqual(["Code", "Notes", "Soon"]);
    expect(tabs(m).map((t) => t.getAttribute("aria-selected"))).toEqual(["true", "false", "false"]);
    expect(tabs(m).map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    expect((tabs(m)[2] as HTMLButtonElement).disabled).toBe(true);
    expect(list.contains(tabs(m)[0])).toBe(true);
    for (const [i, t] of tabs(m).entries()) {
      const panel = panels(m)[i];
      expect(t.getAttribute("aria-controls")).toBe(panel.id);
      expect(panel.getAttribute("aria-labelledby")).toBe(t.id);
    }
    expect(panels(m).map((p) => p.hidden)).toEqual([false, true, true]);
    // The hidden panel's content is there (its state survives switching).
    expect(panels(m)[1].textContent).toContain("notes");
  });

  it("a click shows the other panel and fires select on the tab and change on the Tabs", async () => {
    const m = render(handMade());
    click(tabs(m)[1]);
    expect(panels(m).map((p) => p.hidden)).toEqual([true, false, true]);
    expect(tabs(m).map((t) => t.getAttribute("aria-selected"))).toEqual(["false", "true", "false"]);
    await m.settle();
    expect(m.sent.map((b) => [b.fn_index, b.trigger_id, b.event_data])).toEqual([
      [2, TAB_NOTES, { index: 1, value: "Notes", selected: true }],
      [3, TABS, null],
    ]);
    // Choosing the shown tab again fires nothing; the disabled one cannot be chosen.
    click(tabs(m)[1]);
    click(tabs(m)[2]);
    await m.settle();
    expect(m.sent).toHaveLength(2);
    expect(panels(m)[1].hidden).toBe(false);
  });

  it("arrow keys, Home and End move between the usable tabs and show them", async () => {
    const m = render(handMade());
    tabs(m)[0].focus();
    key(tabs(m)[0], "ArrowRight");
    expect(document.activeElement).toBe(tabs(m)[1]);
    expect(panels(m)[1].hidden).toBe(false);
    key(tabs(m)[1], "ArrowRight"); // "Soon" is not interactive: wraps to the first
    expect(document.activeElement).toBe(tabs(m)[0]);
    expect(panels(m)[0].hidden).toBe(false);
    key(tabs(m)[0], "ArrowLeft");
    expect(document.activeElement).toBe(tabs(m)[1]);
    key(tabs(m)[1], "Home");
    expect(document.activeElement).toBe(tabs(m)[0]);
    key(tabs(m)[0], "End");
    expect(document.activeElement).toBe(tabs(m)[1]);
    await m.settle();
    expect(m.sent.filter((b) => b.fn_index === 3)).toHaveLength(5);
  });

  it("follows `selected` set by the server (a tab's id prop) and announces it", async () => {
    const m = render(handMade([dep(8, [RUN, "click"], [], [TABS])]), (b) =>
      b.fn_index === 8 ? [{ __type__: "update", selected: "notes" }] : [],
    );
    // dep 0 also runs on the click and sets the code; only dep 8 moves the tab.
    await m.runner.trigger(RUN, "click");
    await m.settle();
    expect(panels(m).map((p) => p.hidden)).toEqual([true, false, true]);
    expect(m.sent.filter((b) => b.fn_index === 2 || b.fn_index === 3).map((b) => b.fn_index)).toEqual([2, 3]);
  });
});

describe("code", () => {
  it("highlights python keywords once an event sets its value", async () => {
    const m = render(handMade(), (b) => (b.fn_index === 0 ? [PY] : []));
    const block = m.$$(".code-block")[0];
    expect(block.querySelector(".block-label")?.textContent).toBe("Program");
    expect(block.querySelector(".code-empty")).not.toBeNull();
    click(m.$$("button").find((b) => b.textContent?.trim() === "Write code")!);
    await m.settle();
    const code = block.querySelector("pre code") as HTMLElement;
    expect(code.className).toContain("language-python");
    expect(keywords(code)).toEqual(["def", "if", "return", "return"]);
    // The docstring's span stays well-formed on its own line.
    expect(code.querySelector(".hljs-string")?.textContent).toBe('"""Fibonacci."""');
    expect(code.textContent).toBe(PY);
    // buttons: ["copy"] only.
    expect(block.querySelector('button[aria-label="Copy"]')).not.toBeNull();
    expect(block.querySelector('a[aria-label="Download"]')).toBeNull();
  });

  it("copies its value", async () => {
    const writes: string[] = [];
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void writes.push(t) }, configurable: true });
    const m = render(handMade());
    const editor = m.$$(".code-block")[1];
    click(editor.querySelector('button[aria-label="Copy"]')!);
    await m.settle();
    expect(writes).toEqual(["x = 1"]);
  });

  it("when interactive, edits in a textarea that sets the value and fires input and change", async () => {
    const m = render(handMade());
    const editor = m.$$(".code-block")[1];
    const ta = editor.querySelector("textarea") as HTMLTextAreaElement;
    expect(ta.value).toBe("x = 1");
    expect(ta.getAttribute("aria-label")).toBe("Editor");
    // The highlighted copy under it is hidden from screen readers; no line numbers here.
    expect(editor.querySelector("pre")?.getAttribute("aria-hidden")).toBe("true");
    expect(editor.querySelector(".code-area")?.classList.contains("numbered")).toBe(false);
    ta.value = "for i in range(3):\n    pass";
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(keywords(editor)).toEqual(["for", "in", "pass"]);
    expect(editor.querySelectorAll(".line")).toHaveLength(2);
    await m.settle();
    expect(m.store.getValue(EDITOR)).toBe("for i in range(3):\n    pass");
    expect(m.sent.map((b) => [b.fn_index, b.data])).toEqual([
      [7, ["for i in range(3):\n    pass"]],
      [6, ["for i in range(3):\n    pass"]],
    ]);
  });
});

describe("code helpers", () => {
  it("map Gradio's language names and download extensions", () => {
    expect(codeLanguage("shell")).toBe("bash");
    expect(codeLanguage("sql-pgSQL")).toBe("sql");
    expect(codeLanguage("python")).toBe("python");
    expect(codeLanguage(null)).toBeNull();
    expect(downloadExtension("typescript")).toBe("ts");
    expect(downloadExtension("latex")).toBe("tex");
    expect(downloadExtension(null)).toBe("txt");
  });

  it("split highlighted HTML into well-formed lines", () => {
    const html = '<span class="a">x\ny<span class="b">z\n</span></span>w';
    expect(highlightedLines(html)).toEqual([
      '<span class="a">x\n</span>',
      '<span class="a">y<span class="b">z\n</span></span>',
      '<span class="a"><span class="b"></span></span>w',
    ]);
  });
});

describe("sidebar", () => {
  // Svelte sets `inert` as a property; jsdom has no such property, so it stays an expando.
  const inert = (el: HTMLElement) => el.hasAttribute("inert") || (el as any).inert === true;

  it("starts open, pushes the page aside, and its toggle collapses and expands it", async () => {
    const m = render(handMade());
    const sidebar = m.$(".sidebar");
    const toggle = sidebar.querySelector("button.sidebar-toggle") as HTMLButtonElement;
    const content = sidebar.querySelector("aside") as HTMLElement;
    const page = m.$(".app");
    expect(sidebar.classList.contains("left")).toBe(true);
    expect(sidebar.classList.contains("open")).toBe(true);
    expect(sidebar.style.getPropertyValue("--sidebar-width")).toBe("280px");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(toggle.getAttribute("aria-controls")).toBe(content.id);
    expect(content.getAttribute("aria-label")).toBe("Settings");
    expect(inert(content)).toBe(false);
    expect(content.querySelector("textarea, input")).not.toBeNull();
    expect(page.classList.contains("sidebar-left-open")).toBe(true);
    expect(page.style.getPropertyValue("--sidebar-left")).toBe("280px");

    click(toggle);
    expect(sidebar.classList.contains("open")).toBe(false);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(inert(content)).toBe(true);
    expect(page.classList.contains("sidebar-left-open")).toBe(false);
    await m.settle();
    expect(m.sent.map((b) => b.fn_index)).toEqual([5]);

    click(toggle);
    expect(sidebar.classList.contains("open")).toBe(true);
    await m.settle();
    expect(m.sent.map((b) => b.fn_index)).toEqual([5, 4]);
    expect(m.store.getProps(SIDEBAR).open).toBe(true);
  });

  it("sits on the right when asked, closed when open is false", () => {
    const config = handMade();
    config.components = config.components.map((c) =>
      c.id === SIDEBAR ? { ...c, props: { open: false, position: "right", width: "25vw" } } : c,
    );
    const m = render(config);
    const sidebar = m.$(".sidebar");
    expect(sidebar.classList.contains("right")).toBe(true);
    expect(sidebar.classList.contains("open")).toBe(false);
    expect(sidebar.style.getPropertyValue("--sidebar-width")).toBe("25vw");
    expect(m.$(".app").classList.contains("sidebar-right-open")).toBe(false);
    expect(sidebar.querySelector("aside")?.getAttribute("aria-label")).toBe("Sidebar");
  });
});

describe("group, row and column, html, buttons", () => {
  it("a group holds its blocks side by side in one frame", () => {
    const m = render(handMade());
    const group = m.$(".layout.group");
    const blocks = [...group.children];
    expect(blocks).toHaveLength(2);
    expect(blocks.every((b) => b.classList.contains("block"))).toBe(true);
    expect(blocks.map((b) => b.textContent?.trim())).toEqual(["First", "Second"]);
  });

  it("rows and columns carry equal_height, variant, scale and min_width", () => {
    const m = render(handMade());
    const row = m.$(".layout.row");
    expect(row.classList.contains("equal")).toBe(true);
    expect(row.classList.contains("panel")).toBe(true);
    const [a, b] = [...row.children] as HTMLElement[];
    expect(a.style.getPropertyValue("--column-scale")).toBe("2");
    expect(b.style.getPropertyValue("--column-scale")).toBe("1");
    expect(a.style.minWidth).toBe("min(200px, 100%)");
    expect(b.style.minWidth).toBe("min(160px, 100%)");
  });

  it("html is sanitised: no script, no event handlers; its label and padding show", () => {
    const m = render(handMade());
    const html = m.$(".html-block");
    expect(html.querySelector("b")?.textContent).toBe("there");
    expect(html.querySelector("script")).toBeNull();
    expect(html.querySelector("[onclick], [onerror]")).toBeNull();
    expect(html.querySelector("img")).not.toBeNull();
    expect(html.querySelector(".block-label")?.textContent).toBe("Card");
    expect(html.classList.contains("padded")).toBe(true);
    expect(html.classList.contains("block")).toBe(false); // container defaults to off
  });

  it("html is HTML, not Markdown", () => {
    const config = handMade();
    config.components = config.components.map((c) => (c.id === HTML ? { ...c, props: { value: "*plain* <i>it</i>" } } : c));
    const m = render(config);
    const html = m.$(".html-block");
    expect(html.querySelector("em")).toBeNull();
    expect(html.textContent).toContain("*plain*");
    expect(html.querySelector("i")?.textContent).toBe("it");
    expect(html.querySelector(".block-label")).toBeNull();
  });

  it("buttons show their variant and size", () => {
    const m = render(handMade());
    const byText = (t: string) => m.$$("button.btn").find((b) => b.textContent?.trim() === t)!;
    expect(byText("Go").className).toMatch(/\bprimary\b.*\bsize-sm\b/);
    expect(byText("Stop").classList.contains("stop")).toBe(true);
    expect(byText("Other").classList.contains("secondary")).toBe(true);
  });
});
