import { describe, expect, it } from "vitest";
import { fixture } from "./helpers";
import { SSEParser, parseSSE } from "../src/api/sse";

const recorded = fixture("echo_06_queue_data.sse.txt");

describe("SSE parser", () => {
  it("parses the recorded queue/data stream into four JSON frames", () => {
    const frames = parseSSE(recorded).map((f) => JSON.parse(f));
    expect(frames.map((f) => f.msg)).toEqual(["estimation", "process_starts", "process_completed", "close_stream"]);
    expect(frames[2].output.data).toEqual(["hello", null]);
  });

  it("gives the same frames whatever the chunk boundaries", () => {
    const whole = parseSSE(recorded);
    for (const size of [1, 2, 3, 7, 64, 500]) {
      const p = new SSEParser();
      const got: string[] = [];
      for (let i = 0; i < recorded.length; i += size) got.push(...p.push(recorded.slice(i, i + size)));
      got.push(...p.end());
      expect(got).toEqual(whole);
    }
  });

  it("reassembles a UTF-8 character split across byte chunks", () => {
    const bytes = new TextEncoder().encode('data: {"text":"héllo 👋 мир"}\n\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new SSEParser();
      const got = [...p.push(bytes.slice(0, cut)), ...p.push(bytes.slice(cut)), ...p.end()];
      expect(got).toEqual(['{"text":"héllo 👋 мир"}']);
    }
  });

  it("handles CRLF and CR line endings, also when CRLF is split between chunks", () => {
    expect(parseSSE("data: a\r\n\r\ndata: b\r\rdata: c\n\n")).toEqual(["a", "b", "c"]);
    const p = new SSEParser();
    const got = [...p.push("data: x\r"), ...p.push("\n\r"), ...p.push("\ndata: y\r\n\r\n")];
    expect(got).toEqual(["x", "y"]);
  });

  it("joins multi-line data and ignores comments, event, id and retry fields", () => {
    const text = ": keep-alive\nevent: message\nid: 7\nretry: 100\ndata: line1\ndata:line2\n\n";
    expect(parseSSE(text)).toEqual(["line1\nline2"]);
  });

  it("does not emit a frame before its terminating blank line", () => {
    const p = new SSEParser();
    expect(p.push('data: {"msg":"heartbeat"')).toEqual([]);
    expect(p.push(',"event_id":null}\n')).toEqual([]);
    expect(p.push("\n")).toEqual(['{"msg":"heartbeat","event_id":null}']);
  });

  it("flushes an unterminated last frame at end of stream", () => {
    const p = new SSEParser();
    expect(p.push("data: tail")).toEqual([]);
    expect(p.end()).toEqual(["tail"]);
  });

  it("skips frames without data lines", () => {
    expect(parseSSE("event: ping\n\n\n\ndata: z\n\n")).toEqual(["z"]);
  });
});
