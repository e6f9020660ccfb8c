// Pure helpers about files: which viewer a FileData gets, which files a multimodal box takes
// (`file_types`) and what its picker offers, the pasted-text rule, and the box's value.

import type { FileData } from "./api/types";

export type MediaKind = "image" | "audio" | "video" | "file";

const EXTENSIONS: Record<Exclude<MediaKind, "file"> | "text", string[]> = {
  image: ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic"],
  audio: ["mp3", "wav", "ogg", "oga", "opus", "flac", "m4a", "aac", "aif", "aiff", "weba"],
  video: ["mp4", "webm", "mov", "mkv", "avi", "m4v", "ogv", "mpeg", "mpg"],
  text: ["txt", "md", "csv", "tsv", "json", "xml", "html", "htm", "css", "js", "ts", "py", "c", "cpp", "h", "log", "yaml", "yml"],
};

/** Lower-case extension of a file name or URL without its dot ("" when there is none). */
export function extensionOf(name: string | null | undefined): string {
  if (!name) return "";
  const clean = name.split(/[?#]/)[0];
  const base = clean.slice(clean.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** The broad category ("image", "audio", "video", "text") of a MIME type or, failing that, a name. */
function category(mime: string | null | undefined, name: string | null | undefined): string {
  const m = (mime ?? "").toLowerCase();
  const slash = m.indexOf("/");
  if (slash > 0 && m !== "application/octet-stream") {
    // .webm is both; a MIME type says which.
    return m.slice(0, slash);
  }
  const ext = extensionOf(name);
  for (const [kind, list] of Object.entries(EXTENSIONS)) if (list.includes(ext)) return kind;
  return "";
}

/** Which viewer a file gets: by MIME type, else by the extension of its name. */
export function mediaKind(mime: string | null | undefined, name: string | null | undefined): MediaKind {
  const c = category(mime, name);
  return c === "image" || c === "audio" || c === "video" ? c : "file";
}

/** Viewer kind of a FileData (MIME type, original name, URL, then path). */
export function fileKind(f: FileData | null | undefined): MediaKind {
  if (!f) return "file";
  const byMime = mediaKind(f.mime_type, null);
  if (byMime !== "file") return byMime;
  for (const name of [f.orig_name, f.url, f.path]) {
    const k = mediaKind(null, name);
    if (k !== "file") return k;
  }
  return "file";
}

/** The name to show for a FileData: its original name, else the last segment of its URL or path. */
export function fileLabel(f: FileData | null | undefined): string {
  if (f?.orig_name) return f.orig_name;
  const src = f?.url ?? f?.path;
  if (!src) return "file";
  const clean = src.split(/[?#]/)[0];
  const last = clean.slice(Math.max(clean.lastIndexOf("/"), clean.lastIndexOf("\\")) + 1);
  try {
    return decodeURIComponent(last) || "file";
  } catch {
    return last || "file";
  }
}

/** Upper-case extension badge of a FileData ("PDF"), or "". */
export function fileBadge(f: FileData | null | undefined): string {
  return extensionOf(fileLabel(f)).toUpperCase();
}

/** True for an object shaped like Gradio's FileData (a `path` or `url` string). */
export function isFileData(v: unknown): v is FileData {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.path === "string" || typeof o.url === "string";
}

// ---------------------------------------------------------------- file_types

const CATEGORIES = new Set(["image", "audio", "video", "text"]);

/** The `file_types` prop as a list of non-empty strings (anything else: no restriction). */
function typeList(fileTypes: unknown): string[] {
  if (!Array.isArray(fileTypes)) return [];
  return fileTypes.filter((t): t is string => typeof t === "string" && t.trim() !== "").map((t) => t.trim());
}

/**
 * The picker's `accept` attribute for `file_types`: ".ext" as is, "image"/"audio"/"video"/
 * "text" as "image/*" etc., MIME types as is, other words as an extension. Undefined (anything)
 * when there is no list or it contains "file".
 */
export function acceptAttribute(fileTypes: unknown): string | undefined {
  const list = typeList(fileTypes);
  if (list.length === 0 || list.some((t) => t.toLowerCase() === "file")) return undefined;
  return list
    .map((t) => {
      const lower = t.toLowerCase();
      if (t.startsWith(".") || t.includes("/")) return lower;
      if (CATEGORIES.has(lower)) return `${lower}/*`;
      return `.${lower}`;
    })
    .join(",");
}

/** True when `file` is one of `file_types` (no list, or "file" in it, takes anything). */
export function acceptsFile(file: { name: string; type?: string }, fileTypes: unknown): boolean {
  const list = typeList(fileTypes);
  if (list.length === 0) return true;
  const ext = extensionOf(file.name);
  const mime = (file.type ?? "").toLowerCase();
  const cat = category(mime, file.name);
  return list.some((t) => {
    const want = t.toLowerCase();
    if (want === "file") return true;
    if (want.startsWith(".")) return ext !== "" && want.slice(1) === ext;
    if (CATEGORIES.has(want)) return cat === want;
    if (want.endsWith("/*")) return cat === want.slice(0, -2) || mime.startsWith(want.slice(0, -1));
    if (want.includes("/")) return mime === want;
    return ext === want;
  });
}

/** `files` split into the ones `file_types` takes and the others, each in order. */
export function splitAccepted<T extends { name: string; type?: string }>(files: T[], fileTypes: unknown): { accepted: T[]; rejected: T[] } {
  const accepted: T[] = [];
  const rejected: T[] = [];
  for (const f of files) (acceptsFile(f, fileTypes) ? accepted : rejected).push(f);
  return { accepted, rejected };
}

/** `file_types` as the reader sees them in the rejection message ("image, .pdf"). */
export function formatsLabel(fileTypes: unknown): string {
  return typeList(fileTypes).join(", ");
}

// ---------------------------------------------------------------- pasting

export const PASTED_TEXT_NAME = "pasted_text.txt";
export const DEFAULT_MAX_PLAIN_TEXT = 1000;

/**
 * Text pasted into the box that is longer than `max_plain_text_length` (default 1000
 * characters) becomes an attachment named pasted_text.txt; shorter text returns null (it goes
 * into the box as usual).
 */
export function pastedTextAsFile(text: string, maxLength: unknown = DEFAULT_MAX_PLAIN_TEXT): File | null {
  const max = typeof maxLength === "number" && Number.isFinite(maxLength) && maxLength >= 0 ? maxLength : DEFAULT_MAX_PLAIN_TEXT;
  if (!text || text.length <= max) return null;
  return new File([text], PASTED_TEXT_NAME, { type: "text/plain" });
}

// ---------------------------------------------------------------- the box's value

export interface MultimodalValue {
  text: string;
  files: FileData[];
}

/**
 * A multimodal box's value from whatever the server sends it: a {text, files} object, a plain
 * string (an update that clears or refills the text), or null (empty).
 */
export function toMultimodalValue(v: unknown): MultimodalValue {
  if (typeof v === "string") return { text: v, files: [] };
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const text = typeof o.text === "string" ? o.text : o.text == null ? "" : String(o.text);
    const files = Array.isArray(o.files) ? (o.files.filter(isFileData) as FileData[]) : [];
    return { text, files };
  }
  return { text: "", files: [] };
}
