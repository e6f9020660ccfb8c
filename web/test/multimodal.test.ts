// The multimodal message box in jsdom, on the app recorded from Gradio 6.25.0's
// chatinterface_echo_multimodal (test/fixtures/echo_multimodal_config.json): attaching by
// picker, drop and paste, uploading (a fake fetch plays the server's upload route), removing,
// sending {text, files} as input 0 of the submit chain, server updates, the microphone, and
// example cards with files.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { Runner } from "../src/api/runner";
import type { AppConfig, Dependency } from "../src/api/types";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";
import { tick } from "./fake-server";
import { fixture } from "./helpers";

const BOX = 0;
const CHAT = 7;
const API = "http://localhost:3000/gradio_api";

const recorded: AppConfig = JSON.parse(fixture("echo_multimodal_config.json"));

/** The recorded app with the box's and the chatbot's props patched. */
function appWith(box: Record<string, unknown> = {}, chat: Record<string, unknown> = {}, extra: Partial<AppConfig> = {}): AppConfig {
  const copy: AppConfig = JSON.parse(JSON.stringify(recorded));
  for (const c of copy.components) {
    if (c.id === BOX) Object.assign(c.props, box);
    if (c.id === CHAT) Object.assign(c.props, chat);
  }
  return { ...copy, ...extra };
}

interface Upload {
  url: string;
  files: File[];
  signal: AbortSignal | null;
}

let host: HTMLElement;
let app: ReturnType<typeof mount> | null = null;
let store: ReactiveStore;
let ui: UIState;
let sent: any[];
let uploads: Upload[];
/** How the fake server answers an upload (default: a path per file under /tmp/gradio/<n>/). */
let answerUpload: (u: Upload) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function render(config: AppConfig) {
  host = document.createElement("div");
  document.body.appendChild(host);
  store = new ReactiveStore(config.components);
  ui = new UIState();
  const client = {
    sessionHash: "s",
    isConnected: true,
    // dep 0 (_clear_and_save_textbox) answers like the server: the box cleared and locked.
    predict: vi.fn(async (body: any) => {
      sent.push(body);
      if (body.fn_index === 0) {
        return { data: [{ __type__: "update", value: { text: "", files: [] }, interactive: false, placeholder: "" }, body.data[0]] };
      }
      return { data: [] };
    }),
    join: vi.fn(async (body: any) => {
      sent.push(body);
      return "ev";
    }),
    cancel: vi.fn(async () => {}),
    forget: vi.fn(),
  };
  const runner = new Runner(config.dependencies, store, client as any, { toast: (t) => ui.toast(t) });
  app = mount(App, { target: host, props: { config, store, runner, ui } });
  flushSync();
}

beforeEach(() => {
  sent = [];
  uploads = [];
  let n = 0;
  answerUpload = (u) => json(200, u.files.map((f) => `/tmp/gradio/${++n}/${f.name}`));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (!url.startsWith(`${API}/upload?`)) return new Response("Not Found", { status: 404 });
      const u: Upload = { url, files: (init?.body as FormData).getAll("files") as File[], signal: init?.signal ?? null };
      uploads.push(u);
      await tick();
      if (u.signal?.aborted) throw new DOMException("aborted", "AbortError");
      return answerUpload(u);
    }),
  );
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  host?.remove();
  vi.unstubAllGlobals();
});

const $ = (s: string) => host.querySelector(s) as HTMLElement;
const $$ = (s: string) => [...host.querySelectorAll(s)] as HTMLElement[];
const textarea = () => $(".mm-box textarea") as HTMLTextAreaElement;
const send = () => $(".mm-box button.send") as HTMLButtonElement;
const thumbs = () => $$(".mm-files .mm-thumb");
const names = () => thumbs().map((t) => t.getAttribute("title"));
const settle = async (rounds = 6) => {
  for (let i = 0; i < rounds; i++) {
    await tick(1);
    store.flush();
    flushSync();
  }
};
const file = (name: string, type = "", size = 3) => new File(["x".repeat(size)], name, { type });

function pick(files: File[]) {
  const input = $("input.mm-file-input") as HTMLInputElement;
  Object.defineProperty(input, "files", { value: files, configurable: true });
  input.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}
