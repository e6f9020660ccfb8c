// The footer ("Use via API", "Settings") and its dialogs, and toasts from gr.Info/Warning/Success.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { Runner, type Toast } from "../src/api/runner";
import type { AppConfig } from "../src/api/types";
import { LOCALE_KEY, setLocale, setTranslations } from "../src/i18n";
import { ReactiveStore } from "../src/store.svelte";
import { THEME_KEY, initTheme } from "../src/theme";
import { UIState } from "../src/ui.svelte";
import { FakeGradio, tick } from "./fake-server";
import { GradioClient } from "../src/api/client";
import { fixture } from "./helpers";

const info = JSON.parse(fixture("system_prompt_info.json"));

const config: AppConfig = {
  title: "Footer test",
  footer_links: ["api", "gradio", "settings"],
  components: [
    { id: 0, type: "column", props: {} },
    { id: 1, type: "textbox", props: { placeholder: '__i18n__{"__type__": "translation_metadata", "key": "chat_interface.message_placeholder"}', submit_btn: true, show_label: false, autofocus: true } },
  ],
  layout: { id: 0, children: [{ id: 1 }] },
  dependencies: [],
};

let host: HTMLElement;
let app: ReturnType<typeof mount> | null = null;
let ui: UIState;
let fetchMock: ReturnType<typeof vi.fn>;

function render(cfg: AppConfig = config, runner?: Runner, store?: ReactiveStore) {
  host = document.createElement("div");
  document.body.appendChild(host);
  const s = store ?? new ReactiveStore(cfg.components);
  const r = runner ?? new Runner(cfg.dependencies, s, { sessionHash: "s", isConnected: true } as any);
  app = mount(App, { target: host, props: { config: cfg, store: s, runner: r, ui } });
  flushSync();
}

const $ = (s: string) => document.querySelector(s) as HTMLElement;
const $$ = (s: string) => [...document.querySelectorAll(s)] as HTMLElement[];
const button = (text: string) => $$("button").find((b) => b.textContent?.trim() === text) as HTMLButtonElement;
const flush = async () => {
  for (let i = 0; i < 4; i++) await tick(0);
  flushSync();
};

beforeEach(() => {
  localStorage.clear();
  ui = new UIState();
  fetchMock = vi.fn(async (url: string) => {
    if (String(url).endsWith("/gradio_api/info")) return new Response(JSON.stringify(info), { status: 200 });
    return new Response("{}", { status: 404 });
  });
  vi.stubGlobal("fetch", fetchMock);
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  host?.remove();
  vi.unstubAllGlobals();
  localStorage.clear();
  setLocale(null);
  initTheme();
});

describe("footer", () => {
  it("shows the links config.footer_links asks for; none shows no footer", () => {
    render();
    expect($("footer.footer").textContent).toContain("Use via API");
    expect($("footer.footer").textContent).toContain("Built with gradio.cpp");
    expect($("footer.footer").textContent).toContain("Settings");
    unmount(app!);
    app = null;
    host.remove();
    render({ ...config, footer_links: [] });
    expect($("footer.footer")).toBeNull();
  });
});

