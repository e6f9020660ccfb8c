// Page-level UI state that is not a component: toasts, the connection notice, and the text of
// the screen-reader live region.

import type { Toast } from "./api/runner";
import type { ShownToast } from "./components/Toasts.svelte";

const MAX_TOASTS = 5;

export class UIState {
  toasts = $state<ShownToast[]>([]);
  connected = $state(true);
  announcement = $state("");
  private nextId = 1;

  toast(t: Toast): void {
    const id = this.nextId++;
    this.toasts = [...this.toasts, { ...t, id }].slice(-MAX_TOASTS);
    if (t.duration !== null && t.duration > 0) setTimeout(() => this.close(id), t.duration * 1000);
  }

  close(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  announce(text: string): void {
    // Clear first so the same text twice is announced twice.
    this.announcement = "";
    setTimeout(() => (this.announcement = text), 60);
  }
}
