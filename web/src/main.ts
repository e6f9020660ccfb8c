// Entry point: load ./config, build the store, client and dependency runner, mount the page.

import "./styles.css";
import { mount } from "svelte";
import App from "./App.svelte";
import Login from "./components/Login.svelte";
import { apiBaseFor, GradioClient } from "./api/client";
import { Runner } from "./api/runner";
import type { AppConfig } from "./api/types";
import { setTranslations, translate } from "./i18n";
import { ReactiveStore } from "./store.svelte";
import { initTheme } from "./theme";
import { UIState } from "./ui.svelte";

function applyBodyColors(css: Record<string, string> | undefined): void {
  if (!css) return;
  const root = document.documentElement.style;
  const set = (name: string, value: string | undefined) => {
    if (value && /^[#\w(),.% -]+$/.test(value)) root.setProperty(name, value);
  };
  set("--app-bg-light", css.body_background_fill);
  set("--app-fg-light", css.body_text_color);
  set("--app-bg-dark", css.body_background_fill_dark);
  set("--app-fg-dark", css.body_text_color_dark);
}

// null: the app needs a login first (the form is shown instead).
async function loadConfig(status: HTMLElement, target: HTMLElement): Promise<AppConfig | null> {
  const url = new URL("./config", location.href).href;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (res.ok) return (await res.json()) as AppConfig;
      if (res.status === 401) {
        const detail = (await res.json().catch(() => null))?.detail;
        const message = typeof detail?.auth_message === "string" ? detail.auth_message : null;
        target.textContent = "";
        mount(Login, {
          target,
          props: { message, loginUrl: new URL("./login", location.href).href, onLoggedIn: () => location.reload() },
        });
        return null;
      }
      status.textContent = `The server answered ${res.status} for ./config. Retrying…`;
    } catch {
      status.textContent = "Cannot reach the server. Retrying…";
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
  }
}

async function boot(): Promise<void> {
  initTheme();
  const target = document.getElementById("app")!;
  const status = document.getElementById("boot-status") ?? target;
  const config = await loadConfig(status, target);
  if (!config) return;
  setTranslations(config.i18n_translations);
  document.title = translate(config.title) || "Gradio";
  applyBodyColors(config.body_css);

  // API calls go next to the page (not to config.root), so a reverse proxy with a sub-path works.
  const pageBase = new URL("./", location.href);
  const apiBase = apiBaseFor(config.api_prefix, location.href);

  const ui = new UIState();
  const store = new ReactiveStore(config.components);
  let runner: Runner;
  const client = new GradioClient({
    apiBase,
    probeUrl: new URL("./config", pageBase).href,
    onConnection: (ok) => {
      ui.connected = ok;
      // Chains that died with the connection may have left the input locked.
      if (ok) void runner.idle().then(() => runner.restoreIdleUI());
    },
  });
  runner = new Runner(config.dependencies ?? [], store, client, { toast: (t) => ui.toast(t) });

  target.textContent = "";
  mount(App, { target, props: { config, store, runner, ui, apiBase } });
  if (config.connect_heartbeat) client.startHeartbeat();
  // `demo.load(...)` listeners target the root block's "load" event.
  if (config.layout) void runner.trigger(config.layout.id, "load");
}

void boot();
