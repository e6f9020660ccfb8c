// Plain (non-reactive) holder of every component's props, value and loading status.
// The dependency runner reads inputs from it and writes outputs into it. The UI subclass in
// src/store.svelte.ts mirrors it into Svelte state once per animation frame.

import { readBrowserState, writeBrowserState } from "./browserstate";
import type { ComponentConfig } from "./types";

export type Stage = "queued" | "running" | "generating";

/** Progress of a queued dependency, shown on each of its output components. */
export interface Status {
  stage: Stage;
  fnIndex: number;
  /** 0-based rank in the queue while queued. */
  position: number | null;
  queueSize: number | null;
  /** Estimated seconds (rank_eta while queued, eta once running). */
  eta: number | null;
  /** performance.now() when the dependency was triggered. */
  since: number;
}

export class PlainStore {
  protected values = new Map<number, unknown>();
  protected propsById = new Map<number, Record<string, any>>();
  protected statuses = new Map<number, { owner: object; status: Status }>();
  /** Messages of a validator that rejected the component's value (shown at the component). */
  protected validations = new Map<number, string>();
  readonly types = new Map<number, string>();
  /** Props as the config gave them, to restore UI state after a lost connection. */
  readonly initialProps = new Map<number, Readonly<Record<string, any>>>();

  constructor(components: ComponentConfig[]) {
    for (const c of components) {
      const { value, ...props } = c.props ?? {};
      this.types.set(c.id, c.type);
      this.propsById.set(c.id, props);
      this.initialProps.set(c.id, props);
      // BrowserState starts from what localStorage holds under its storage_key (plain JSON,
      // see browserstate.ts), else from its default.
      this.values.set(
        c.id,
        c.type === "browserstate" ? readBrowserState(props.storage_key, value ?? props.default_value ?? null) : (value ?? null),
      );
    }
  }

  type(id: number): string | undefined {
    return this.types.get(id);
  }

  getValue(id: number): unknown {
    return this.values.get(id) ?? null;
  }

  setValue(id: number, value: unknown): void {
    if (this.values.get(id) === value) return;
    this.values.set(id, value);
    if (this.types.get(id) === "browserstate") writeBrowserState(this.propsById.get(id)?.storage_key, value);
    this.changed(id);
  }

  getProps(id: number): Record<string, any> {
    return this.propsById.get(id) ?? {};
  }

  updateProps(id: number, patch: Record<string, any>): void {
    const old = this.getProps(id);
    if (Object.keys(patch).every((k) => old[k] === patch[k])) return;
    this.propsById.set(id, { ...old, ...patch });
    this.changed(id);
  }

  getStatus(id: number): Status | null {
    return this.statuses.get(id)?.status ?? null;
  }

  /** Sets (or with null clears) the status `owner` shows on component `id`. */
  setStatus(id: number, owner: object, status: Status | null): void {
    const cur = this.statuses.get(id);
    if (status) this.statuses.set(id, { owner, status });
    else if (cur && cur.owner === owner) this.statuses.delete(id);
    else return;
    this.changed(id);
  }

  getValidation(id: number): string | null {
    return this.validations.get(id) ?? null;
  }

  /** Shows (or with null clears) a validation message at component `id`. */
  setValidation(id: number, message: string | null): void {
    if ((this.validations.get(id) ?? null) === message) return;
    if (message === null) this.validations.delete(id);
    else this.validations.set(id, message);
    this.changed(id);
  }

  /** Hook for subclasses: component `id` changed (value, props, status or validation). */
  protected changed(_id: number): void {}
}

/**
 * Returns `next`, but with every sub-tree that is deep-equal to the matching sub-tree of `prev`
 * replaced by the `prev` object. A full value arriving from the server therefore keeps the
 * identity of unchanged messages, and the view re-renders only what really changed.
 */
export function reuse<T>(prev: unknown, next: T): T {
  if (prev === next) return next;
  // Plain loops, no closures or key lists: a long chat's full value is compared several times a
  // turn (bench/page_stream.mjs).
  if (Array.isArray(prev) && Array.isArray(next)) {
    let same = prev.length === next.length;
    const out: unknown[] = new Array(next.length);
    for (let i = 0; i < next.length; i++) {
      const r = i < prev.length ? reuse(prev[i], next[i]) : next[i];
      if (r !== prev[i]) same = false;
      out[i] = r;
    }
    return (same ? prev : out) as T;
  }
  if (isPlainObject(prev) && isPlainObject(next)) {
    let same = true;
    let count = 0;
    const out: Record<string, unknown> = {};
    for (const k in next) {
      if (!Object.prototype.hasOwnProperty.call(next, k)) continue;
      count++;
      const had = Object.prototype.hasOwnProperty.call(prev, k);
      const r = had ? reuse(prev[k], next[k]) : next[k];
      if (!had || r !== prev[k]) same = false;
      out[k] = r;
    }
    if (same) for (const k in prev) if (Object.prototype.hasOwnProperty.call(prev, k) && --count < 0) break;
    return (same && count === 0 ? prev : out) as T;
  }
  return next;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
