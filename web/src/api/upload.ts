// Upload client (protocol.md §8): POST {api}/upload?upload_id=ID with the files as multipart
// parts named "files"; the answer is a JSON array of server paths, one per file, in order.
// Progress comes from GET {api}/upload_progress?upload_id=ID, an SSE stream of
// {"msg":"update","orig_name":…,"chunk_size":<bytes since the last update>} then {"msg":"done"}.
// A server without that route (404) or a stream that fails only means no progress figures.

import { SSEParser } from "./sse";
import type { FileData } from "./types";

/** An upload the server refused (status set) or that never reached it (status null). */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

export interface UploadOptions {
  /** Absolute URL of the API root, e.g. "http://127.0.0.1:7860/gradio_api". */
  apiBase: string;
  fetch?: typeof fetch;
  /** config.max_file_size in bytes: bigger files are refused here, without uploading. */
  maxFileSize?: number | null;
  signal?: AbortSignal;
  /** Bytes received by the server so far, of `total` (the files' sizes summed). */
  onProgress?: (loaded: number, total: number) => void;
  uploadId?: string;
  /** Follow the progress stream only for uploads of at least this many bytes (default 1 MiB). */
  progressFrom?: number;
}

/** The server's own message for a file over config.max_file_size. */
export function tooLargeMessage(max: number): string {
  return `File size exceeded maximum allowed size of ${max} bytes.`;
}

/** A random upload id (lower-case base 36, 12 characters). */
export function newUploadId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

/** The URL the server serves an uploaded path at: {api}/file=<path>. */
export function fileUrl(apiBase: string, path: string): string {
  return `${apiBase.replace(/\/+$/, "")}/file=${path}`;
}

/**
 * Uploads `files` in one request and returns their FileData, in order. Throws UploadError
 * with the server's message when it refuses them, and the fetch's AbortError when `signal`
 * aborts.
 */
export async function uploadFiles(files: File[], opts: UploadOptions): Promise<FileData[]> {
  if (files.length === 0) return [];
  const max = opts.maxFileSize;
  if (typeof max === "number" && Number.isFinite(max) && max >= 0 && files.some((f) => f.size > max)) {
    throw new UploadError(tooLargeMessage(max), 413);
  }
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = opts.apiBase.replace(/\/+$/, "");
  const id = opts.uploadId ?? newUploadId();
  const total = files.reduce((n, f) => n + f.size, 0);

  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);

  const progress =
    opts.onProgress && total >= (opts.progressFrom ?? 1 << 20)
      ? followProgress(doFetch, `${base}/upload_progress?upload_id=${encodeURIComponent(id)}`, total, opts.onProgress, opts.signal)
      : null;

  let res: Response;
  try {
    res = await doFetch(`${base}/upload?upload_id=${encodeURIComponent(id)}`, { method: "POST", body: form, signal: opts.signal });
  } catch (e) {
    progress?.stop();
    if (opts.signal?.aborted) throw e;
    throw new UploadError("Could not reach the server to upload the file.", null);
  }
  progress?.stop();
  if (!res.ok) throw new UploadError(await errorMessage(res), res.status);

  let paths: unknown;
  try {
    paths = await res.json();
  } catch {
    throw new UploadError("The server's answer to the upload is not JSON.", res.status);
  }
  if (!Array.isArray(paths) || paths.length !== files.length || !paths.every((p) => typeof p === "string")) {
    throw new UploadError("The server's answer to the upload does not list the uploaded files.", res.status);
  }
  opts.onProgress?.(total, total);
  return files.map((f, i) => {
    const path = paths[i] as string;
    return {
      path,
      url: fileUrl(base, path),
      size: f.size,
      orig_name: f.name,
      mime_type: f.type || null,
      is_stream: false,
      meta: { _type: "gradio.FileData" },
    };
  });
}

/** The message of a refused upload: a JSON body's "detail" (or "error"), else the text. */
async function errorMessage(res: Response): Promise<string> {
  let text = "";
  try {
    text = (await res.text()).trim();
  } catch {
    text = "";
  }
  if (text) {
    try {
      const body = JSON.parse(text);
      if (typeof body === "string" && body) return body;
      const detail = body?.detail ?? body?.error;
      if (typeof detail === "string" && detail) return detail;
      if (detail && typeof detail === "object") return JSON.stringify(detail);
    } catch {
      return text;
    }
  }
  return `The upload failed (HTTP ${res.status}).`;
}

/** Reads the progress stream until "done", the stream's end, or stop(). Never throws. */
function followProgress(
  doFetch: typeof fetch,
  url: string,
  total: number,
  onProgress: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): { stop(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  let loaded = 0;
  (async () => {
    const res = await doFetch(url, { signal: controller.signal, headers: { Accept: "text/event-stream" } });
    if (!res.ok || !res.body) return;
    const reader = res.body.getReader();
    const parser = new SSEParser();
    for (;;) {
      const { value, done } = await reader.read();
      const frames = done ? parser.end() : parser.push(value);
      for (const frame of frames) {
        let msg: any;
        try {
          msg = JSON.parse(frame);
        } catch {
          continue;
        }
        if (msg?.msg === "update" && typeof msg.chunk_size === "number") {
          loaded = Math.min(total, loaded + msg.chunk_size);
          if (!controller.signal.aborted) onProgress(loaded, total);
        } else if (msg?.msg === "done") {
          controller.abort();
          return;
        }
      }
      if (done) return;
    }
  })()
    .catch(() => {
      /* no progress figures */
    })
    .finally(() => signal?.removeEventListener("abort", abort));
  return { stop: abort };
}

/** Runs at most `n` of the given tasks at once (uploads: keep connections for the chat). */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finished task hands its slot straight to the next waiting one.
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
