// File helpers of the multimodal box and the chat (src/files.ts), and the upload client
// (src/api/upload.ts) against a fake fetch.
import { describe, expect, it, vi } from "vitest";
import {
  acceptAttribute,
  acceptsFile,
  fileBadge,
  fileKind,
  fileLabel,
  formatsLabel,
  mediaKind,
  pastedTextAsFile,
  splitAccepted,
  toMultimodalValue,
} from "../src/files";
import { mediaFirst, nestThoughts, toItems } from "../src/chat";
import { fileUrl, limiter, tooLargeMessage, UploadError, uploadFiles } from "../src/api/upload";
import { tick } from "./fake-server";

const file = (name: string, type = "", size = 3) => new File(["x".repeat(size)], name, { type });

function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsText(blob);
  });
}

describe("file_types: the picker's accept attribute", () => {
  it("maps categories to MIME wildcards and keeps extensions and MIME types", () => {
    expect(acceptAttribute([".png", "image", "audio/*", "video", "text", "application/pdf"])).toBe(
      ".png,image/*,audio/*,video/*,text/*,application/pdf",
    );
    expect(acceptAttribute([".PDF"])).toBe(".pdf");
    // A bare word that is no category is taken as an extension.
    expect(acceptAttribute(["csv"])).toBe(".csv");
  });

  it("takes anything without a list, with an empty list, or with 'file' in it", () => {
    expect(acceptAttribute(undefined)).toBeUndefined();
    expect(acceptAttribute(null)).toBeUndefined();
    expect(acceptAttribute([])).toBeUndefined();
    expect(acceptAttribute(["image", "file"])).toBeUndefined();
  });
});

describe("file_types: which files are taken", () => {
  it("by extension (case-insensitive), category, MIME wildcard or exact MIME type", () => {
    expect(acceptsFile(file("a.PNG"), [".png"])).toBe(true);
    expect(acceptsFile(file("a.png.txt"), [".png"])).toBe(false);
    expect(acceptsFile(file("cat.jpg", "image/jpeg"), ["image"])).toBe(true);
    // No MIME type from the browser: the extension says what it is.
    expect(acceptsFile(file("cat.webp"), ["image"])).toBe(true);
    expect(acceptsFile(file("song.mp3", "audio/mpeg"), ["audio/*"])).toBe(true);
    expect(acceptsFile(file("song.mp3", "audio/mpeg"), ["video/*"])).toBe(false);
    expect(acceptsFile(file("clip.webm", "video/webm"), ["audio"])).toBe(false);
    expect(acceptsFile(file("clip.webm", "audio/webm"), ["audio"])).toBe(true);
    expect(acceptsFile(file("doc.pdf", "application/pdf"), ["application/pdf"])).toBe(true);
    expect(acceptsFile(file("notes.txt", "text/plain"), ["text"])).toBe(true);
    expect(acceptsFile(file("data.csv"), ["csv"])).toBe(true);
    expect(acceptsFile(file("anything.bin"), ["file"])).toBe(true);
    expect(acceptsFile(file("anything.bin"), null)).toBe(true);
    expect(acceptsFile(file("noext"), [".png"])).toBe(false);
  });

  it("splits a drop into taken and rejected, in order, and names the formats", () => {
    const list = [file("a.png", "image/png"), file("b.txt", "text/plain"), file("c.pdf", "application/pdf"), file("d.exe")];
    const { accepted, rejected } = splitAccepted(list, ["image", ".pdf"]);
    expect(accepted.map((f) => f.name)).toEqual(["a.png", "c.pdf"]);
    expect(rejected.map((f) => f.name)).toEqual(["b.txt", "d.exe"]);
    expect(formatsLabel(["image", ".pdf"])).toBe("image, .pdf");
  });
});

describe("the pasted-text rule", () => {
  it("text longer than max_plain_text_length (default 1000) becomes pasted_text.txt", async () => {
    expect(pastedTextAsFile("a".repeat(1000))).toBeNull();
    const f = pastedTextAsFile("a".repeat(1001))!;
    expect(f.name).toBe("pasted_text.txt");
    expect(f.type).toBe("text/plain");
    expect(f.size).toBe(1001);
    expect(await readText(f)).toBe("a".repeat(1001));
  });

  it("follows the prop, and ignores a nonsensical one", () => {
    expect(pastedTextAsFile("hello", 4)?.name).toBe("pasted_text.txt");
    expect(pastedTextAsFile("hell", 4)).toBeNull();
    expect(pastedTextAsFile("a".repeat(1001), null)).not.toBeNull();
    expect(pastedTextAsFile("a".repeat(999), "x")).toBeNull();
    expect(pastedTextAsFile("", 0)).toBeNull();
  });
});

