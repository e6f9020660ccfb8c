// Message content parts in jsdom (protocol.md §13.4): file parts and the component parts a
// reply may return (image, audio, video, file, html, code, markdown, gallery), each with its
// viewer; URLs always from the FileData's `url`.
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import Parts from "../src/components/Parts.svelte";
import { Runner } from "../src/api/runner";
import type { AppConfig, ContentPart } from "../src/api/types";
import type { MarkdownOptions } from "../src/markdown";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";

const ROOT = "http://h/gradio_api/file=";
const fd = (path: string, extra: Record<string, unknown> = {}) => ({
  path,
  url: ROOT + path,
  size: 10,
  orig_name: null,
  mime_type: null,
  is_stream: false,
  meta: { _type: "gradio.FileData" },
  ...extra,
});
const component = (name: string, value: unknown, extra: Record<string, unknown> = {}): ContentPart =>
  ({ type: "component", component: name, value, constructor_args: {}, props: {}, ...extra }) as ContentPart;

let host: HTMLElement | null = null;
let mounted: ReturnType<typeof mount> | null = null;

function show(parts: ContentPart[], options: MarkdownOptions = {}, filesFirst = false): HTMLElement {
  host = document.createElement("div");
  document.body.appendChild(host);
  mounted = mount(Parts, { target: host, props: { parts, options, filesFirst } });
  flushSync();
  return host;
}

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  host?.remove();
  host = null;
});

describe("file parts", () => {
  it("a file that is no media is a pill that downloads under its original name", () => {
    const el = show([{ type: "file", file: fd("/tmp/gradio/ab/tmp123.pdf", { orig_name: "Quarterly report.pdf" }), alt_text: null }]);
    const a = el.querySelector("a.file-pill") as HTMLAnchorElement;
    expect(a.getAttribute("href")).toBe(ROOT + "/tmp/gradio/ab/tmp123.pdf");
    expect(a.getAttribute("download")).toBe("Quarterly report.pdf");
    expect(a.querySelector(".file-name")?.textContent).toBe("Quarterly report.pdf");
    expect(a.querySelector(".file-ext")?.textContent).toBe("PDF");
  });

  it("images, audio and video by MIME type or extension; images lazy, with their alt text", () => {
    const el = show([
      { type: "file", file: fd("/x/a.png"), alt_text: "a cat" },
      { type: "file", file: fd("/x/noext", { mime_type: "audio/wav" }), alt_text: null },
      { type: "file", file: fd("/x/clip.mp4"), alt_text: null },
    ]);
    const img = el.querySelector("img.media") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(ROOT + "/x/a.png");
    expect(img.alt).toBe("a cat");
    expect(img.getAttribute("loading")).toBe("lazy");
    expect((el.querySelector("audio.media") as HTMLAudioElement).controls).toBe(true);
    expect(el.querySelector("video.media")?.getAttribute("src")).toBe(ROOT + "/x/clip.mp4");
  });

  it("never builds a URL from the path", () => {
    const el = show([{ type: "file", file: { path: "/tmp/a.png" }, alt_text: null }, component("image", { path: "/tmp/b.png" })]);
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector("[src]")).toBeNull();
    expect(el.querySelector("a")).toBeNull();
    expect([...el.querySelectorAll(".file-pill.missing .file-name")].map((n) => n.textContent)).toEqual(["a.png", "b.png"]);
  });

  it("in the user's message, files come before the text", () => {
    const el = show([{ type: "text", text: "what is this?" }, { type: "file", file: fd("/x/a.png"), alt_text: null }], {}, true);
    const kids = [...el.children].map((c) => c.tagName.toLowerCase() + "." + c.className.split(" ")[0]);
    expect(kids).toEqual(["img.media", "div.prose"]);
  });
});

