// What every component of the page can reach (set once by App.svelte).

import { getContext, setContext } from "svelte";
import type { Runner, Toast } from "./api/runner";
import type { AppConfig } from "./api/types";
import type { ReactiveStore } from "./store.svelte";

export interface AppContext {
  config: AppConfig;
  store: ReactiveStore;
  runner: Runner;
  /** Screen-reader announcement (polite live region). */
  announce(text: string): void;
  /** Shows a toast (the same ones gr.Info/gr.Error and failed events show). */
  toast(t: Toast): void;
  /** Absolute URL of the API root ("…/gradio_api", no trailing slash): uploads go there. */
  apiBase: string;
}

const KEY = Symbol("gradio-app");

export function provideApp(ctx: AppContext): void {
  setContext(KEY, ctx);
}

export function useApp(): AppContext {
  return getContext<AppContext>(KEY);
}
