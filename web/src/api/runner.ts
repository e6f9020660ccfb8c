// Runs the app's dependencies the way Gradio's browser frontend does (protocol.md §10.4, §10.5,
// §13.4), generically: nothing here knows about ChatInterface. An event on a component
// dispatches every dependency whose `targets` contain [component, event]; each dependency sends
// the current values of its inputs (State inputs as null: the server keeps those), applies what
// comes back to its outputs, then dispatches the dependencies chained after it.

import { applyDiff } from "./diff";
import { GradioClient, HttpError, NetworkError, type PredictBody } from "./client";
import { PlainStore, reuse, type Status } from "./store";
import type { Dependency, DiffEdit, Output, QueueMessage } from "./types";

export type ToastKind = "error" | "warning" | "info" | "success";

export interface Toast {
  kind: ToastKind;
  title: string;
  message: string;
  /** Seconds before it closes by itself; null keeps it until closed. */
  duration: number | null;
}

/** The part of GradioClient the runner needs (tests pass the real client over a mocked fetch). */
export type RunnerClient = Pick<GradioClient, "sessionHash" | "predict" | "join" | "cancel" | "forget" | "isConnected">;

export interface RunnerHooks {
  toast?(t: Toast): void;
  /** A dependency finished; `ok` is false on error. Used for screen-reader announcements. */
  finished?(dep: Dependency, ok: boolean): void;
}

interface ActiveEvent {
  dep: Dependency;
  eventId: string | null;
  cancelRequested: boolean;
  done: boolean;
  /** Output values after the last process_generating; later frames are diffs against them. */
  last: unknown[] | null;
  finish(ok: boolean, output: Output | null, title?: string | null): void;
}

/**
 * How a dependency ended: "rejected" means a validator refused its inputs before it ran (422
 * with Gradio's validate list), so nothing chained after it runs either.
 */
type Outcome = "success" | "error" | "rejected";

/** One input a validator refused (an item of the 422 `detail` list). */
export interface Rejection {
  message: string;
  parameter_name?: string | null;
}

/**
 * The validate list of a 422 answer (`{"detail":[{"__type__":"validate","is_valid":false,
 * "message":…,"parameter_name":…},…]}`), or null when `e` is anything else. `all` keeps every
 * item in order (valid ones too, when the server lists them); `rejected` only the refused ones.
 */
export function validationErrors(e: unknown): { all: unknown[]; rejected: Rejection[] } | null {
  if (!(e instanceof HttpError) || e.status !== 422) return null;
  const detail = e.payload?.detail;
  if (!Array.isArray(detail) || !detail.some((d) => d?.__type__ === "validate")) return null;
  const rejected = detail
    .filter((d) => d?.__type__ === "validate" && d.is_valid === false)
    .map((d) => ({ message: typeof d.message === "string" ? d.message : "Invalid input.", parameter_name: d.parameter_name ?? null }));
  return { all: detail, rejected };
}

/** How long to wait for the server's completion of a cancelled event before giving up on it. */
const CANCEL_GRACE_MS = 5000;

