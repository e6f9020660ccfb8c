// Helpers shared by the form components (textbox, slider, number, checkbox, dropdown, radio,
// dataset): how Gradio's props are read, independent of any one view.

import type { AppContext } from "../context";
import { translate } from "../i18n";
import type { Dependency } from "../api/types";

/** One choice of a Dropdown or Radio: what is shown and what is sent. */
export interface Choice {
  label: string;
  value: unknown;
}

/**
 * Gradio sends choices as `[[display, value], …]`; plain values (older servers, hand-written
 * configs) are shown as themselves.
 */
export function choicePairs(choices: unknown): Choice[] {
  if (!Array.isArray(choices)) return [];
  return choices.map((c) =>
    Array.isArray(c) ? { label: translate(c[0]), value: c.length > 1 ? c[1] : c[0] } : { label: translate(c), value: c },
  );
}

/** Index of the choice whose value equals `value` (loosely for numbers sent as strings), or -1. */
export function choiceIndex(choices: Choice[], value: unknown): number {
  const exact = choices.findIndex((c) => c.value === value);
  if (exact >= 0 || value == null) return exact;
  return choices.findIndex((c) => String(c.value) === String(value));
}

/** What a value looks like in a choice list: its display label, or the value itself. */
export function choiceLabel(choices: Choice[], value: unknown): string {
  const i = choiceIndex(choices, value);
  return i >= 0 ? choices[i].label : value == null ? "" : String(value);
}

/**
 * Whether the user may edit a component. An explicit `interactive` wins; otherwise, as in
 * Gradio, a component is editable when some event reads it, or when nothing writes to it and it
 * starts empty. A component that is only ever an output shows its value read-only.
 */
export function isInteractive(deps: readonly Dependency[], id: number, props: Record<string, any>, initialValue: unknown): boolean {
  if (props.interactive === true) return true;
  if (props.interactive === false) return false;
  let output = false;
  for (const d of deps) {
    if (d.inputs?.includes(id)) return true;
    if (d.outputs?.includes(id)) output = true;
  }
  return !output && (initialValue == null || initialValue === "" || (Array.isArray(initialValue) && initialValue.length === 0));
}

/** isInteractive for a component of the running app (its initial value from the config). */
export function isEditable(app: AppContext, id: number, props: Record<string, any>): boolean {
  const initial = app.config.components?.find((c) => c.id === id)?.props?.value;
  return isInteractive(app.runner.deps, id, props, initial);
}

/** Rounds to `precision` decimals (null or undefined: unchanged). */
export function roundTo(n: number, precision: unknown): number {
  if (typeof precision !== "number" || !Number.isFinite(precision) || precision < 0) return n;
  const f = 10 ** Math.min(precision, 15);
  return Math.round(n * f) / f;
}

/** Clamps into [min, max] where those are finite numbers. */
export function clamp(n: number, min: unknown, max: unknown): number {
  if (typeof min === "number" && Number.isFinite(min) && n < min) return min;
  if (typeof max === "number" && Number.isFinite(max) && n > max) return max;
  return n;
}

/** Number of decimals of a step (0.1 → 1), so a slider never shows 0.30000000000000004. */
export function stepDecimals(step: unknown): number {
  if (typeof step !== "number" || !Number.isFinite(step)) return 0;
  const s = String(step);
  const e = s.match(/e-(\d+)$/);
  if (e) return Number(e[1]);
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Snaps `n` to the slider grid that starts at `min` with `step`. */
export function snap(n: number, min: number, step: unknown): number {
  if (typeof step !== "number" || !(step > 0)) return n;
  const snapped = min + Math.round((n - min) / step) * step;
  return Number(snapped.toFixed(Math.min(15, stepDecimals(step) + stepDecimals(min))));
}

/** CSS classes from `elem_classes` (a list or a string). */
export function elemClasses(props: Record<string, any>): string {
  const c = props.elem_classes;
  if (Array.isArray(c)) return c.filter((x) => typeof x === "string").join(" ");
  return typeof c === "string" ? c : "";
}

/** The type name of a Dataset column: Gradio 6 sends `{name, class_id}`, older ones a string. */
export function columnType(c: unknown): string {
  if (typeof c === "string") return c.toLowerCase();
  if (c && typeof c === "object" && typeof (c as any).name === "string") return (c as any).name.toLowerCase();
  return "";
}

/** Fires `event` on `id` when some dependency listens to it. */
export function fire(app: AppContext, id: number, event: string, data: unknown = null): void {
  if (app.runner.listens(id, event)) void app.runner.trigger(id, event, data);
}

/** DOM id of a component's main control, so its <label> can point at it. */
export function controlId(id: number): string {
  return `gr-control-${id}`;
}

/**
 * Grows a textarea with its content between `minRows` and `maxRows` lines, then scrolls (the
 * chat's Textbox and MultimodalTextbox).
 */
export function fitTextarea(textarea: HTMLTextAreaElement | undefined, minRows: number, maxRows: number): void {
  if (!textarea) return;
  const style = getComputedStyle(textarea);
  const line = parseFloat(style.lineHeight) || 20;
  const pad = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  textarea.style.height = "auto";
  const h = Math.min(Math.max(textarea.scrollHeight, minRows * line + pad), maxRows * line + pad);
  textarea.style.height = `${h}px`;
  textarea.style.overflowY = textarea.scrollHeight > h + 1 ? "auto" : "hidden";
}
