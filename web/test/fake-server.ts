// A scripted in-memory Gradio server behind a fetch() function, for testing the client and
// the dependency runner without a network. Scripts come from the recordings in test/fixtures.

export interface RecordedExchange {
  method: string;
  path: string;
  body: any;
  status: number;
  response: string;
}

/** Splits a `*_07_ui_submit_chain.txt` recording into request/response exchanges. */
export function parseRecording(text: string): RecordedExchange[] {
  const out: RecordedExchange[] = [];
  for (const section of text.split(/^### /m).slice(1)) {
    const nl = section.indexOf("\n");
    const head = section.slice(0, nl);
    const [method, path, ...rest] = head.split(" ");
    const afterHead = section.slice(nl + 1);
    const headerEnd = afterHead.search(/\r?\n\r?\n/);
    const statusLine = afterHead.slice(0, afterHead.indexOf("\n"));
    const response = afterHead.slice(headerEnd).replace(/^\r?\n\r?\n/, "");
    out.push({
      method,
      path,
      body: rest.length ? JSON.parse(rest.join(" ")) : null,
      status: Number(statusLine.split(" ")[1]),
      response: response.trimEnd() + (method === "GET" ? "\n\n" : ""),
    });
  }
  return out;
}

/** One message of a queue script; `"hold"` stalls the event until it is cancelled. */
export type ScriptStep = Record<string, any> | "hold" | { drop: true };

/** An HTTP answer to queue/join instead of an event (e.g. 422 from a validator). */
export interface JoinRefusal {
  status: number;
  body: any;
}

/** Canned answers by fn_index; a function gets the request body (to script stateful fns). */
export interface Script {
  predict: Map<number, { status?: number; body: any } | ((req: any) => { status?: number; body: any })>;
  queue: Map<number, ScriptStep[] | JoinRefusal | ((req: any) => ScriptStep[] | JoinRefusal)>;
}

/** Builds a script from a recorded chain: responses by fn_index, queue frames per joined fn. */
export function scriptFromRecording(ex: RecordedExchange[]): Script {
  const script: Script = { predict: new Map(), queue: new Map() };
  let lastJoinFn: number | null = null;
  for (const e of ex) {
    if (e.path.endsWith("/run/predict")) {
      script.predict.set(e.body.fn_index, { status: e.status, body: JSON.parse(e.response) });
    } else if (e.path.endsWith("/queue/join")) {
      lastJoinFn = e.body.fn_index;
    } else if (e.path.includes("/queue/data") && lastJoinFn !== null) {
      const frames = e.response
        .split(/\n\n/)
        .map((f) => f.trim())
        .filter((f) => f.startsWith("data:"))
        .map((f) => JSON.parse(f.slice(5)))
        .filter((m) => m.msg !== "close_stream");
      script.queue.set(lastJoinFn, frames);
      lastJoinFn = null;
    }
  }
  return script;
}

export interface LoggedRequest {
  method: string;
  route: string;
  body: any;
}

interface Pending {
  eventId: string;
  fn: number;
  steps: ScriptStep[];
  cancelled: boolean;
}

export class FakeGradio {
  readonly log: LoggedRequest[] = [];
  /** When true, every request fails like a refused connection. */
  down = false;
  /** When set, the next queue/data stream is cut after this many frames (no close_stream). */
  cutStreamAfter: number | null = null;
  private counter = 0;
  private pending: Pending[] = [];
  private wake: (() => void) | null = null;

  constructor(readonly script: Script) {}

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : null;
    const route = url.pathname.replace(/^\/gradio_api\//, "");
    this.log.push({ method, route: route + (url.search || ""), body });
    await tick();
    if (this.down) throw new TypeError("Failed to fetch");

    if (method === "POST" && route === "run/predict") {
      const entry = this.script.predict.get(body.fn_index);
      const r = typeof entry === "function" ? entry(body) : entry;
      if (!r) return json(500, { error: null });
      return json(r.status ?? 200, r.body);
    }
    if (method === "POST" && route === "queue/join") {
      const entry = this.script.queue.get(body.fn_index);
      const steps = typeof entry === "function" ? entry(body) : entry;
      if (!steps) return json(500, "Internal Server Error");
      if (!Array.isArray(steps)) return json(steps.status, steps.body);
      const eventId = `ev${++this.counter}`;
      this.pending.push({ eventId, fn: body.fn_index, steps: [...steps], cancelled: false });
      this.notify();
      return json(200, { event_id: eventId });
    }
    if (method === "POST" && route === "cancel") {
      const p = this.pending.find((x) => x.eventId === body.event_id);
      if (p) {
        p.cancelled = true;
        p.steps = [{ msg: "process_completed", output: {}, success: true }];
        this.notify();
      }
      return json(200, { success: true });
    }
    if (method === "GET" && route === "queue/data") return this.stream(init?.signal ?? undefined);
    if (method === "GET" && url.pathname.endsWith("/config")) return json(200, {});
    if (method === "GET" && route.startsWith("heartbeat/")) return new Response(new ReadableStream(), { status: 200 });
    return json(404, { detail: "Not Found" });
  };

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private stream(signal?: AbortSignal): Response {
    const enc = new TextEncoder();
    let sent = 0;
    const cut = this.cutStreamAfter;
    this.cutStreamAfter = null;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          if (signal?.aborted) return controller.close();
          const p = this.pending.find((x) => x.steps.length > 0 && x.steps[0] !== "hold");
          if (!p) {
            if (this.pending.length === 0) {
              controller.enqueue(enc.encode('data: {"msg":"close_stream","event_id":null}\n\n'));
              return controller.close();
            }
            await new Promise<void>((r) => (this.wake = r));
            continue;
          }
          if (cut !== null && sent >= cut) return controller.close();
          const step = p.steps.shift() as Record<string, any>;
          const frame = `data: ${JSON.stringify({ ...step, event_id: p.eventId })}\n\n`;
          // Split every frame in two chunks, as a network might.
          const half = Math.floor(frame.length / 2);
          controller.enqueue(enc.encode(frame.slice(0, half)));
          controller.enqueue(enc.encode(frame.slice(half)));
          sent++;
          if (step.msg === "process_completed") this.pending = this.pending.filter((x) => x !== p);
          await tick();
          return;
        }
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export function tick(ms = 0): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