export class Runner {
  readonly deps: Dependency[];
  private byTarget = new Map<string, Dependency[]>();
  private after = new Map<number, Dependency[]>();
  private running = new Map<number, number>();
  private deferred = new Map<number, { triggerId: number | null; eventData: unknown }>();
  private active = new Map<number, Set<ActiveEvent>>();
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    deps: Dependency[],
    readonly store: PlainStore,
    private client: RunnerClient,
    private hooks: RunnerHooks = {},
  ) {
    this.deps = deps;
    for (const dep of deps) {
      for (const [id, event] of dep.targets ?? []) {
        if (id == null) continue; // then/success/failure: chained through trigger_after
        const key = `${id}:${event}`;
        this.byTarget.set(key, [...(this.byTarget.get(key) ?? []), dep]);
      }
      if (dep.trigger_after != null) {
        this.after.set(dep.trigger_after, [...(this.after.get(dep.trigger_after) ?? []), dep]);
      }
    }
  }

  /** True when some dependency listens to `event` on component `id` (e.g. to show a button). */
  listens(id: number, event: string): boolean {
    return this.byTarget.has(`${id}:${event}`);
  }

  /** Fires `event` on component `id`; resolves when the directly triggered dependencies finish. */
  async trigger(id: number, event: string, eventData: unknown = null): Promise<void> {
    const deps = this.byTarget.get(`${id}:${event}`) ?? [];
    await Promise.all(deps.map((d) => this.dispatch(d, id, eventData)));
  }

  /** Resolves once no dependency (including chained ones) is running. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  get busy(): boolean {
    return this.inflight > 0;
  }

  /**
   * After a lost connection: chains that could not reach the server may have left the UI
   * locked (textbox disabled, stop button shown). Once nothing runs, put those props back to
   * what the config said.
   */
  restoreIdleUI(): void {
    if (this.inflight > 0) return;
    const keys = ["interactive", "submit_btn", "stop_btn", "placeholder"];
    for (const [id, initial] of this.store.initialProps) {
      const cur = this.store.getProps(id);
      const patch: Record<string, any> = {};
      for (const k of keys) if (k in cur && cur[k] !== initial[k]) patch[k] = initial[k];
      if (Object.keys(patch).length) this.store.updateProps(id, patch);
    }
  }

  private async dispatch(dep: Dependency, triggerId: number | null, eventData: unknown): Promise<void> {
    if (this.running.get(dep.id)) {
      const mode = dep.trigger_mode ?? "once";
      if (mode === "once") return;
      if (mode === "always_last") {
        this.deferred.set(dep.id, { triggerId, eventData });
        return;
      }
    }
    this.inflight++;
    this.running.set(dep.id, (this.running.get(dep.id) ?? 0) + 1);
    let outcome: Outcome = "error";
    try {
      outcome = await this.execute(dep, triggerId, eventData);
    } catch (e) {
      this.report(e);
      outcome = "error";
    } finally {
      this.running.set(dep.id, (this.running.get(dep.id) ?? 1) - 1);
    }
    const ok = outcome === "success";
    this.hooks.finished?.(dep, ok);
    // A rejected event never ran: neither .then nor .success/.failure steps follow it.
    for (const next of outcome === "rejected" ? [] : (this.after.get(dep.id) ?? [])) {
      if (next.trigger_only_on_success && !ok) continue;
      if (next.trigger_only_on_failure && ok) continue;
      // Chained dependencies keep the original trigger id, as in the recorded chain.
      void this.dispatch(next, triggerId, null);
    }
    const again = this.deferred.get(dep.id);
    if (again) {
      this.deferred.delete(dep.id);
      void this.dispatch(dep, again.triggerId, again.eventData);
    }
    this.inflight--;
    if (this.inflight === 0) {
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  private async execute(dep: Dependency, triggerId: number | null, eventData: unknown): Promise<Outcome> {
    if (dep.cancels?.length) this.cancel(dep.cancels);
    // Cancel listeners and js-only listeners have nothing to run on the server.
    if (dep.types?.cancel || !dep.backend_fn) return "success";
    // Sending the inputs again retires what a validator said about them last time.
    for (const id of dep.inputs) this.store.setValidation(id, null);

    const body: PredictBody = {
      data: dep.inputs.map((id) => (this.store.type(id) === "state" ? null : (this.store.getValue(id) ?? null))),
      event_data: eventData ?? null,
      fn_index: dep.id,
      trigger_id: triggerId,
      session_hash: this.client.sessionHash,
    };
    if (dep.queue === false) {
      let out: Output;
      try {
        out = await this.client.predict(body);
      } catch (e) {
        if (this.showValidation(dep, e)) return "rejected";
        this.report(e);
        return "error";
      }
      if (out && "error" in out && out.data === undefined) {
        this.reportOutputError(out, null);
        return "error";
      }
      this.applyOutputs(dep, out?.data ?? []);
      this.fireStateChanges(out?.changed_state_ids);
      return "success";
    }
    return this.runQueued(dep, body);
  }

  /**
   * If `e` is a validator's rejection, shows each message at the input it is about (by
   * position when the list has one item per input, else at the first input the user edits)
   * and returns true. Nothing of the event happened: its inputs keep their values.
   */
  private showValidation(dep: Dependency, e: unknown): boolean {
    const v = validationErrors(e);
    if (!v) return false;
    const messages = new Map<number, string[]>();
    const add = (id: number, m: string) => messages.set(id, [...(messages.get(id) ?? []), m]);
    const visible = dep.inputs.filter((id) => {
      const t = this.store.type(id);
      return t !== undefined && t !== "state" && t !== "browserstate";
    });
    const perInput = v.all.length === dep.inputs.length;
    const loose: string[] = [];
    v.all.forEach((item: any, i) => {
      if (item?.__type__ !== "validate" || item.is_valid !== false) return;
      const message = typeof item.message === "string" ? item.message : "Invalid input.";
      const id = perInput ? dep.inputs[i] : undefined;
      if (id !== undefined && visible.includes(id)) add(id, message);
      else if (visible.length) add(visible[0], message);
      else loose.push(message);
    });
    for (const [id, list] of messages) this.store.setValidation(id, list.join("\n"));
    // No input to show it at (e.g. an event fired by a click): say it in a toast.
    if (loose.length) this.hooks.toast?.({ kind: "error", title: "Error", message: loose.join("\n"), duration: 10 });
    return true;
  }

  private runQueued(dep: Dependency, body: PredictBody): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let rejected = false;
      const owner = {};
      const since = now();
      const showOn = dep.show_progress === "hidden" ? [] : (dep.show_progress_on ?? dep.outputs);
      let current: Status = { stage: "queued", fnIndex: dep.id, position: null, queueSize: null, eta: null, since };
      const status = (s: Partial<Status>) => {
        current = { ...current, ...s };
        for (const id of showOn) this.store.setStatus(id, owner, current);
      };
      status({ stage: "queued" });

      const ev: ActiveEvent = {
        dep,
        eventId: null,
        cancelRequested: false,
        done: false,
        last: null,
        finish: (ok, output, title) => {
          if (ev.done) return;
          ev.done = true;
          this.active.get(dep.id)?.delete(ev);
          for (const id of showOn) this.store.setStatus(id, owner, null);
          if (ok) {
            if (output?.data) this.applyOutputs(dep, output.data);
            this.fireStateChanges(output?.changed_state_ids);
          } else if (output) {
            this.reportOutputError(output, title ?? null);
          }
          resolve(rejected ? "rejected" : ok ? "success" : "error");
        },
      };
      if (!this.active.has(dep.id)) this.active.set(dep.id, new Set());
      this.active.get(dep.id)!.add(ev);

      const onMessage = (msg: QueueMessage) => {
        switch (msg.msg) {
          case "estimation":
            status({ stage: "queued", position: msg.rank, queueSize: msg.queue_size, eta: msg.rank_eta });
            break;
          case "process_starts":
            status({ stage: "running", position: null, eta: msg.eta });
            break;
          case "log":
            if (msg.visible !== false) {
              const kind: ToastKind = (["error", "warning", "info", "success"] as const).includes(msg.level as ToastKind)
                ? (msg.level as ToastKind)
                : "info";
              this.hooks.toast?.({
                kind,
                title: msg.title || capitalise(kind),
                message: msg.log,
                duration: msg.duration === undefined ? 10 : msg.duration,
              });
            }
            break;
          case "process_generating":
          case "process_streaming":
            try {
              this.onGenerating(ev, msg.output);
            } catch {
              // A diff that does not fit: skip it; process_completed brings the full value.
            }
            if (current.stage !== "generating") status({ stage: "generating" });
            break;
          case "process_completed":
            ev.finish(msg.success !== false, msg.output ?? {}, msg.title);
            break;
          case "unexpected_error":
            ev.finish(false, { error: msg.message, title: "Error" });
            break;
        }
      };

      this.client
        .join(body, onMessage)
        .then((eventId) => {
          ev.eventId = eventId;
          if (ev.cancelRequested && !ev.done) this.sendCancel(ev);
        })
        .catch((e) => {
          if (ev.done) return;
          rejected = this.showValidation(dep, e);
          if (!rejected) this.report(e);
          ev.finish(false, null);
        });
    });
  }

  private onGenerating(ev: ActiveEvent, output: Output): void {
    const data = output?.data;
    if (!Array.isArray(data)) return;
    if (ev.last === null || ev.dep.connection === "stream") {
      // The first intermediate output is complete; so is every one of a streaming-input event.
      // Later diffs apply to ev.last: it shares the store's objects for what did not change, so
      // a diffed value is stored without comparing every message of a long chat again.
      ev.last = data.map((v, i) => this.withStoredObjects(ev.dep.outputs[i], v));
      this.applyOutputs(ev.dep, ev.last, undefined, true);
      return;
    }
    const prev = ev.last;
    const changed: boolean[] = [];
    ev.last = data.map((edits: DiffEdit[], i: number) => {
      changed[i] = Array.isArray(edits) && edits.length > 0;
      return changed[i] ? applyDiff(prev[i], edits) : prev[i];
    });
    this.applyOutputs(ev.dep, ev.last, changed, true);
  }

  /** Cancels every queued event of the given fn indices (the Stop button). */
  cancel(fnIndices: number[]): void {
    for (const fn of fnIndices) {
      for (const ev of this.active.get(fn) ?? []) {
        if (ev.cancelRequested) continue;
        ev.cancelRequested = true;
        if (ev.eventId) this.sendCancel(ev);
      }
    }
  }

  private sendCancel(ev: ActiveEvent): void {
    const eventId = ev.eventId!;
    this.client.cancel(ev.dep.id, eventId).catch(() => {});
    // The server answers a cancel with process_completed (output {}). If that never comes,
    // end the event locally so the chain still re-enables the input; the partial reply stays.
    setTimeout(() => {
      if (ev.done) return;
      this.client.forget(eventId);
      ev.finish(true, {});
    }, CANCEL_GRACE_MS);
  }

  /**
   * Writes a dependency's output values into the store (`only[i]` false skips output i).
   * `shared`: the values were diffed from what the store holds, so they already share its
   * unchanged objects and need no deep comparison.
   */
  applyOutputs(dep: Dependency, data: unknown[], only?: boolean[], shared = false): void {
    dep.outputs.forEach((id, i) => {
      if (i >= data.length || (only && !only[i])) return;
      const v: any = data[i];
      const type = this.store.type(id);
      if (type === undefined) return;
      if (v !== null && typeof v === "object" && !Array.isArray(v) && v.__type__ === "update") {
        const { __type__, value, ...props } = v;
        if (Object.keys(props).length) this.store.updateProps(id, props);
        if ("value" in v) this.setValue(id, value, shared);
        return;
      }
      if (type === "state" && v === null) return; // the server keeps State; null means "unchanged"
      this.setValue(id, v, shared);
    });
  }

  /** `v` (an output value or update) with the sub-trees deep-equal to the stored value's shared. */
  private withStoredObjects(id: number | undefined, v: any): any {
    if (id === undefined || this.store.type(id) === undefined) return v;
    const prev = this.store.getValue(id);
    if (v !== null && typeof v === "object" && !Array.isArray(v) && v.__type__ === "update")
      return "value" in v ? { ...v, value: reuse(prev, v.value) } : v;
    return reuse(prev, v);
  }

  private setValue(id: number, value: unknown, shared = false): void {
    const prev = this.store.getValue(id);
    const next = shared ? value : reuse(prev, value);
    if (next === prev) return;
    this.store.setValue(id, next);
    if (this.store.type(id) !== "state" && this.listens(id, "change")) void this.trigger(id, "change");
  }

  private fireStateChanges(ids: number[] | undefined): void {
    for (const id of ids ?? []) void this.trigger(id, "change");
  }

  private reportOutputError(output: Output, title: string | null): void {
    if (output.visible === false) return;
    if (!this.client.isConnected) return; // the connection notice already says it
    this.hooks.toast?.({
      kind: "error",
      title: output.title || title || "Error",
      message: typeof output.error === "string" && output.error ? output.error : "An error occurred",
      duration: typeof output.duration === "number" ? output.duration : 10,
    });
  }

  private report(e: unknown): void {
    if (e instanceof NetworkError || !this.client.isConnected) return; // shown as a connection notice
    if (e instanceof HttpError && e.payload && typeof e.payload === "object" && "error" in e.payload) {
      this.reportOutputError(e.payload, null); // run/predict answers a failing fn with 500 + error payload
      return;
    }
    const message = e instanceof HttpError ? e.message : String((e as Error)?.message ?? e);
    this.hooks.toast?.({ kind: "error", title: "Error", message, duration: 10 });
  }
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