function type(text: string) {
  const ta = textarea();
  ta.value = text;
  ta.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}
function key(k: string, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init });
  textarea().dispatchEvent(e);
  flushSync();
  return e;
}
function drag(kind: "dragenter" | "dragover" | "dragleave" | "drop", files: File[] = []) {
  const e = new Event(kind, { bubbles: true, cancelable: true });
  Object.defineProperty(e, "dataTransfer", { value: { types: ["Files"], files, dropEffect: "none" } });
  $(".mm-box").dispatchEvent(e);
  flushSync();
  return e;
}
function paste(data: { text?: string; files?: File[] }) {
  const e = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(e, "clipboardData", {
    value: { files: data.files ?? [], getData: (t: string) => (t === "text/plain" || t === "text" ? (data.text ?? "") : "") },
  });
  textarea().dispatchEvent(e);
  flushSync();
  return e;
}
const fileData = (n: number, name: string, type: string | null, size = 3) => ({
  path: `/tmp/gradio/${n}/${name}`,
  url: `${API}/file=/tmp/gradio/${n}/${name}`,
  size,
  orig_name: name,
  mime_type: type,
  is_stream: false,
  meta: { _type: "gradio.FileData" },
});

// ---------------------------------------------------------------- attaching and sending

describe("the recorded multimodal app", () => {
  it("renders the box where the textbox was: paperclip, hidden picker, no mic", () => {
    render(appWith());
    expect($$(".mm-box")).toHaveLength(1);
    expect(host.textContent).not.toContain("cannot show");
    const clip = $("button.mm-attach");
    expect(clip.getAttribute("aria-label")).toBe("Attach files");
    const input = $("input.mm-file-input") as HTMLInputElement;
    expect(input.type).toBe("file");
    expect(input.hidden).toBe(true);
    expect(input.multiple).toBe(true);
    expect(input.hasAttribute("accept")).toBe(false);
    expect($("button.mm-mic")).toBeNull();
    // Nothing to send yet.
    expect(send().disabled).toBe(true);
  });

  it("the paperclip opens the picker; picked files upload at once and are sent with the text", async () => {
    render(appWith());
    const input = $("input.mm-file-input") as HTMLInputElement;
    const clicked = vi.fn();
    input.addEventListener("click", clicked);
    $("button.mm-attach").click();
    expect(clicked).toHaveBeenCalledTimes(1);

    pick([file("cat.png", "image/png", 10), file("notes.txt", "text/plain", 4)]);
    expect(names()).toEqual(["cat.png", "notes.txt"]);
    expect(thumbs().map((t) => t.dataset.status)).toEqual(["uploading", "uploading"]);
    expect($(".mm-thumb [role=progressbar]").getAttribute("aria-label")).toBe("Uploading cat.png");
    await settle();
    // One request per file, each with an upload id, the file under "files".
    expect(uploads.map((u) => u.files.map((f) => f.name))).toEqual([["cat.png"], ["notes.txt"]]);
    expect(uploads.every((u) => /\/upload\?upload_id=[0-9a-z]+$/.test(u.url))).toBe(true);
    expect(thumbs().map((t) => t.dataset.status)).toEqual(["done", "done"]);
    expect(thumbs()[1].querySelector(".file-ext")?.textContent).toBe("TXT");

    type("what is this?");
    expect(key("Enter").defaultPrevented).toBe(true);
    await settle();
    expect(sent[0]).toMatchObject({ fn_index: 0, trigger_id: BOX });
    expect(sent[0].data).toEqual([
      { text: "what is this?", files: [fileData(1, "cat.png", "image/png", 10), fileData(2, "notes.txt", "text/plain", 4)] },
    ]);
    // The chain's first answer clears and locks the box.
    expect(textarea().value).toBe("");
    expect(textarea().disabled).toBe(true);
    expect(thumbs()).toHaveLength(0);
    expect(($("button.mm-attach") as HTMLButtonElement).disabled).toBe(true);
  });

  it("sends files without text, but not an empty message", async () => {
    render(appWith());
    type("   ");
    expect(send().disabled).toBe(true);
    key("Enter");
    await settle();
    expect(sent).toHaveLength(0);
    pick([file("a.pdf", "application/pdf")]);
    await settle();
    expect(send().disabled).toBe(false);
    send().click();
    await settle();
    expect(sent[0].data[0]).toEqual({ text: "   ", files: [fileData(1, "a.pdf", "application/pdf")] });
  });

  it("Shift+Enter and an IME composition's Enter do not send", async () => {
    render(appWith());
    type("こんにちは");
    expect(key("Enter", { isComposing: true }).defaultPrevented).toBe(false);
    expect(key("Enter", { keyCode: 229 }).defaultPrevented).toBe(false);
    expect(key("Enter", { shiftKey: true }).defaultPrevented).toBe(false);
    await settle();
    expect(sent).toHaveLength(0);
    key("Enter");
    await settle();
    expect(sent[0].data[0]).toEqual({ text: "こんにちは", files: [] });
  });

  it("submit waits for running uploads; the send button is busy meanwhile", async () => {
    render(appWith());
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    answerUpload = async (u) => {
      await held;
      return json(200, [`/tmp/gradio/9/${u.files[0].name}`]);
    };
    pick([file("slow.png", "image/png")]);
    type("look");
    key("Enter");
    await settle();
    expect(sent).toHaveLength(0);
    expect(send().getAttribute("aria-busy")).toBe("true");
    expect(send().querySelector(".spinner")).not.toBeNull();
    finish();
    await settle();
    expect(sent.filter((b) => b.fn_index === 0)).toHaveLength(1);
    expect(sent[0].data[0]).toEqual({ text: "look", files: [fileData(9, "slow.png", "image/png")] });
    expect(send().getAttribute("aria-busy")).toBeNull();
  });

  it("a refused upload says the server's message in a toast and drops the attachment", async () => {
    render(appWith());
    answerUpload = (u) =>
      u.files[0].name === "huge.bin"
        ? new Response("File size exceeded maximum allowed size of 10 bytes.", { status: 413 })
        : json(200, ["/tmp/gradio/1/ok.txt"]);
    pick([file("huge.bin", "", 20), file("ok.txt", "text/plain")]);
    await settle();
    expect(names()).toEqual(["ok.txt"]);
    expect(ui.toasts).toHaveLength(1);
    expect(ui.toasts[0]).toMatchObject({ kind: "error", title: "Upload failed" });
    expect(ui.toasts[0].message).toContain("File size exceeded maximum allowed size of 10 bytes.");
    expect($(".toast.error")?.textContent).toContain("huge.bin");
  });

  it("a file over config.max_file_size is refused without uploading", async () => {
    render(appWith({}, {}, { max_file_size: 10 }));
    pick([file("big.bin", "", 11)]);
    await settle();
    expect(uploads).toHaveLength(0);
    expect(thumbs()).toHaveLength(0);
    expect(ui.toasts[0].message).toContain("File size exceeded maximum allowed size of 10 bytes.");
  });

  it("the ✕ removes an attachment (aborting its upload) and leaves it out of the value", async () => {
    render(appWith());
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    answerUpload = async (u) => {
      if (u.files[0].name === "b.txt") await held;
      return json(200, [`/tmp/gradio/1/${u.files[0].name}`]);
    };
    pick([file("a.txt", "text/plain"), file("b.txt", "text/plain")]);
    await settle();
    const remove = $('button.mm-remove[aria-label="Remove b.txt"]');
    expect(remove).not.toBeNull();
    remove.click();
    flushSync();
    expect(uploads[1].signal?.aborted).toBe(true);
    finish();
    expect(names()).toEqual(["a.txt"]);
    $('button.mm-remove[aria-label="Remove a.txt"]').click();
    flushSync();
    expect(thumbs()).toHaveLength(0);
    expect(store.getValue(BOX)).toEqual({ text: "", files: [] });
    await settle();
    expect(ui.toasts).toHaveLength(0);
  });

  it("image attachments preview their local file", async () => {
    const created: Blob[] = [];
    const revoked: string[] = [];
    vi.stubGlobal("URL", Object.assign(URL, {
      createObjectURL: (b: Blob) => (created.push(b), `blob:test/${created.length}`),
      revokeObjectURL: (u: string) => void revoked.push(u),
    }));
    try {
      render(appWith());
      pick([file("cat.png", "image/png")]);
      const img = $(".mm-thumb img.mm-thumb-img") as HTMLImageElement;
      expect(img.getAttribute("src")).toBe("blob:test/1");
      expect(img.alt).toBe("cat.png");
      await settle();
      $("button.mm-remove").click();
      flushSync();
      expect(revoked).toEqual(["blob:test/1"]);
    } finally {
      delete (URL as any).createObjectURL;
      delete (URL as any).revokeObjectURL;
    }
  });
});