describe("API panel", () => {
  it("fetches /gradio_api/info and lists the endpoint, its parameters and returns", async () => {
    render();
    const opener = button("Use via API");
    opener.focus();
    opener.click();
    await flush();
    expect(fetchMock).toHaveBeenCalledWith(expect.stringMatching(/\/gradio_api\/info$/), expect.anything());
    const dialog = $('[role="dialog"]');
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("API documentation");
    expect(dialog.querySelector("h3")?.textContent).toBe("/chat");

    const params = [...dialog.querySelectorAll(".endpoint ul.params")[0].querySelectorAll("li")].map((li) => li.textContent!.replace(/\s+/g, " ").trim());
    expect(params[0]).toContain("message");
    expect(params[0]).toContain("str");
    expect(params[0]).toContain("required");
    expect(params[1]).toContain("system_prompt");
    expect(params[1]).toContain('default: "You are helpful AI."');
    expect(params[2]).toContain("tokens");
    expect(params[2]).toContain("float");
    expect(params[2]).toContain("default: 10");
    const returns = dialog.querySelectorAll(".endpoint ul.params")[1].textContent!;
    expect(returns).toContain("Response");

    // Python first, with its install line and the server's snippet.
    const tabs = [...dialog.querySelectorAll('[role="tab"]')] as HTMLElement[];
    expect(tabs.map((t) => t.textContent?.trim())).toEqual(["Python", "JavaScript", "cURL"]);
    expect(tabs[0].getAttribute("aria-selected")).toBe("true");
    expect(dialog.querySelector(".install")?.textContent).toContain("pip install gradio_client");
    expect(dialog.querySelector("pre code")?.textContent).toBe(info.named_endpoints["/chat"].code_snippets.python);

    // Arrow keys move between tabs; the JavaScript tab shows JS types and the JS snippet.
    tabs[0].dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    flushSync();
    expect(tabs[1].getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(tabs[1]);
    expect(dialog.querySelector("pre code")?.textContent).toContain('import { Client } from "@gradio/client"');
    expect(dialog.querySelector(".endpoint ul.params li")?.textContent).toContain("string");
    tabs[2].click();
    flushSync();
    expect(dialog.querySelector("pre code")?.textContent).toBe(info.named_endpoints["/chat"].code_snippets.bash);

    // Copy puts the snippet on the clipboard.
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    (dialog.querySelector("button.copy") as HTMLButtonElement).click();
    await flush();
    expect(writeText).toHaveBeenCalledWith(info.named_endpoints["/chat"].code_snippets.bash);

    // Escape closes; focus returns to the footer link.
    dialog.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    flushSync();
    expect($('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("keeps Tab inside the dialog and says when /info fails", async () => {
    fetchMock.mockImplementation(async () => new Response("nope", { status: 500 }));
    render();
    button("Use via API").click();
    await flush();
    const dialog = $('[role="dialog"]');
    expect(dialog.querySelector('[role="alert"]')?.textContent).toContain("Could not load the API description.");
    const close = dialog.querySelector('button[aria-label="Close"]') as HTMLButtonElement;
    expect(document.activeElement).toBe(close);
    const tab = new KeyboardEvent("keydown", { key: "Tab", bubbles: true, cancelable: true });
    close.dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true); // the only focusable element: focus stays
    close.click();
    flushSync();
    expect($('[role="dialog"]')).toBeNull();
  });
});

describe("settings panel", () => {
  it("applies and remembers the theme", async () => {
    render();
    button("Settings").click();
    await flush();
    const dialog = $('[role="dialog"]');
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Settings");
    const radios = [...dialog.querySelectorAll('input[name="gr-theme"]')] as HTMLInputElement[];
    expect(radios.map((r) => r.value)).toEqual(["light", "dark", "system"]);
    expect(radios[2].checked).toBe(true);

    radios[1].click();
    flushSync();
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");

    // A fresh page load keeps the choice.
    document.documentElement.dataset.theme = "light";
    initTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");

    radios[0].click();
    flushSync();
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem(THEME_KEY)).toBe("light");
  });

  it("switches the language at once and remembers it", async () => {
    setTranslations(null);
    render();
    expect(($("textarea") as HTMLTextAreaElement).placeholder).toBe("Type a message...");
    button("Settings").click();
    await flush();
    const select = $("#gr-language") as HTMLSelectElement;
    const codes = [...select.options].map((o) => o.value);
    expect(codes).toContain("en");
    expect(codes).toContain("de");
    select.value = "de";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
    expect(localStorage.getItem(LOCALE_KEY)).toBe("de");
    expect(($("textarea") as HTMLTextAreaElement).placeholder).toBe("Nachricht eingeben...");
    expect(document.documentElement.lang).toBe("de");
    // The dialog stayed open and speaks German too.
    expect($('[role="dialog"] h2').textContent).toBe("Einstellungen");
    expect($('[role="dialog"] legend').textContent).toBe("Farbschema");
    expect($('[role="dialog"] button[aria-label="Schließen"]')).not.toBeNull();
    await flush();
    expect(document.activeElement).toBe(select);
    expect($("footer.footer").textContent).toContain("Über die API nutzen");
  });

  it("offers the developer's i18n_translations languages", async () => {
    setTranslations({ it: { greeting: "Ciao" } });
    render({ ...config, i18n_translations: { it: { greeting: "Ciao" } } });
    button("Settings").click();
    await flush();
    const codes = [...($("#gr-language") as HTMLSelectElement).options].map((o) => o.value);
    expect(codes).toContain("it");
    setTranslations(null);
  });
});

describe("toasts from gr.Info / gr.Warning / gr.Success", () => {
  it("queue log messages show with their kind, title, HTML and duration", async () => {
    const server = new FakeGradio({
      predict: new Map(),
      queue: new Map<number, any>([
        [
          0,
          [
            { msg: "log", log: "Loaded <b>3</b> files<img src=x onerror=alert(1)>", level: "info", duration: 1, visible: true, title: "Info" },
            { msg: "log", log: "Running low", level: "warning", duration: null, visible: true, title: "Careful" },
            { msg: "log", log: "Saved", level: "success", duration: 0, visible: true, title: null },
            { msg: "log", log: "hidden", level: "info", duration: 10, visible: false, title: "Info" },
            { msg: "process_completed", output: { data: [] }, success: true },
          ],
        ],
      ]),
    });
    const cfg: AppConfig = {
      ...config,
      components: [...config.components, { id: 2, type: "button", props: { value: "Run" } }],
      layout: { id: 0, children: [{ id: 1 }, { id: 2 }] },
      dependencies: [
        { id: 0, targets: [[2, "click"]], inputs: [], outputs: [], backend_fn: true, queue: true, cancels: [], types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false },
      ],
    };
    const store = new ReactiveStore(cfg.components);
    const client = new GradioClient({ apiBase: "http://fake/gradio_api", probeUrl: "http://fake/config", sessionHash: "t", fetch: server.fetch });
    const seen: Toast[] = [];
    const runner = new Runner(cfg.dependencies, store, client, {
      toast: (t) => {
        seen.push(t);
        ui.toast(t);
      },
    });
    render(cfg, runner, store);
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      button("Run").click();
      for (let i = 0; i < 40 && seen.length < 3; i++) await vi.advanceTimersByTimeAsync(5);
      await runner.idle();
      flushSync();
      expect(seen.map((t) => [t.kind, t.title, t.duration])).toEqual([
        ["info", "Info", 1],
        ["warning", "Careful", null],
        ["success", "Success", 0],
      ]);
      const toasts = $$(".toast");
      expect(toasts.map((t) => t.className.replace(/\s*svelte-\w+/, ""))).toEqual(["toast info", "toast warning", "toast success"]);
      expect(toasts[0].getAttribute("role")).toBe("status");
      expect(toasts[1].getAttribute("role")).toBe("alert");
      const html = toasts[0].querySelector(".toast-message")!;
      expect(html.querySelector("b")?.textContent).toBe("3");
      expect(html.querySelector("img")?.getAttribute("onerror")).toBeNull();
      // The info toast closes after its 1 s; duration null or 0 stays until closed.
      await vi.advanceTimersByTimeAsync(1100);
      flushSync();
      expect($$(".toast").map((t) => t.querySelector(".toast-title")?.textContent)).toEqual(["Careful", "Success"]);
      ($$(".toast")[0].querySelector(".toast-close") as HTMLButtonElement).click();
      flushSync();
      expect($$(".toast")).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
