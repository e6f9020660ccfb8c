// Persistence of `browserstate` components (gr.BrowserState, used by save_history) in the
// browser's localStorage, under the component's `storage_key`.
//
// Gradio encrypts the stored value with a `secret` that is new for every server process, so a
// restart makes every saved conversation unreadable (features.md A9.1). This UI stores plain
// JSON instead and ignores `secret`: saved conversations stay readable across restarts. What
// is stored is whatever the server put into the component; nothing here knows its shape.
//
// Stored data is untrusted: a value that does not parse, is too large, or does not have the
// kind of the component's default (list vs object vs scalar) is ignored, never thrown.

/** Values longer than this (in UTF-16 code units) are neither read nor written. */
export const MAX_STORED_CHARS = 4_000_000;

function storage(): Storage | null {
  try {
    // Reading `localStorage` itself throws in sandboxed frames and with storage disabled.
    return typeof globalThis.localStorage === "undefined" ? null : globalThis.localStorage;
  } catch {
    return null;
  }
}

function kind(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * The stored value for `key`, or `fallback` when there is none or it cannot be used. A stored
 * value must have the same kind as a non-null fallback (a list for a list default, …).
 */
export function readBrowserState(key: unknown, fallback: unknown): unknown {
  if (typeof key !== "string" || !key) return fallback;
  const s = storage();
  if (!s) return fallback;
  let raw: string | null;
  try {
    raw = s.getItem(key);
  } catch {
    return fallback;
  }
  if (raw === null || raw.length > MAX_STORED_CHARS) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fallback; // e.g. a value Gradio itself stored encrypted
  }
  if (value === null || value === undefined) return fallback;
  if (kind(fallback) !== "null" && kind(value) !== kind(fallback)) return fallback;
  return value;
}

/** Stores `value` as JSON under `key`; a full or unavailable storage is silently skipped. */
export function writeBrowserState(key: unknown, value: unknown): void {
  if (typeof key !== "string" || !key) return;
  const s = storage();
  if (!s) return;
  try {
    if (value === null || value === undefined) {
      s.removeItem(key);
      return;
    }
    const text = JSON.stringify(value);
    if (text === undefined || text.length > MAX_STORED_CHARS) return;
    s.setItem(key, text);
  } catch {
    // QuotaExceededError, SecurityError, or a value JSON cannot encode: keep it in memory only.
  }
}
