// Applies the generator diff format of protocol.md §5.5 to a previous output value.
//
// Edits are applied in order. The input value is never mutated: every container on the edited
// path is copied (path copying), so untouched siblings keep their identity. The chat view relies
// on that: a token appended to the last message leaves every other message object unchanged,
// so only the last message re-renders.

import type { DiffEdit } from "./types";

export class DiffError extends Error {}

export function applyDiff<T = unknown>(value: T, edits: DiffEdit[]): T {
  let out: any = value;
  for (const edit of edits) out = applyEdit(out, edit);
  return out;
}

function applyEdit(root: any, [action, path, value]: DiffEdit): any {
  if (path.length === 0) return leaf(root, action, value);
  const top = shallowCopy(root, path, 0);
  let node = top;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as any;
    const child = shallowCopy(node[key], path, i + 1);
    node[key] = child;
    node = child;
  }
  const last = path[path.length - 1] as any;
  switch (action) {
    case "replace":
      node[last] = value;
      break;
    case "append":
      node[last] = node[last] + value;
      break;
    case "add":
      if (Array.isArray(node)) node.splice(Number(last), 0, value);
      else node[last] = value;
      break;
    case "delete":
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
      break;
    default:
      throw new DiffError(`unknown diff action ${String(action)}`);
  }
  return top;
}

function leaf(old: any, action: string, value: any): any {
  switch (action) {
    case "replace":
      return value;
    case "append":
      return old + value;
    default:
      throw new DiffError(`diff action ${action} needs a non-empty path`);
  }
}

function shallowCopy(node: any, path: DiffEdit[1], depth: number): any {
  if (Array.isArray(node)) return node.slice();
  if (node !== null && typeof node === "object") return { ...node };
  throw new DiffError(`diff path ${JSON.stringify(path.slice(0, depth + 1))} walks into a non-container`);
}