// ---------------------------------------------------------------- drop and paste

describe("drop and paste", () => {
  it("a drop anywhere on the box highlights it and attaches the files file_types takes", async () => {
    render(appWith({ file_types: ["image", ".pdf"] }));
    expect($("input.mm-file-input").getAttribute("accept")).toBe("image/*,.pdf");
    expect(drag("dragenter").defaultPrevented).toBe(true);
    expect(drag("dragover").defaultPrevented).toBe(true);
    expect($(".mm-box").classList.contains("dragging")).toBe(true);
    expect($(".mm-drop-hint")?.textContent).toContain("Drop files here");
    drag("drop", [file("a.png", "image/png"), file("b.txt", "text/plain"), file("c.pdf", "application/pdf"), file("d.exe")]);
    expect($(".mm-box").classList.contains("dragging")).toBe(false);
    expect(names()).toEqual(["a.png", "c.pdf"]);
    expect(ui.toasts).toHaveLength(1);
    expect(ui.toasts[0].kind).toBe("error");
    expect(ui.toasts[0].message).toBe("2 file(s) were rejected (b.txt, d.exe). Accepted formats: image, .pdf");
    await settle();
    expect(uploads.map((u) => u.files[0].name)).toEqual(["a.png", "c.pdf"]);
  });

  it("leaving the box ends the highlight; a locked box takes no drop", async () => {
    render(appWith());
    drag("dragenter");
    drag("dragleave");
    expect($(".mm-box").classList.contains("dragging")).toBe(false);
    store.updateProps(BOX, { interactive: false });
    store.flush();
    flushSync();
    expect(drag("dragenter").defaultPrevented).toBe(false);
    drag("drop", [file("a.png", "image/png")]);
    expect(thumbs()).toHaveLength(0);
  });

  it("pasted text over max_plain_text_length becomes pasted_text.txt; shorter text pastes as usual", async () => {
    render(appWith({ max_plain_text_length: 20 }));
    expect(paste({ text: "short enough" }).defaultPrevented).toBe(false);
    expect(thumbs()).toHaveLength(0);
    const long = "a long paragraph, longer than twenty characters";
    expect(paste({ text: long }).defaultPrevented).toBe(true);
    expect(names()).toEqual(["pasted_text.txt"]);
    await settle();
    expect(uploads[0].files[0].name).toBe("pasted_text.txt");
    expect(uploads[0].files[0].type).toBe("text/plain");
    expect(uploads[0].files[0].size).toBe(long.length);
    expect(textarea().value).toBe("");
  });

  it("a pasted image attaches", async () => {
    render(appWith());
    expect(paste({ files: [file("image.png", "image/png")] }).defaultPrevented).toBe(true);
    expect(names()).toEqual(["image.png"]);
  });

  it("file_count 'single': one file per message; the paperclip hides once one is attached", async () => {
    render(appWith({ file_count: "single", file_types: ["image", ".pdf", "audio/*"] }));
    const input = $("input.mm-file-input") as HTMLInputElement;
    expect(input.multiple).toBe(false);
    expect(input.getAttribute("accept")).toBe("image/*,.pdf,audio/*");
    expect($("button.mm-attach").getAttribute("aria-label")).toBe("Attach a file");
    pick([file("a.png", "image/png"), file("b.png", "image/png")]);
    expect(names()).toEqual(["a.png"]);
    expect($("button.mm-attach")).toBeNull();
    // A drop replaces the attached file.
    drag("drop", [file("c.pdf", "application/pdf")]);
    expect(names()).toEqual(["c.pdf"]);
    $("button.mm-remove").click();
    flushSync();
    expect($("button.mm-attach")).not.toBeNull();
  });

  it("file_count 'directory' picks a folder", () => {
    render(appWith({ file_count: "directory" }));
    // A property in browsers (reflected as the attribute); jsdom does not know it.
    expect(($("input.mm-file-input") as HTMLInputElement).webkitdirectory).toBe(true);
  });

  it("without 'upload' in sources there is no paperclip and no drop", () => {
    render(appWith({ sources: ["microphone"] }));
    expect($("button.mm-attach")).toBeNull();
    expect($("input.mm-file-input")).toBeNull();
    expect(drag("dragenter").defaultPrevented).toBe(false);
    expect($("button.mm-mic")).not.toBeNull();
  });
});

