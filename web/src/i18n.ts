// Translation of the `__i18n__{...}` strings the server puts in props (protocol.md §3.2).
// Only English ships; other languages could come from config.i18n_translations.

const EN: Record<string, string> = {
  "chat_interface.chatbot": "Chatbot",
  "chat_interface.message_placeholder": "Type a message...",
  "chat_interface.submit": "Submit",
  "chat_interface.stop": "Stop",
  "chat_interface.additional_inputs": "Additional inputs",
  "chat_interface.new_chat": "New chat",
  "chat_interface.conversation": "Conversation",
};

let custom: Record<string, string> = {};

/** Installs developer translations (`config.i18n_translations`) for the browser's language. */
export function setTranslations(table: Record<string, Record<string, string>> | null | undefined): void {
  custom = {};
  if (!table) return;
  const langs = typeof navigator !== "undefined" ? [...(navigator.languages ?? []), navigator.language] : [];
  for (const lang of [...langs, "en"]) {
    const t = table[lang] ?? table[lang?.split("-")[0]];
    if (t) {
      custom = t;
      return;
    }
  }
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
  return custom[key] ?? EN[key] ?? humanise(key);
}

function humanise(key: string): string {
  const last = key.split(".").pop() ?? key;
  const words = last.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
