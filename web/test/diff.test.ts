import { describe, expect, it } from "vitest";
import { applyDiff, DiffError } from "../src/api/diff";
import type { DiffEdit } from "../src/api/types";
import { reuse } from "../src/api/store";

const msg = (role: string, text: string) => ({
  role,
  metadata: null,
  content: [{ text, type: "text" }],
  options: null,
});

describe("applyDiff", () => {
  it("applies the recorded streaming edit to the chat history", () => {
    const prev = [msg("user", "hello"), msg("assistant", "You typed: h")];
    const edits: DiffEdit[] = [["append", [1, "content", 0, "text"], "e"]];
    const next = applyDiff(prev, edits);
    expect(next).toEqual([msg("user", "hello"), msg("assistant", "You typed: he")]);
  });

  it("never mutates the old value and keeps untouched siblings identical", () => {
    const prev = [msg("user", "hello"), msg("assistant", "You typed: h")];
    const snapshot = JSON.parse(JSON.stringify(prev));
    const next = applyDiff(prev, [["append", [1, "content", 0, "text"], "el"]]);
    expect(prev).toEqual(snapshot);
    expect(next).not.toBe(prev);
    expect(next[0]).toBe(prev[0]); // the user message is the very same object
    expect(next[1]).not.toBe(prev[1]);
  });

  it("handles the root path", () => {
    expect(applyDiff("h", [["append", [], "e"]])).toBe("he");
    expect(applyDiff("old", [["replace", [], "new"]])).toBe("new");
    expect(applyDiff(null, [["replace", [], [1, 2]]])).toEqual([1, 2]);
    expect(applyDiff("same", [])).toBe("same");
  });

  it("replaces, adds and deletes in objects", () => {
    expect(applyDiff({ a: 1, b: 2 }, [["delete", ["b"], null], ["add", ["c"], 3]])).toEqual({ a: 1, c: 3 });
    expect(applyDiff({ a: { x: 1 } }, [["replace", ["a", "x"], 2]])).toEqual({ a: { x: 2 } });
  });

  it("inserts and removes in arrays with the server's index bookkeeping", () => {
    // [1,2,3] -> [1] is sent as two deletes at index 1 (indices already decremented).
    expect(applyDiff([1, 2, 3], [["delete", [1], null], ["delete", [1], null]])).toEqual([1]);
    expect(applyDiff([1], [["add", [1], 2], ["add", [2], 3]])).toEqual([1, 2, 3]);
    // The documented quirk: [[1,2],[3]] -> [[1]] reconstructs to [[3]].
    expect(applyDiff([[1, 2], [3]], [["delete", [0, 1], null], ["delete", [0], null]])).toEqual([[3]]);
  });

  it("adds a new assistant message and a thought", () => {
    const prev = [msg("user", "hi")];
    const thought = { role: "assistant", metadata: { title: "Thinking", status: "pending" }, content: [], options: null };
    const next = applyDiff(prev, [["add", [1], thought]]);
    expect(next).toHaveLength(2);
    const done = applyDiff(next, [["replace", [1, "metadata", "status"], "done"]]);
    expect((done[1] as any).metadata.status).toBe("done");
    expect((next[1] as any).metadata.status).toBe("pending");
  });

  it("rejects unknown actions and paths through scalars", () => {
    expect(() => applyDiff({ a: 1 }, [["frobnicate" as any, ["a"], 1]])).toThrow(DiffError);
    expect(() => applyDiff({ a: 1 }, [["replace", ["a", "b"], 1]])).toThrow(DiffError);
    expect(() => applyDiff(1, [["add", [], 1]])).toThrow(DiffError);
  });
});

describe("reuse (a full value keeps the objects of what did not change)", () => {
  it("returns the previous objects for deep-equal parts and new ones for the rest", () => {
    const prev = { a: [1, { b: "x" }], c: { d: null }, e: "s" };
    const same = JSON.parse(JSON.stringify(prev));
    expect(reuse(prev, same)).toBe(prev);
    const changed = { a: [1, { b: "y" }], c: { d: null }, e: "s" };
    const r = reuse(prev, changed);
    expect(r).toEqual(changed);
    expect(r).not.toBe(prev);
    expect(r.c).toBe(prev.c);
    expect(r.a).not.toBe(prev.a);
    // A key more or fewer, an element more or fewer: not the same.
    expect(reuse(prev, { ...same, f: 1 })).toEqual({ ...prev, f: 1 });
    const { e: _e, ...fewer } = same;
    expect(reuse(prev, fewer)).not.toBe(prev);
    expect(reuse(prev, fewer)).toEqual(fewer);
    expect(reuse([1, 2], [1, 2, 3])).toEqual([1, 2, 3]);
    expect(reuse([1, 2, 3], [1, 2])).toEqual([1, 2]);
    expect(reuse({ a: undefined }, { b: undefined })).toEqual({ b: undefined });
  });
});
