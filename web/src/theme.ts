// Light, dark or the OS's choice. ?__theme=dark|light in the URL wins at load; otherwise the
// choice saved from the Settings panel; otherwise the OS setting, followed live. The CSS keys
// its palettes on <html data-theme>, so each palette is written once.

export type ThemeChoice = "light" | "dark" | "system";

export const THEME_KEY = "gradio-cpp.theme";

let choice: ThemeChoice = "system";
let os: MediaQueryList | undefined;

function valid(v: unknown): v is ThemeChoice {
  return v === "light" || v === "dark" || v === "system";
}

function saved(): ThemeChoice | null {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return valid(v) ? v : null;
  } catch {
    return null; // storage disabled
  }
}

function apply(): void {
  const dark = choice === "dark" || (choice === "system" && !!os?.matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** Applies the theme at start and follows the OS setting while the choice is "system". */
export function initTheme(): void {
  const forced = new URLSearchParams(location.search).get("__theme");
  choice = forced === "dark" || forced === "light" ? forced : (saved() ?? "system");
  os = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : undefined;
  os?.addEventListener?.("change", () => {
    if (choice === "system") apply();
  });
  apply();
}

export function themeChoice(): ThemeChoice {
  return choice;
}

/** The user's pick in Settings: applied at once and remembered in this browser. */
export function setThemeChoice(next: ThemeChoice): void {
  if (!valid(next)) return;
  choice = next;
  try {
    localStorage.setItem(THEME_KEY, next);
  } catch {
    /* storage disabled: the choice lasts until the page is left */
  }
  // A ?__theme in the address would override the saved choice on reload: keep it in step.
  const url = new URL(location.href);
  if (url.searchParams.has("__theme")) {
    if (next === "system") url.searchParams.delete("__theme");
    else url.searchParams.set("__theme", next);
    history.replaceState(history.state, "", url);
  }
  apply();
}