// ---------------------------------------------------------------- server updates

describe("updates from the server", () => {
  it("a string, a {text, files} value (undo puts files back), and null", async () => {
    render(appWith());
    store.setValue(BOX, "plain text");
    await settle(1);
    expect(textarea().value).toBe("plain text");
    expect(thumbs()).toHaveLength(0);

    const img = fileData(5, "cat.png", "image/png");
    const doc = fileData(6, "doc.pdf", null);
    store.setValue(BOX, { text: "again", files: [img, doc] });
    await settle(1);
    expect(textarea().value).toBe("again");
    expect(names()).toEqual(["cat.png", "doc.pdf"]);
    // A file the server sent previews from its URL.
    expect($(".mm-thumb img").getAttribute("src")).toBe(img.url);
    expect(thumbs().map((t) => t.dataset.status)).toEqual(["done", "done"]);

    key("Enter");
    await settle();
    expect(sent[0].data[0]).toEqual({ text: "again", files: [img, doc] });

    store.setValue(BOX, null);
    await settle(1);
    expect(textarea().value).toBe("");
    expect(thumbs()).toHaveLength(0);
  });

  it("the submit button turns into Stop while a reply runs, and Stop fires the stop event", async () => {
    render(appWith());
    store.updateProps(BOX, { submit_btn: false, stop_btn: true });
    store.flush();
    flushSync();
    const stop = $('.mm-box button[aria-label="Stop"]');
    expect(stop).not.toBeNull();
    expect($('.mm-box button[aria-label="Submit"]')).toBeNull();
    stop.click();
    await settle();
    // The stop listeners are js-only (backend_fn false): nothing goes to the server.
    expect(sent).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- microphone

describe("microphone", () => {
  class FakeRecorder {
    static made: FakeRecorder[] = [];
    state = "inactive";
    mimeType = "audio/webm;codecs=opus";
    ondataavailable: ((e: { data: Blob }) => void) | null = null;
    onstop: (() => void) | null = null;
    constructor(
      readonly stream: unknown,
      readonly options?: { mimeType?: string },
    ) {
      FakeRecorder.made.push(this);
    }
    static isTypeSupported(t: string) {
      return t.startsWith("audio/webm");
    }
    start() {
      this.state = "recording";
    }
    stop() {
      this.state = "inactive";
      this.ondataavailable?.({ data: new Blob(["RIFF....", "more"], { type: "audio/webm" }) });
      setTimeout(() => this.onstop?.());
    }
  }
  const track = { stop: vi.fn() };
  function microphone(getUserMedia: (() => Promise<unknown>) | undefined) {
    Object.defineProperty(navigator, "mediaDevices", {
      value: getUserMedia ? { getUserMedia: vi.fn(getUserMedia) } : undefined,
      configurable: true,
    });
  }
  beforeEach(() => {
    FakeRecorder.made = [];
    track.stop.mockClear();
    vi.stubGlobal("MediaRecorder", FakeRecorder);
  });
  afterEach(() => {
    delete (navigator as any).mediaDevices;
  });

  it("records, then attaches the clip as audio/webm and uploads it like any file", async () => {
    microphone(async () => ({ getTracks: () => [track] }));
    render(appWith({ sources: ["upload", "microphone"] }));
    const mic = $("button.mm-mic");
    expect(mic.getAttribute("aria-label")).toBe("Record audio");
    mic.click();
    await settle(2);
    expect(FakeRecorder.made).toHaveLength(1);
    expect(FakeRecorder.made[0].options).toEqual({ mimeType: "audio/webm;codecs=opus" });
    const overlay = $(".mm-recorder");
    expect(overlay).not.toBeNull();
    expect($('.mm-recorder button[aria-label="Stop recording"]')).not.toBeNull();
    expect($(".mm-recorder .mm-meter")).not.toBeNull();
    ($('.mm-recorder button[aria-label="Attach recording"]') as HTMLElement).click();
    await settle();
    expect($(".mm-recorder")).toBeNull();
    expect(track.stop).toHaveBeenCalled();
    expect(uploads).toHaveLength(1);
    const clip = uploads[0].files[0];
    expect(clip.name).toMatch(/^recording-\d{8}-\d{6}\.webm$/);
    expect(clip.type).toBe("audio/webm");
    expect(names()).toEqual([clip.name]);
    key("Enter");
    await settle();
    expect(sent[0].data[0].files[0]).toMatchObject({ orig_name: clip.name, mime_type: "audio/webm" });
  });

  it("stop, then discard: nothing is attached", async () => {
    microphone(async () => ({ getTracks: () => [track] }));
    render(appWith({ sources: ["microphone"] }));
    $("button.mm-mic").click();
    await settle(2);
    ($('.mm-recorder button[aria-label="Stop recording"]') as HTMLElement).click();
    await settle(2);
    expect($('.mm-recorder button[aria-label="Stop recording"]')).toBeNull();
    ($('.mm-recorder button[aria-label="Discard recording"]') as HTMLElement).click();
    flushSync();
    expect($(".mm-recorder")).toBeNull();
    expect(thumbs()).toHaveLength(0);
    expect(uploads).toHaveLength(0);
  });

  it("a refused permission and a browser without getUserMedia say so in a toast", async () => {
    microphone(async () => {
      throw new DOMException("Permission denied", "NotAllowedError");
    });
    render(appWith({ sources: ["upload", "microphone"] }));
    $("button.mm-mic").click();
    await settle(2);
    expect(ui.toasts.map((t) => t.message)).toEqual(["Microphone access was denied."]);
    expect($(".mm-recorder")).toBeNull();

    microphone(undefined);
    $("button.mm-mic").click();
    await settle(2);
    expect(ui.toasts[1]).toMatchObject({ kind: "error", title: "Microphone" });
    expect(ui.toasts[1].message).toContain("cannot record audio");
  });
});

// ---------------------------------------------------------------- example cards with files

describe("example cards with files", () => {
  const img = fileData(1, "cat.png", "image/png");
  const doc = fileData(2, "report.pdf", "application/pdf");
  const examples = [{ text: "Describe this", files: [img, doc] }, { text: "Just text" }];

  it("show an image thumbnail and a named icon for other files", () => {
    render(appWith({}, { examples }));
    const cards = $$("button.example");
    expect(cards).toHaveLength(2);
    const thumb = cards[0].querySelector("img.example-thumb") as HTMLImageElement;
    expect(thumb.getAttribute("src")).toBe(img.url);
    expect(thumb.alt).toBe("cat.png");
    expect(cards[0].querySelector(".example-file-name")?.textContent).toBe("report.pdf");
    expect(cards[0].querySelector(".example-text")?.textContent).toBe("Describe this");
    expect(cards[0].getAttribute("aria-label")).toBe("Select example 1: Describe this (cat.png, report.pdf)");
    expect(cards[1].querySelector(".example-files")).toBeNull();
  });

  it("without example_select listeners a click sends text and files through the box's submit", async () => {
    render(appWith({}, { examples }));
    $$("button.example")[0].click();
    await settle();
    expect(sent[0]).toMatchObject({ fn_index: 0, trigger_id: BOX });
    expect(sent[0].data).toEqual([{ text: "Describe this", files: [img, doc] }]);
  });

  it("with example_select listeners (ChatInterface's) the click goes to them with {text, files}", async () => {
    const config = appWith({}, { examples });
    const listener: Dependency = {
      id: 99, targets: [[CHAT, "example_select"]], inputs: [CHAT], outputs: [], backend_fn: true, queue: false, cancels: [],
      types: { generator: false, cancel: false }, collects_event_data: true, trigger_after: null, trigger_only_on_success: false,
    };
    config.dependencies = [...config.dependencies, listener];
    render(config);
    $$("button.example")[0].click();
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ fn_index: 99, trigger_id: CHAT, event_data: { index: 0, value: { text: "Describe this", files: [img, doc] } } });
  });
});
