// Transport for the Gradio queue protocol (protocol.md §5, §7, §10.4):
//   * POST {api}/run/predict for dependencies with queue:false,
//   * POST {api}/queue/join + ONE per-session SSE stream GET {api}/queue/data?session_hash=S,
//     reopened whenever the server ends it with close_stream and more events are pending,
//   * POST {api}/cancel,
//   * GET {api}/heartbeat/{session} (kept open so the server knows when the tab goes away).
// It also notices a lost connection and probes until the server answers again.

import { SSEParser } from "./sse";
import type { Output, QueueMessage } from "./types";

export interface PredictBody {
  data: unknown[];
  event_data: unknown;
  fn_index: number;
  trigger_id: number | null;
  session_hash: string;
}

/** The server answered with a non-2xx status. `payload` is the parsed JSON body, if any. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: any,
  ) {
    super(describeHttpError(status, payload));
  }
}

/** The request never got an answer (server down, connection reset, stream cut). */
export class NetworkError extends Error {}

export type QueueListener = (msg: QueueMessage) => void;

export interface ClientOptions {
  /** Absolute URL of the API root, e.g. "http://127.0.0.1:7860/gradio_api" (no trailing slash). */
  apiBase: string;
  /** URL probed to find out whether a lost server is back (the page's ./config). */
  probeUrl?: string;
  sessionHash?: string;
  fetch?: typeof fetch;
  /** Called with false when the connection is lost and with true once it works again. */
  onConnection?: (ok: boolean) => void;
  /** Delays between reconnection probes, in ms; the last one repeats. */
  probeDelays?: number[];
}

/**
 * The API root next to the page (not config.root, so a reverse proxy with a sub-path works):
 * "<page directory>/gradio_api", with the config's api_prefix.
 */
export function apiBaseFor(apiPrefix: string | undefined, pageHref: string): string {
  return new URL("." + (apiPrefix ?? "/gradio_api"), new URL("./", pageHref)).href.replace(/\/+$/, "");
}

