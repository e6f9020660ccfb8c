// Pure helpers that turn the Chatbot's wire value into what the view renders.

import type { ChatMessage, ContentPart, FileData } from "./api/types";

/** A message together with its index in the server's message list (events refer to it). */
export interface Item {
  index: number;
  message: ChatMessage;
  parts: ContentPart[];
}

/** Consecutive messages of one role, shown as one bubble with one button bar. */
export interface Group {
  key: number;
  role: string;
  items: Item[];
}

/** A thought (metadata.title) with the thoughts and messages nested under it. */
export interface Node {
  item: Item;
  children: Node[];
}

const itemCache = new WeakMap<object, Item>();

/** Messages to show, in order; system messages are kept in the value but never rendered. */
export function toItems(value: unknown, prev?: { value: unknown; items: Item[] }): Item[] {
  if (!Array.isArray(value)) return [];
  // With the previous value given, the items of its leading messages that are still the same
  // objects are kept: a streamed update then costs a pointer comparison per message.
  let start = 0;
  let out: Item[] = [];
  if (prev && Array.isArray(prev.value)) {
    start = sharedPrefix(prev.value, value);
    let k = prev.items.length;
    while (k > 0 && prev.items[k - 1].index >= start) k--;
    out = prev.items.slice(0, k);
  }
  for (let index = start; index < value.length; index++) {
    const m: ChatMessage = value[index];
    if (!m || typeof m !== "object" || m.role === "system") continue;
    // Reuse the Item for an unchanged message object so keyed views skip it.
    const cached = itemCache.get(m);
    if (cached && cached.index === index) {
      out.push(cached);
      continue;
    }
    const parts: ContentPart[] =
      typeof m.content === "string"
        ? [{ type: "text", text: m.content }]
        : Array.isArray(m.content)
          ? m.content
          : m.content
            ? [m.content as ContentPart]
            : [];
    const item = { index, message: m, parts };
    itemCache.set(m, item);
    out.push(item);
  }
  return out;
}

/** How many leading elements two message lists share (the same objects at the same places). */
export function sharedPrefix(a: unknown, b: unknown): number {
  if (!Array.isArray(a) || !Array.isArray(b)) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Groups consecutive same-role messages (`group_consecutive_messages`). Groups whose items are
 * all unchanged are returned as the same objects as in `prev`. `unchangedBefore`: the messages
 * before this index are the same as when `prev` was made from them, with the same
 * `consecutive` (toItems then gave the same items for them).
 */
export function groupItems(items: Item[], prev: Group[] = [], consecutive = true, unchangedBefore = 0): Group[] {
  const joins = (group: Group, item: Item) =>
    group.role === item.message.role && (consecutive || hasParentIn(group.items, item));
  // Leading groups that are unchanged (same items, and the next item does not join them) are
  // kept as they are: a streamed update touches the last group only, so grouping makes new
  // objects for that group alone, not for the whole conversation.
  let keep = 0;
  let next = 0;
  if (unchangedBefore > 0) {
    // The groups made of unchanged messages only, found by binary search; the last of them is
    // checked below like any other (the next message may now join it).
    let lo = 0;
    let hi = prev.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prev[mid].items[prev[mid].items.length - 1].index < unchangedBefore) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 1) {
      const end = prev[lo - 2].items[prev[lo - 2].items.length - 1];
      const at = positionOf(items, end.index);
      if (items[at] === end) {
        keep = lo - 1;
        next = at + 1;
      }
    }
  }
  outer: for (const g of prev.slice(keep)) {
    const n = g.items.length;
    if (next + n > items.length) break;
    for (let j = 0; j < n; j++) if (g.items[j] !== items[next + j]) break outer;
    const after = items[next + n];
    if (after && joins(g, after)) break;
    keep++;
    next += n;
  }
  const groups: Group[] = prev.slice(0, keep);
  const fresh: Group[] = [];
  for (let i = next; i < items.length; i++) {
    const item = items[i];
    const last = fresh[fresh.length - 1];
    // Ungrouped, a nested thought still joins the group of its parent, so it can nest there.
    if (last && joins(last, item)) last.items.push(item);
    else fresh.push({ key: item.index, role: item.message.role, items: [item] });
  }
  const byKey = new Map(prev.slice(keep).map((g) => [g.key, g]));
  for (const g of fresh) {
    const old = byKey.get(g.key);
    const same = old && old.role === g.role && old.items.length === g.items.length && old.items.every((it, i) => it === g.items[i]);
    groups.push(same ? old! : g);
  }
  return groups;
}