describe("values and kinds", () => {
  it("a box value from a string, {text, files}, or null", () => {
    const fd = { path: "/tmp/a.png", url: "http://h/gradio_api/file=/tmp/a.png", meta: { _type: "gradio.FileData" } };
    expect(toMultimodalValue("hi")).toEqual({ text: "hi", files: [] });
    expect(toMultimodalValue({ text: "x", files: [fd, 3, null] })).toEqual({ text: "x", files: [fd] });
    expect(toMultimodalValue(null)).toEqual({ text: "", files: [] });
    expect(toMultimodalValue({ files: [fd] })).toEqual({ text: "", files: [fd] });
  });

  it("a file's viewer from its MIME type, else its name, URL or path", () => {
    expect(mediaKind("image/png", "x")).toBe("image");
    expect(mediaKind("application/octet-stream", "a.mp4")).toBe("video");
    expect(fileKind({ path: "/tmp/a.bin", mime_type: "audio/wav" })).toBe("audio");
    expect(fileKind({ path: "/tmp/x", orig_name: "photo.JPG" })).toBe("image");
    expect(fileKind({ path: "/tmp/x/report.pdf", url: "http://h/gradio_api/file=/tmp/x/report.pdf" })).toBe("file");
    expect(fileLabel({ path: "/tmp/x/report%20v2.pdf" })).toBe("report v2.pdf");
    expect(fileLabel({ path: "/tmp/x/a.pdf", orig_name: "Quarterly.pdf" })).toBe("Quarterly.pdf");
    expect(fileBadge({ path: "/tmp/x/a.tar.gz" })).toBe("GZ");
  });

  it("a user's bubble puts media-only messages before text ones", () => {
    const msg = (content: unknown[]) => ({ role: "user", metadata: null, content, options: null });
    const text = msg([{ type: "text", text: "what is this?" }]);
    const img = msg([{ type: "file", file: { path: "/a.png", url: "u" } }]);
    const nodes = mediaFirst(nestThoughts(toItems([text, img])));
    expect(nodes.map((n) => n.item.index)).toEqual([1, 0]);
    const same = nestThoughts(toItems([img, text]));
    expect(mediaFirst(same)).toBe(same);
  });
});

// ---------------------------------------------------------------- upload client

const API = "http://h/app/gradio_api";

interface Call {
  url: string;
  init?: RequestInit;
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    await tick();
    if (init?.signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
    return answer(url, init);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("uploadFiles", () => {
  it("posts every file as a 'files' part with an upload_id and returns FileData in order", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, ["/tmp/gradio/1a/cat.png", "/tmp/gradio/2b/notes.txt"]));
    const files = [file("cat.png", "image/png", 10), file("notes.txt", "", 4)];
    const out = await uploadFiles(files, { apiBase: API + "/", fetch, uploadId: "abc123" });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(`${API}/upload?upload_id=abc123`);
    expect(calls[0].init?.method).toBe("POST");
    const form = calls[0].init?.body as FormData;
    expect(form.getAll("files").map((f) => (f as File).name)).toEqual(["cat.png", "notes.txt"]);
    expect(out).toEqual([
      { path: "/tmp/gradio/1a/cat.png", url: `${API}/file=/tmp/gradio/1a/cat.png`, size: 10, orig_name: "cat.png", mime_type: "image/png", is_stream: false, meta: { _type: "gradio.FileData" } },
      { path: "/tmp/gradio/2b/notes.txt", url: `${API}/file=/tmp/gradio/2b/notes.txt`, size: 4, orig_name: "notes.txt", mime_type: null, is_stream: false, meta: { _type: "gradio.FileData" } },
    ]);
    // Keys in the order of the wire format.
    expect(Object.keys(out[0])).toEqual(["path", "url", "size", "orig_name", "mime_type", "is_stream", "meta"]);
    expect(fileUrl(API, "/x y")).toBe(`${API}/file=/x y`);
  });