/** A random session id of 11 base-36 characters, like Gradio's browser client uses. */
export function newSessionHash(): string {
  const bytes = new Uint8Array(11);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

interface StreamHandle {
  controller: AbortController;
  closed: boolean;
}

export class GradioClient {
  readonly sessionHash: string;
  readonly apiBase: string;
  private fetchImpl: typeof fetch;
  private listeners = new Map<string, QueueListener>();
  // Messages for an event id whose join response has not arrived yet (the stream may be faster).
  private early = new Map<string, QueueMessage[]>();
  private stream: StreamHandle | null = null;
  private connected = true;
  private probing = false;
  private heartbeat: AbortController | null = null;
  private wantHeartbeat = false;

  constructor(private opts: ClientOptions) {
    this.apiBase = opts.apiBase.replace(/\/+$/, "");
    this.sessionHash = opts.sessionHash ?? newSessionHash();
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Number of queued events still waiting for their process_completed. */
  get pendingEvents(): number {
    return this.listeners.size;
  }

  async predict(body: PredictBody): Promise<Output> {
    return (await this.postJson("run/predict", body)) as Output;
  }

  /**
   * Enqueues an event; `listener` then receives every message of that event, ending with
   * process_completed (or a synthesized unexpected_error when the stream fails).
   */
  async join(body: PredictBody, listener: QueueListener): Promise<string> {
    const res = await this.postJson("queue/join", body);
    const eventId: string = res?.event_id;
    if (typeof eventId !== "string") throw new HttpError(200, { detail: "queue/join returned no event_id" });
    this.listeners.set(eventId, listener);
    const early = this.early.get(eventId);
    if (early) {
      this.early.delete(eventId);
      for (const m of early) this.deliver(m);
    }
    this.ensureStream();
    return eventId;
  }

  async cancel(fnIndex: number, eventId: string): Promise<void> {
    await this.postJson("cancel", { session_hash: this.sessionHash, fn_index: fnIndex, event_id: eventId });
  }

  /** Forget an event locally (used when a cancelled event never gets its completion). */
  forget(eventId: string): void {
    this.listeners.delete(eventId);
  }

  startHeartbeat(): void {
    this.wantHeartbeat = true;
    if (this.heartbeat || !this.connected) return;
    const controller = new AbortController();
    this.heartbeat = controller;
    const url = `${this.apiBase}/heartbeat/${encodeURIComponent(this.sessionHash)}`;
    (async () => {
      let retryIn = 0;
      try {
        const res = await this.fetchImpl(url, { signal: controller.signal, cache: "no-store" });
        if (!res.ok || !res.body) {
          // The server has no heartbeat route: nothing to keep open, do not retry.
          this.wantHeartbeat = false;
          return;
        }
        const reader = res.body.getReader();
        while (!(await reader.read()).done) {
          /* the content ("data: ALIVE") does not matter */
        }
        retryIn = 10000; // the server ended it cleanly: open a new one later
      } catch {
        // Unless we aborted it, a broken heartbeat means the server is gone: say so even when
        // no message is in flight. The probe reopens it once the server is back.
        if (!controller.signal.aborted) this.lost();
      } finally {
        if (this.heartbeat === controller) this.heartbeat = null;
      }
      if (retryIn && this.wantHeartbeat) setTimeout(() => this.startHeartbeat(), retryIn);
    })();
  }

  close(): void {
    this.stream?.controller.abort();
    this.heartbeat?.abort();
    this.stream = null;
    this.heartbeat = null;
    this.wantHeartbeat = false;
  }

  // ---------------------------------------------------------------- internals

  private async postJson(route: string, body: unknown): Promise<any> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.apiBase}/${route}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (e) {
      this.lost();
      throw new NetworkError(String((e as Error)?.message ?? e));
    }
    const text = await res.text().catch(() => "");
    let payload: any = null;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = text;
    }
    if (!res.ok) throw new HttpError(res.status, payload);
    return payload;
  }

  private ensureStream(): void {
    if (this.stream || this.listeners.size === 0) return;
    const handle: StreamHandle = { controller: new AbortController(), closed: false };
    this.stream = handle;
    void this.readStream(handle);
  }

  private async readStream(handle: StreamHandle): Promise<void> {
    const url = `${this.apiBase}/queue/data?session_hash=${encodeURIComponent(this.sessionHash)}`;
    try {
      const res = await this.fetchImpl(url, {
        signal: handle.controller.signal,
        headers: { Accept: "text/event-stream" },
        cache: "no-store",
      });
      if (!res.ok || !res.body) throw new HttpError(res.status, null);
      const reader = res.body.getReader();
      const parser = new SSEParser();
      for (;;) {
        const { done, value } = await reader.read();
        const frames = done ? parser.end() : parser.push(value);
        for (const frame of frames) {
          this.onFrame(frame, handle);
          if (handle.closed) return;
        }
        if (done) break;
      }
      // The body ended without close_stream: the server went away mid-stream.
      this.streamFailed(handle, "The connection to the server was lost.");
    } catch (e) {
      if (handle.closed) return; // we aborted it ourselves after close_stream
      if (e instanceof HttpError) this.streamFailed(handle, `Could not open the queue stream (HTTP ${e.status}).`, false);
      else this.streamFailed(handle, "The connection to the server was lost.");
    }
  }

  private onFrame(frame: string, handle: StreamHandle): void {
    let msg: QueueMessage;
    try {
      msg = JSON.parse(frame);
    } catch {
      return; // not JSON: ignore rather than break the stream
    }
    switch (msg.msg) {
      case "heartbeat":
        return;
      case "close_stream":
        this.endStream(handle);
        // Events joined after the server decided to close need a fresh stream.
        this.ensureStream();
        return;
      case "unexpected_error":
        if (msg.event_id == null) {
          // Session-wide failure (e.g. session_not_found): every pending event fails.
          this.endStream(handle);
          this.failAll(msg.message || "Unexpected server error.");
          return;
        }
        break;
    }
    if (msg.event_id == null) return;
    this.deliver(msg);
  }

  private deliver(msg: QueueMessage): void {
    const id = msg.event_id as string;
    const listener = this.listeners.get(id);
    if (!listener) {
      const list = this.early.get(id) ?? [];
      if (list.length < 10000) list.push(msg);
      this.early.set(id, list);
      return;
    }
    if (msg.msg === "process_completed" || msg.msg === "unexpected_error") this.listeners.delete(id);
    listener(msg);
  }

  private endStream(handle: StreamHandle): void {
    handle.closed = true;
    handle.controller.abort();
    if (this.stream === handle) this.stream = null;
  }

  private streamFailed(handle: StreamHandle, message: string, connectionLost = true): void {
    this.endStream(handle);
    this.failAll(message);
    if (connectionLost) this.lost();
  }

  private failAll(message: string): void {
    const pending = [...this.listeners.entries()];
    this.listeners.clear();
    for (const [eventId, listener] of pending) {
      listener({ msg: "unexpected_error", event_id: eventId, message, success: false });
    }
  }

  private lost(): void {
    if (this.connected) {
      this.connected = false;
      this.opts.onConnection?.(false);
    }
    void this.probe();
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    const delays = this.opts.probeDelays ?? [500, 1000, 2000, 4000];
    const url = this.opts.probeUrl ?? `${this.apiBase}/../config`;
    for (let attempt = 0; !this.connected; attempt++) {
      await new Promise((r) => setTimeout(r, delays[Math.min(attempt, delays.length - 1)]));
      try {
        const res = await this.fetchImpl(url, { cache: "no-store" });
        if (res.ok) {
          await res.body?.cancel().catch(() => {});
          this.connected = true;
        }
      } catch {
        /* still down */
      }
    }
    this.probing = false;
    this.opts.onConnection?.(true);
    if (this.wantHeartbeat) this.startHeartbeat();
  }
}

function describeHttpError(status: number, payload: any): string {
  if (payload && typeof payload === "object") {
    if (typeof payload.error === "string" && payload.error) return payload.error;
    const detail = payload.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      const msgs = detail.map((d: any) => d?.message ?? d?.msg).filter(Boolean);
      if (msgs.length) return msgs.join("; ");
    }
  }
  if (status === 503) return "This application is currently busy. Please try again.";
  return `The server answered with HTTP ${status}.`;
}