describe("component parts", () => {
  it("image: a lazy image with the part's alt text", () => {
    const el = show([component("image", fd("/x/plot.png"), { alt_text: "the plot" })]);
    const img = el.querySelector(".component-image img") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(ROOT + "/x/plot.png");
    expect(img.alt).toBe("the plot");
    expect(img.getAttribute("loading")).toBe("lazy");
  });

  it("audio: a player, whatever the file's name", () => {
    const el = show([component("audio", fd("/x/tmpfile"))]);
    const audio = el.querySelector(".component-audio audio") as HTMLAudioElement;
    expect(audio.getAttribute("src")).toBe(ROOT + "/x/tmpfile");
    expect(audio.controls).toBe(true);
  });

  it("video: a FileData, or gr.Video's {video, subtitles} with a captions track", () => {
    const el = show([component("video", fd("/x/a.mp4")), component("video", { video: fd("/x/b.webm"), subtitles: fd("/x/b.vtt") })]);
    const videos = [...el.querySelectorAll(".component-video video")] as HTMLVideoElement[];
    expect(videos.map((v) => v.getAttribute("src"))).toEqual([ROOT + "/x/a.mp4", ROOT + "/x/b.webm"]);
    expect(videos[0].controls).toBe(true);
    expect(videos[1].querySelector("track")?.getAttribute("src")).toBe(ROOT + "/x/b.vtt");
  });

  it("file: one pill, or one per file of a list, even for media files", () => {
    const el = show([component("file", fd("/x/a.csv", { orig_name: "data.csv" })), component("file", [fd("/x/b.png"), fd("/x/c.zip")])]);
    const pills = [...el.querySelectorAll(".component-file a.file-pill")] as HTMLAnchorElement[];
    expect(pills.map((a) => [a.getAttribute("href"), a.getAttribute("download")])).toEqual([
      [ROOT + "/x/a.csv", "data.csv"],
      [ROOT + "/x/b.png", "b.png"],
      [ROOT + "/x/c.zip", "c.zip"],
    ]);
  });

  it("html: sanitised by default", () => {
    const el = show([component("html", '<b>bold</b><img src="x" onerror="window.__pwn=1"><script>window.__pwn=2</script><button>b</button>')]);
    const box = el.querySelector(".component-html")!;
    expect(box.querySelector("b")?.textContent).toBe("bold");
    expect(box.querySelector("img")?.getAttribute("onerror")).toBeNull();
    expect(box.querySelector("script")).toBeNull();
    expect(box.querySelector("button")).toBeNull();
    expect((window as any).__pwn).toBeUndefined();
  });

  it("html: sanitize_html=false keeps trusted markup (still no scripts)", () => {
    const el = show([component("html", "<button>ok</button><style>.x{}</style><script>window.__pwn=3</script>")], { sanitize: false });
    const box = el.querySelector(".component-html")!;
    expect(box.querySelector("button")?.textContent).toBe("ok");
    expect(box.querySelector("style")).not.toBeNull();
    expect(box.querySelector("script")).toBeNull();
  });

  it("code: highlighted in its language, with a copy button", async () => {
    const writes: string[] = [];
    Object.defineProperty(window, "isSecureContext", { value: true, configurable: true });
    Object.defineProperty(navigator, "clipboard", { value: { writeText: async (t: string) => void writes.push(t) }, configurable: true });
    const source = "def f():\n    return '```'\n";
    const el = show([component("code", source, { constructor_args: { language: "python" } })]);
    const code = el.querySelector(".component-code pre code") as HTMLElement;
    expect(code.className).toContain("language-python");
    expect(code.querySelector(".hljs-keyword")?.textContent).toBe("def");
    const copy = el.querySelector(".component-code button.copy-code") as HTMLButtonElement;
    expect(copy.getAttribute("aria-label")).toBe("Copy code");
    copy.click();
    await vi.waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]).toBe(source);
  });

  it("markdown: rendered with the chatbot's options", () => {
    const el = show([component("markdown", "**bold** and `code`")]);
    expect(el.querySelector(".component-markdown strong")?.textContent).toBe("bold");
    expect(el.querySelector(".component-markdown code")?.textContent).toBe("code");
  });

  it("gallery: a grid of images with captions", () => {
    const el = show([
      component("gallery", [
        { image: fd("/x/1.png"), caption: "first" },
        { image: fd("/x/2.jpg", { orig_name: "second.jpg" }), caption: null },
      ]),
    ]);
    const items = [...el.querySelectorAll(".component-gallery .gallery-item")];
    expect(items).toHaveLength(2);
    const imgs = items.map((li) => li.querySelector("img") as HTMLImageElement);
    expect(imgs.map((i) => i.getAttribute("src"))).toEqual([ROOT + "/x/1.png", ROOT + "/x/2.jpg"]);
    expect(imgs.map((i) => i.alt)).toEqual(["first", "second.jpg"]);
    expect(imgs.every((i) => i.getAttribute("loading") === "lazy")).toBe(true);
    expect(items[0].querySelector("figcaption")?.textContent).toBe("first");
    expect(items[1].querySelector("figcaption")).toBeNull();
  });

  it("an unknown component, or one without a usable value, keeps the placeholder", () => {
    const el = show([component("plot", { plot: "{}" }), component("image", null)]);
    expect([...el.querySelectorAll(".component-placeholder")].map((p) => p.textContent)).toEqual(["[plot]", "[image]"]);
  });
});

describe("in the chat", () => {
  it("a user's turn shows the uploaded files before the text; no copy button for media", () => {
    const config: AppConfig = {
      title: "t",
      components: [
        { id: 0, type: "column", props: {} },
        { id: 1, type: "chatbot", props: { value: [] } },
      ],
      layout: { id: 0, children: [{ id: 1 }] },
      dependencies: [],
    };
    const store = new ReactiveStore(config.components);
    const client = { sessionHash: "s", isConnected: true, predict: vi.fn(), join: vi.fn(), cancel: vi.fn(), forget: vi.fn() };
    const runner = new Runner([], store, client as any);
    host = document.createElement("div");
    document.body.appendChild(host);
    mounted = mount(App, { target: host, props: { config, store, runner, ui: new UIState() } });
    store.setValue(1, [
      { role: "user", metadata: null, content: [{ type: "text", text: "compare these" }], options: null },
      { role: "user", metadata: null, content: [{ type: "file", file: fd("/x/a.png"), alt_text: null }], options: null },
      { role: "user", metadata: null, content: [{ type: "file", file: fd("/x/b.pdf"), alt_text: null }], options: null },
      { role: "assistant", metadata: null, content: [component("image", fd("/x/answer.png"))], options: null },
    ]);
    store.flush();
    flushSync();
    const bubble = host.querySelector(".msg-group.user .bubble")!;
    const order = [...bubble.querySelectorAll(".message")].map((m) => m.firstElementChild?.tagName.toLowerCase());
    expect(order).toEqual(["img", "a", "div"]);
    expect(host.querySelector(".msg-group.bot .component-image img")?.getAttribute("src")).toBe(ROOT + "/x/answer.png");
    expect(host.querySelector('.msg-group.bot button[aria-label="Copy message"]')).toBeNull();
  });
});