/** Position in `items` (ordered by index) of the item with message index `index`, or -1. */
function positionOf(items: Item[], index: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo < items.length && items[lo].index === index ? lo : -1;
}

function hasParentIn(items: Item[], item: Item): boolean {
  const parent = item.message.metadata?.parent_id;
  if (parent == null) return false;
  return items.some((it) => it.message.metadata?.id != null && String(it.message.metadata.id) === String(parent));
}

/** Nests messages under the thought whose metadata.id equals their metadata.parent_id. */
export function nestThoughts(items: Item[]): Node[] {
  const roots: Node[] = [];
  const byId = new Map<string, Node>();
  for (const item of items) {
    const node: Node = { item, children: [] };
    const meta = item.message.metadata;
    const parent = meta?.parent_id != null ? byId.get(String(meta.parent_id)) : undefined;
    (parent ? parent.children : roots).push(node);
    if (meta?.id != null) byId.set(String(meta.id), node);
  }
  return roots;
}

/**
 * A user's bubble shows what they attached before what they wrote: messages made of files or
 * components only move ahead of the others, each side keeping its order.
 */
export function mediaFirst(nodes: Node[]): Node[] {
  const media = (n: Node) => n.item.parts.length > 0 && n.item.parts.every((p) => p.type !== "text");
  const firstText = nodes.findIndex((n) => !media(n));
  if (firstText < 0 || !nodes.slice(firstText).some(media)) return nodes;
  return [...nodes.filter(media), ...nodes.filter((n) => !media(n))];
}

export function isThought(item: Item): boolean {
  return !!item.message.metadata?.title;
}

/** Plain text of a message (its text parts), for copying and announcements. */
export function textOf(item: Item): string {
  return item.parts
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join("\n\n");
}

/** Text of a group; thoughts are copied as an indented outline under their title. */
export function groupText(items: Item[]): string {
  const lines: string[] = [];
  const indent = (text: string, depth: number) =>
    text
      .split("\n")
      .map((l) => "  ".repeat(depth) + l)
      .join("\n");
  const walk = (nodes: Node[], depth: number) => {
    for (const n of nodes) {
      const title = n.item.message.metadata?.title;
      if (title) lines.push(indent(title, depth));
      const text = textOf(n.item);
      if (text) lines.push(indent(text, title ? depth + 1 : depth));
      walk(n.children, depth + 1);
    }
  };
  walk(nestThoughts(items), 0);
  return lines.join("\n\n");
}

/** True when every part of every message in the group is text (copy is offered then). */
export function allText(items: Item[]): boolean {
  return items.every((it) => it.parts.every((p) => p.type === "text"));
}

/**
 * The `value` of gr.LikeData for `group`, built as Gradio's frontend builds it: one entry per
 * content part of the group's messages (Gradio splits a message into one per part). A text part
 * gives its text, a file part the component message Gradio turns it into, a component part
 * itself. A message nested under a thought is inside that thought, not an entry of its own;
 * `items` is the whole conversation, since the thought may be in an earlier group.
 */
export function likeValue(items: Item[], group: Group): unknown[] {
  const members = new Set(group.items);
  const thoughts = new Set<string>();
  const out: unknown[] = [];
  for (const it of items) {
    // Truthiness as in Gradio's normalise_messages: an id of 0 names no thought.
    const meta = it.message.metadata;
    const nested = !!meta?.parent_id && thoughts.has(String(meta.parent_id));
    if (meta?.id && meta.title) thoughts.add(String(meta.id));
    if (nested || !members.has(it)) continue;
    for (const p of it.parts) out.push(likePart(p));
  }
  return out;
}

function likePart(p: ContentPart): unknown {
  if (p.type === "text") return p.text;
  if (p.type !== "file") return p;
  const file = Array.isArray(p.file) ? p.file[0] : p.file;
  const component = componentForFile(file);
  return {
    component,
    value: component === "file" ? (Array.isArray(p.file) ? p.file : [p.file]) : p.file,
    alt_text: p.alt_text,
    constructor_args: {},
    props: {},
  };
}

