// Translation of the `__i18n__{...}` strings the server puts in props (protocol.md §3.2).
// English ships with the chat's keys here; src/locales.ts adds the page chrome and a few other
// languages. The language is the browser's unless chosen in Settings (remembered in this
// browser); developer strings come from config.i18n_translations.

import { CHROME_EN, LOCALES } from "./locales";

const EN: Record<string, string> = {
  "chat_interface.chatbot": "Chatbot",
  "chat_interface.message_placeholder": "Type a message...",
  "chat_interface.submit": "Submit",
  "chat_interface.stop": "Stop",
  "chat_interface.additional_inputs": "Additional inputs",
  "chat_interface.new_chat": "New chat",
  "chat_interface.conversation": "Conversation",
};

export const LOCALE_KEY = "gradio-cpp.locale";

type Tables = Record<string, Record<string, string>>;

let custom: Record<string, string> = {};
let builtin: Record<string, string> = {};
let developer: Tables | null = null;
let active = "en";

/** Installs developer translations (`config.i18n_translations`) for the chosen language. */
export function setTranslations(table: Tables | null | undefined): void {
  developer = table ?? null;
  pick();
}

/** Chooses the language (null: the browser's) and remembers the choice in this browser. */
export function setLocale(lang: string | null): void {
  try {
    if (lang) localStorage.setItem(LOCALE_KEY, lang);
    else localStorage.removeItem(LOCALE_KEY);
  } catch {
    /* storage disabled */
  }
  pick();
}

/** The language in use, as one of availableLocales(). */
export function currentLocale(): string {
  return active;
}

/** Languages this page can show: English, the built-in ones, the developer's. */
export function availableLocales(): string[] {
  return [...new Set(["en", ...Object.keys(LOCALES), ...Object.keys(developer ?? {})])];
}

function lookup<T>(tables: Record<string, T> | null, lang: string | undefined): T | undefined {
  if (!tables || !lang) return undefined;
  return tables[lang] ?? tables[lang.split("-")[0]];
}

function pick(): void {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(LOCALE_KEY);
  } catch {
    chosen = null;
  }
  const browser = typeof navigator !== "undefined" ? [...(navigator.languages ?? []), navigator.language] : [];
  const langs = (chosen ? [chosen] : browser).filter(Boolean);
  const known = availableLocales();
  active = "en";
  for (const lang of langs) {
    const hit = known.find((k) => k === lang) ?? known.find((k) => k === lang.split("-")[0]);
    if (hit) {
      active = hit;
      break;
    }
  }
  builtin = LOCALES[active] ?? {};
  custom = {};
  for (const lang of [active, ...langs, "en"]) {
    const table = lookup(developer, lang);
    if (table) {
      custom = table;
      break;
    }
  }
  if (typeof document !== "undefined") document.documentElement.lang = active;
}

export function translate(s: unknown): string {
  if (typeof s !== "string") return s == null ? "" : String(s);
  if (!s.startsWith("__i18n__")) return s;
  let key = "";
  try {
    key = JSON.parse(s.slice("__i18n__".length))?.key ?? "";
  } catch {
    return s.slice("__i18n__".length);
  }
  return t(key);
}

/** The text of a translation key in the current language. */
export function t(key: string): string {
  return custom[key] ?? builtin[key] ?? EN[key] ?? CHROME_EN[key] ?? humanise(key);
}

/** `t(key)` with its {name} placeholders filled in from `vars`. */
export function tf(key: string, vars: Record<string, string | number>): string {
  return t(key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

function humanise(key: string): string {
  const last = key.split(".").pop() ?? key;
  const words = last.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
