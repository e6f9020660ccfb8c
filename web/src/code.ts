// gr.Code's view helpers: which highlight.js grammar a Gradio language name means, the file
// name its download gets, and highlighted HTML cut into lines so each line can carry its number.

/**
 * The highlight.js name for one of gr.Code's languages (null: shown plain). Gradio's "shell" is
 * a script, not a console session, and its SQL dialects ("sql-pgSQL") all use the SQL grammar.
 */
export function codeLanguage(language: unknown): string | null {
  if (typeof language !== "string" || !language) return null;
  const lang = language.toLowerCase();
  if (lang === "shell") return "bash";
  if (lang.startsWith("sql-")) return "sql";
  return lang;
}

/** The extension of the downloaded file, as Gradio names it ("file.py"; "txt" when unknown). */
export function downloadExtension(language: unknown): string {
  const EXT: Record<string, string> = {
    py: "py", python: "py", md: "md", markdown: "md", json: "json", html: "html", css: "css", js: "js",
    javascript: "js", ts: "ts", typescript: "ts", yaml: "yaml", yml: "yml", dockerfile: "dockerfile",
    sh: "sh", shell: "sh", r: "r", c: "c", cpp: "cpp", latex: "tex",
  };
  return (typeof language === "string" && EXT[language]) || "txt";
}

/**
 * Splits highlight.js output at its newlines. A span that runs over several lines (a docstring,
 * a block comment) is closed at the end of each line and opened again on the next, so every line
 * is well-formed HTML on its own. Each line but the last keeps its "\n", so the lines' text put
 * together is the code again.
 */
export function highlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let line = "";
  let at = 0;
  for (const m of html.matchAll(/<span[^>]*>|<\/span>|\n/g)) {
    line += html.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[0] === "\n") {
      lines.push(line + "\n" + "</span>".repeat(open.length));
      line = open.join("");
    } else {
      if (m[0] === "</span>") open.pop();
      else open.push(m[0]);
      line += m[0];
    }
  }
  lines.push(line + html.slice(at) + "</span>".repeat(open.length));
  return lines;
}
