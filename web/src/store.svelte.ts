// The UI side of the component store: one reactive view per component, refreshed from the
// plain store at most once per animation frame. A reply streaming 200 tokens a second thus
// costs one render per frame, however fast frames arrive.

import { PlainStore, type Status } from "./api/store";
import type { ComponentConfig } from "./api/types";

export class ComponentView {
  value = $state.raw<any>(null);
  props = $state.raw<Record<string, any>>({});
  status = $state.raw<Status | null>(null);
  /** A validator's message about the current value, shown at the component. */
  validation = $state.raw<string | null>(null);

  constructor(
    readonly id: number,
    readonly type: string,
  ) {}
}

export class ReactiveStore extends PlainStore {
  private views = new Map<number, ComponentView>();
  private dirty = new Set<number>();
  private scheduled = false;

  constructor(components: ComponentConfig[]) {
    super(components);
    for (const c of components) {
      const v = new ComponentView(c.id, c.type);
      v.value = this.getValue(c.id);
      v.props = this.getProps(c.id);
      this.views.set(c.id, v);
    }
  }

  view(id: number): ComponentView {
    let v = this.views.get(id);
    if (!v) {
      v = new ComponentView(id, this.type(id) ?? "unknown");
      this.views.set(id, v);
    }
    return v;
  }

  /** Apply pending changes now (used after user input so the view never lags the keyboard). */
  flush(): void {
    this.scheduled = false;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const v = this.view(id);
      v.value = this.getValue(id);
      v.props = this.getProps(id);
      v.status = this.getStatus(id);
      v.validation = this.getValidation(id);
    }
  }

  protected changed(id: number): void {
    this.dirty.add(id);
    if (this.scheduled) return;
    this.scheduled = true;
    // Background tabs get no animation frames; a timer keeps state fresh for when they return.
    if (typeof document !== "undefined" && document.visibilityState === "visible" && typeof requestAnimationFrame === "function") {
      requestAnimationFrame(() => this.flush());
    } else {
      setTimeout(() => this.flush(), 50);
    }
  }
}
