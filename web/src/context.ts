// What every component of the page can reach (set once by App.svelte).

import { getContext, setContext } from "svelte";
import type { Runner } from "./api/runner";
import type { AppConfig } from "./api/types";
import type { ReactiveStore } from "./store.svelte";

export interface AppContext {
  config: AppConfig;
  store: ReactiveStore;
  runner: Runner;
  /** Screen-reader announcement (polite live region). */
  announce(text: string): void;
}

const KEY = Symbol("gradio-app");

export function provideApp(ctx: AppContext): void {
  setContext(KEY, ctx);
}

export function useApp(): AppContext {
  return getContext<AppContext>(KEY);
}
