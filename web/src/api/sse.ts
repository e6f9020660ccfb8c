// Incremental parser for `text/event-stream` bodies (the queue/data stream).
//
// Gradio only ever sends `data: <json>\n\n` frames on this stream, but the parser follows the
// SSE rules that matter for robustness: frames may be split anywhere across network chunks
// (even inside a multi-byte UTF-8 character), lines may end in \r\n, \n or \r, several `data:`
// lines in one frame are joined with "\n", and `event:`/`id:`/`retry:`/comment lines are ignored.

export class SSEParser {
  private buffer = "";
  private dataLines: string[] = [];
  private decoder = new TextDecoder("utf-8");
  // A chunk ending in "\r" might be the first half of "\r\n"; remember so the "\n" is skipped.
  private pendingCR = false;

  /** Feed raw bytes (decoded with a streaming decoder) or already-decoded text. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.feed(text);
  }

  /** Call when the stream ends; returns a last frame that was not terminated by a blank line. */
  end(): string[] {
    const out = this.feed(this.decoder.decode());
    if (this.buffer.length > 0) this.line(this.buffer, out);
    this.buffer = "";
    if (this.dataLines.length > 0) {
      out.push(this.dataLines.join("\n"));
      this.dataLines = [];
    }
    return out;
  }

  private feed(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    if (this.pendingCR && text.startsWith("\n")) start = 1;
    this.pendingCR = false;
    let buf = this.buffer;
    // Line breaks are found with indexOf (a long chat's frames are hundreds of kB); each of
    // nl/cr is searched again only once passed.
    let nl = text.indexOf("\n", start);
    let cr = text.indexOf("\r", start);
    while (nl >= 0 || cr >= 0) {
      const i = cr < 0 || (nl >= 0 && nl < cr) ? nl : cr;
      this.line(buf + text.slice(start, i), out);
      buf = "";
      start = i + 1;
      if (i === cr) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) start++;
        } else {
          this.pendingCR = true;
        }
      }
      if (nl >= 0 && nl < start) nl = text.indexOf("\n", start);
      if (cr >= 0 && cr < start) cr = text.indexOf("\r", start);
    }
    this.buffer = buf + text.slice(start);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line === "") {
      // A blank line dispatches the frame.
      if (this.dataLines.length > 0) out.push(this.dataLines.join("\n"));
      this.dataLines = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.dataLines.push(value);
  }
}

/** Parse a whole SSE text at once (used by tests and fixtures). */
export function parseSSE(text: string): string[] {
  const p = new SSEParser();
  return [...p.push(text), ...p.end()];
}