  it("a random upload id per call", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, ["/p"]));
    await uploadFiles([file("a")], { apiBase: API, fetch });
    await uploadFiles([file("a")], { apiBase: API, fetch });
    const ids = calls.map((c) => new URL(c.url).searchParams.get("upload_id"));
    expect(ids[0]).toMatch(/^[0-9a-z]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("reports the server's message: a text body, a JSON detail, or the status", async () => {
    const cases: [Response, string, number][] = [
      [new Response("File size exceeded maximum allowed size of 10 bytes.", { status: 413 }), "File size exceeded maximum allowed size of 10 bytes.", 413],
      [json(400, { detail: "Invalid file name: ../x" }), "Invalid file name: ../x", 400],
      [json(400, { detail: [{ msg: "bad" }] }), '[{"msg":"bad"}]', 400],
      [new Response("", { status: 500 }), "The upload failed (HTTP 500).", 500],
    ];
    for (const [res, message, status] of cases) {
      const { fetch } = fakeFetch(() => res);
      const err = await uploadFiles([file("a.png")], { apiBase: API, fetch }).catch((e) => e);
      expect(err).toBeInstanceOf(UploadError);
      expect(err.message).toBe(message);
      expect(err.status).toBe(status);
    }
  });

  it("refuses a file over max_file_size without a request", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, ["/p"]));
    const err = await uploadFiles([file("small", "", 5), file("big", "", 11)], { apiBase: API, fetch, maxFileSize: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.message).toBe(tooLargeMessage(10));
    expect(err.message).toBe("File size exceeded maximum allowed size of 10 bytes.");
    expect(calls).toHaveLength(0);
    // At the limit is fine; null means no limit.
    await expect(uploadFiles([file("ok", "", 10)], { apiBase: API, fetch, maxFileSize: 10 })).resolves.toHaveLength(1);
    await expect(uploadFiles([file("ok", "", 10)], { apiBase: API, fetch, maxFileSize: null })).resolves.toHaveLength(1);
  });

  it("an answer that does not list the files, or no answer at all, is an error", async () => {
    for (const res of [json(200, ["/only-one"]), json(200, { paths: [] }), new Response("<html>", { status: 200 })]) {
      const { fetch } = fakeFetch(() => res);
      await expect(uploadFiles([file("a"), file("b")], { apiBase: API, fetch })).rejects.toBeInstanceOf(UploadError);
    }
    const down = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const err = await uploadFiles([file("a")], { apiBase: API, fetch: down }).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.status).toBeNull();
  });

  it("follows the upload_progress stream and reports the bytes received", async () => {
    const enc = new TextEncoder();
    let release!: () => void;
    const uploaded = new Promise<void>((r) => (release = r));
    const { fetch, calls } = fakeFetch(async (url) => {
      if (url.includes("/upload_progress")) {
        const frames = [
          'data: {"msg": "update", "orig_name": "big.bin", "chunk_size": 40}\n\n',
          'data: {"msg": "heartbeat"}\n\n',
          'data: {"msg": "update", "orig_name": "big.bin", "chunk_size": 60}\n\n',
          'data: {"msg": "done"}\n\n',
        ];
        const body = new ReadableStream<Uint8Array>({
          async pull(c) {
            const f = frames.shift();
            if (!f) {
              release();
              return c.close();
            }
            await tick();
            c.enqueue(enc.encode(f));
          },
        });
        return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
      }
      await uploaded;
      return json(200, ["/tmp/big.bin"]);
    });
    const seen: [number, number][] = [];
    await uploadFiles([file("big.bin", "", 100)], { apiBase: API, fetch, uploadId: "u1", progressFrom: 0, onProgress: (l, t) => seen.push([l, t]) });
    expect(calls.map((c) => c.url)).toEqual([`${API}/upload_progress?upload_id=u1`, `${API}/upload?upload_id=u1`]);
    expect(seen).toEqual([[40, 100], [100, 100], [100, 100]]);
  });

  it("no progress route (404): the upload still works; small uploads do not ask", async () => {
    const { fetch, calls } = fakeFetch((url) => (url.includes("progress") ? new Response("Upload not found", { status: 404 }) : json(200, ["/p"])));
    const seen: number[] = [];
    await expect(uploadFiles([file("a", "", 5)], { apiBase: API, fetch, progressFrom: 0, onProgress: (l) => seen.push(l) })).resolves.toHaveLength(1);
    expect(seen).toEqual([5]);
    calls.length = 0;
    await uploadFiles([file("a", "", 5)], { apiBase: API, fetch, onProgress: () => {} });
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(["/app/gradio_api/upload"]);
  });

  it("aborting rejects with the fetch's AbortError, not an UploadError", async () => {
    const { fetch } = fakeFetch(() => json(200, ["/p"]));
    const controller = new AbortController();
    const pending = uploadFiles([file("a")], { apiBase: API, fetch, signal: controller.signal });
    controller.abort();
    const err = await pending.catch((e) => e);
    expect(err).not.toBeInstanceOf(UploadError);
    expect(err.name).toBe("AbortError");
  });

  it("limiter runs at most n tasks at once, in order", async () => {
    const run = limiter(2);
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      active++;
      most = Math.max(most, active);
      await tick(2);
      order.push(i);
      active--;
      return i;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => run(task(i))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });
});