/** The component Gradio shows a file message with, from its MIME type (or a 3D model's name). */
function componentForFile(file: FileData | undefined): string {
  const mime = file?.mime_type;
  if (!mime) return /\.(glb|gltf|obj|stl|splat|ply)$/.test((file?.path ?? "").toLowerCase()) ? "model3d" : "file";
  if (mime.includes("audio")) return "audio";
  if (mime.includes("video")) return "video";
  if (mime.includes("image")) return "image";
  if (mime.includes("model")) return "model3d";
  return "file";
}

/** Index and content of the last user message: the event data of retry and undo. */
export function lastUserMessage(value: unknown): { index: number; value: unknown } | null {
  if (!Array.isArray(value)) return null;
  for (let i = value.length - 1; i >= 0; i--) {
    if (value[i]?.role === "user") return { index: i, value: value[i].content };
  }
  return null;
}

/** "2.5s", "12s", "3.0 ms" the way thought durations are shown. */
export function formatDuration(s: number): string {
  if (Number.isInteger(s)) return `${s}s`;
  if (s >= 0.1) return `${s.toFixed(1)}s`;
  return `${(s * 1000).toFixed(1)} ms`;
}

export function fileName(url: string | null | undefined, fallback = "file"): string {
  if (!url) return fallback;
  const clean = url.split(/[?#]/)[0];
  return decodeURIComponent(clean.substring(clean.lastIndexOf("/") + 1)) || fallback;
}

/** Text of one message for "copy conversation": text as is, files as their URL. */
function partsText(item: Item): string {
  const out: string[] = [];
  const title = item.message.metadata?.title;
  if (title) out.push(title);
  for (const p of item.parts) {
    if (p.type === "text") out.push(p.text ?? "");
    else if (p.type === "file") out.push(p.file?.url ?? p.file?.path ?? "");
    else if (p.type === "component") out.push(componentText(p.value) ?? `[${p.component ?? "component"}]`);
  }
  return out.filter((t) => t !== "").join("\n");
}

/** The URL of a component's file (a FileData or gr.Video's {video}), or null. */
function componentText(value: unknown): string | null {
  const v = value as any;
  const file = v && typeof v === "object" && !Array.isArray(v) ? (typeof v.url === "string" ? v : v.video) : null;
  return typeof file?.url === "string" && file.url ? file.url : null;
}

/** The whole conversation as `role: content` blocks separated by blank lines. */
export function conversationText(items: Item[]): string {
  return items.map((it) => `${it.message.role}: ${partsText(it)}`).join("\n\n");
}

/** Copied text with the Chatbot's `watermark` after a blank line. */
export function withWatermark(text: string, watermark: unknown): string {
  return typeof watermark === "string" && watermark ? `${text}\n\n${watermark}` : text;
}

/**
 * True when the newest message is a finished thought (or sits inside one): the reply is not
 * over, but nothing shows that more is coming. The view then shows the three-dot bubble.
 */
export function waitingAfterThought(items: Item[]): boolean {
  const last = items.at(-1);
  if (!last || last.message.role === "user") return false;
  const byId = new Map<string, Item>();
  for (const it of items) if (it.message.metadata?.id != null) byId.set(String(it.message.metadata.id), it);
  // The newest message and the thoughts it is nested in, innermost first.
  const chain = [last];
  for (let cur = last; cur.message.metadata?.parent_id != null; ) {
    const parent = byId.get(String(cur.message.metadata.parent_id));
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    cur = parent;
  }
  const status = (it: Item) => (isThought(it) ? it.message.metadata?.status : null);
  // A pending thought shows its own spinner.
  if (chain.some((it) => status(it) === "pending")) return false;
  return chain.some((it) => status(it) === "done");
}

/**
 * The message a group's Edit button edits: its last message that is plain text (not a thought,
 * no files or components). Null when the group has none (media cannot be edited).
 */
export function editTarget(items: Item[]): Item | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i];
    if (isThought(it) || it.parts.length === 0) continue;
    if (it.parts.every((p) => p.type === "text")) return it;
  }
  return null;
}
