// Markdown → safe HTML for chat messages and markdown components.
//
// Pipeline: marked (GFM) with two extensions of ours (math spans for the configured LaTeX
// delimiters, and escaping of raw-HTML tags that are not real HTML elements, so `<thinking>`
// shows up as text instead of vanishing), then DOMPurify. Code is highlighted with a small
// eager set of highlight.js languages; other languages and KaTeX are fetched with dynamic
// import() the first time a message needs them, and the caller re-renders when they arrive.

import { Marked, type MarkedExtension, type Tokens } from "marked";
import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import diff from "highlight.js/lib/languages/diff";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import shell from "highlight.js/lib/languages/shell";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

for (const [name, lang] of Object.entries({
  bash, c, cpp, diff, javascript, json, plaintext, python, shell, typescript, xml, yaml,
})) {
  hljs.registerLanguage(name, lang);
}

// Languages fetched on first use. Each becomes its own small chunk in dist/assets.
const LAZY_LANGUAGES: Record<string, () => Promise<{ default: any }>> = {
  css: () => import("highlight.js/lib/languages/css"),
  csharp: () => import("highlight.js/lib/languages/csharp"),
  dart: () => import("highlight.js/lib/languages/dart"),
  dockerfile: () => import("highlight.js/lib/languages/dockerfile"),
  go: () => import("highlight.js/lib/languages/go"),
  haskell: () => import("highlight.js/lib/languages/haskell"),
  ini: () => import("highlight.js/lib/languages/ini"),
  java: () => import("highlight.js/lib/languages/java"),
  julia: () => import("highlight.js/lib/languages/julia"),
  kotlin: () => import("highlight.js/lib/languages/kotlin"),
  latex: () => import("highlight.js/lib/languages/latex"),
  lua: () => import("highlight.js/lib/languages/lua"),
  makefile: () => import("highlight.js/lib/languages/makefile"),
  cmake: () => import("highlight.js/lib/languages/cmake"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  matlab: () => import("highlight.js/lib/languages/matlab"),
  objectivec: () => import("highlight.js/lib/languages/objectivec"),
  perl: () => import("highlight.js/lib/languages/perl"),
  php: () => import("highlight.js/lib/languages/php"),
  powershell: () => import("highlight.js/lib/languages/powershell"),
  r: () => import("highlight.js/lib/languages/r"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  rust: () => import("highlight.js/lib/languages/rust"),
  scala: () => import("highlight.js/lib/languages/scala"),
  scss: () => import("highlight.js/lib/languages/scss"),
  sql: () => import("highlight.js/lib/languages/sql"),
  swift: () => import("highlight.js/lib/languages/swift"),
  django: () => import("highlight.js/lib/languages/django"),
  x86asm: () => import("highlight.js/lib/languages/x86asm"),
};

// Names people write after ``` that are not highlight.js's own names or registered aliases.
const LANGUAGE_ALIASES: Record<string, string> = {
  "c#": "csharp", cs: "csharp", docker: "dockerfile", golang: "go", hs: "haskell", jl: "julia",
  kt: "kotlin", kts: "kotlin", make: "makefile", md: "markdown", mk: "makefile", objc: "objectivec",
  pl: "perl", ps: "powershell", ps1: "powershell", rb: "ruby", rs: "rust", tex: "latex",
  toml: "ini", yml: "yaml", asm: "x86asm", "c++": "cpp", "objective-c": "objectivec",
  jinja: "django", jinja2: "django",
};

export interface LatexDelimiter {
  left: string;
  right: string;
  display: boolean;
}

export interface MarkdownOptions {
  latexDelimiters?: LatexDelimiter[];
  /** GitHub-style single newlines become <br> (Chatbot `line_breaks`). */
  breaks?: boolean;
  /** `allow_tags`: a list of custom tags to keep as elements; anything else unknown is escaped. */
  allowTags?: boolean | string[];
  /**
   * Chatbot `sanitize_html`. false relaxes the sanitiser for trusted content: styles, forms,
   * buttons and iframes are kept. Scripts and event-handler attributes are still removed.
   */
  sanitize?: boolean;
}

export interface Rendered {
  html: string;
  /** True when KaTeX or a grammar was missing: render again after `onAssetsLoaded` fires. */
  pending: boolean;
}

// ---------------------------------------------------------------- lazy assets

type Katex = typeof import("katex");
let katex: Katex["default"] | null = null;
let katexLoading: Promise<void> | null = null;
const loadingLanguages = new Map<string, Promise<void>>();
const assetListeners = new Set<() => void>();

/** Subscribe to "a lazily loaded asset arrived"; returns the unsubscribe function. */
export function onAssetsLoaded(fn: () => void): () => void {
  assetListeners.add(fn);
  return () => assetListeners.delete(fn);
}

function assetsChanged(): void {
  for (const fn of [...assetListeners]) fn();
}

function needKatex(): void {
  if (katex || katexLoading) return;
  katexLoading = Promise.all([import("katex"), import("katex/dist/katex.min.css")])
    .then(([mod]) => {
      katex = (mod as any).default ?? mod;
      assetsChanged();
    })
    .catch(() => {
      /* stays as raw TeX text */
    });
}

/** Returns the highlight.js name for a fence's language, loading its grammar if needed. */
function resolveLanguage(lang: string, state: RenderState): string | null {
  const raw = lang.toLowerCase();
  const name = LANGUAGE_ALIASES[raw] ?? raw;
  if (hljs.getLanguage(name)) return name;
  const loader = LAZY_LANGUAGES[name];
  if (!loader) return null;
  state.pending = true;
  if (!loadingLanguages.has(name)) {
    loadingLanguages.set(
      name,
      loader()
        .then((mod) => {
          hljs.registerLanguage(name, mod.default);
          assetsChanged();
        })
        .catch(() => {
          /* unknown grammar: the block stays plain */
        }),
    );
  }
  return null;
}

/**
 * Highlights `code` as `lang` (a fence's language, or gr.Code's after codeLanguage) with the
 * grammars registered above. The result is highlight.js's escaped HTML; `pending` is true while
 * the grammar is still loading (render again after onAssetsLoaded fires).
 */
export function highlightCode(code: string, lang: string | null | undefined): Rendered {
  const state: RenderState = { pending: false };
  const name = lang ? resolveLanguage(lang, state) : null;
  const html = name ? hljs.highlight(code, { language: name, ignoreIllegals: true }).value : escapeHtml(code);
  return { html, pending: state.pending };
}

// ---------------------------------------------------------------- marked extensions

interface RenderState {
  pending: boolean;
}
// marked renders synchronously, so the extensions report through this module-level slot.
let current: RenderState = { pending: false };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function mathExtension(delims: LatexDelimiter[]): MarkedExtension {
  // Longest left delimiter first, so "$$" wins over "$".
  const sorted = [...delims].sort((a, b) => b.left.length - a.left.length);
  const match = (src: string, block: boolean) => {
    for (const d of sorted) {
      if (block && !d.display) continue;
      if (!src.startsWith(d.left)) continue;
      const end = src.indexOf(d.right, d.left.length);
      if (end <= d.left.length) continue;
      const tex = src.slice(d.left.length, end);
      // A single "$" pair must hug its content ("costs $5 and $6" is not math).
      if (d.left === "$" && (/^\s/.test(tex) || /\s$/.test(tex))) continue;
      let raw = src.slice(0, end + d.right.length);
      if (block) {
        const rest = src.slice(raw.length);
        const eol = rest.match(/^[ \t]*(\n|$)/);
        if (!eol) continue; // display math must end its line to be a block
        raw += eol[0];
      }
      return { type: block ? "mathBlock" : "math", raw, text: tex, display: d.display };
    }
    return undefined;
  };
  const render = (token: Tokens.Generic) => {
    if (!katex) {
      needKatex();
      current.pending = true;
      const tag = token.type === "mathBlock" ? "div" : "span";
      return `<${tag} class="math-pending">${escapeHtml(token.raw.trim())}</${tag}>`;
    }
    const html = katex.renderToString(token.text, {
      displayMode: token.display,
      throwOnError: false,
      output: "htmlAndMathml",
    });
    return token.type === "mathBlock" ? `<div class="math-display">${html}</div>` : html;
  };
  const lefts = sorted.map((d) => d.left);
  return {
    extensions: [
      {
        name: "mathBlock",
        level: "block",
        tokenizer: (src) => match(src, true),
        renderer: render,
      },
      {
        name: "math",
        level: "inline",
        start: (src) => {
          let best = -1;
          for (const l of lefts) {
            const i = src.indexOf(l);
            if (i >= 0 && (best < 0 || i < best)) best = i;
          }
          return best < 0 ? undefined : best;
        },
        tokenizer: (src) => match(src, false),
        renderer: render,
      },
    ],
  };
}

// Every element name of HTML (plus the MathML/SVG roots). A raw tag with any other name, such
// as <thinking> or <restate your message here>, is escaped so the reader sees it as text.
const HTML_TAGS = new Set(
  (
    "a abbr address area article aside audio b bdi bdo big blockquote body br button canvas caption center cite " +
    "code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font " +
    "footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main " +
    "map mark menu meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt " +
    "ruby s samp script search section select slot small source span strike strong style sub summary sup table " +
    "tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr math svg frame frameset " +
    "noframes marquee base basefont acronym applet"
  ).split(" "),
);

function escapeUnknownTags(html: string, allowed: Set<string>): string {
  return html.replace(/<\/?([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?\/?>/g, (tag, name: string) => {
    const n = name.toLowerCase();
    return HTML_TAGS.has(n) || allowed.has(n) ? tag : escapeHtml(tag);
  });
}

// A line holding nothing but unknown tags ("<thinking>") would start a raw HTML block and swallow
// the Markdown after it. Render such a line as literal text and let the next lines parse normally.
function unknownTagLineExtension(allowed: Set<string>): MarkedExtension {
  const line = /^ {0,3}((?:<\/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>\n]*)?\/?>[ \t]*)+)(?:\n|$)/;
  return {
    extensions: [
      {
        name: "unknownTagLine",
        level: "block",
        tokenizer(src) {
          const m = line.exec(src);
          if (!m) return undefined;
          const names = [...m[1].matchAll(/<\/?([A-Za-z][A-Za-z0-9:-]*)/g)].map((x) => x[1].toLowerCase());
          if (names.some((n) => HTML_TAGS.has(n) || allowed.has(n))) return undefined;
          return { type: "unknownTagLine", raw: m[0], text: m[1].trim() };
        },
        renderer: (token) => `<p>${escapeHtml(token.text)}</p>\n`,
      },
    ],
  };
}

function buildMarked(opts: MarkdownOptions): Marked {
  const allowed = new Set(Array.isArray(opts.allowTags) ? opts.allowTags.map((t) => t.toLowerCase()) : []);
  const m = new Marked({ gfm: true, breaks: !!opts.breaks });
  if (opts.latexDelimiters?.length) m.use(mathExtension(opts.latexDelimiters));
  m.use(unknownTagLineExtension(allowed));
  m.use({
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        return escapeUnknownTags(token.text, allowed);
      },
      code(token: Tokens.Code) {
        const lang = (token.lang ?? "").trim().split(/\s+/)[0] ?? "";
        // While a reply streams, "```r" may be the start of "```rust": only trust the language
        // once its line is complete.
        const infoDone = /^[ \t]*(`{3,}|~{3,})[^\n]*\n/.test(token.raw);
        const name = lang && infoDone ? resolveLanguage(lang, current) : null;
        const body = name ? hljs.highlight(token.text, { language: name, ignoreIllegals: true }).value : escapeHtml(token.text);
        const cls = lang ? ` class="hljs language-${escapeHtml(lang)}"` : ` class="hljs"`;
        return `<pre><code${cls}>${body}\n</code></pre>\n`;
      },
    },
  });
  return m;
}

const markedCache = new Map<string, Marked>();

function markedFor(opts: MarkdownOptions): Marked {
  const key = JSON.stringify([opts.latexDelimiters ?? [], !!opts.breaks, opts.allowTags ?? true]);
  let m = markedCache.get(key);
  if (!m) {
    m = buildMarked(opts);
    markedCache.set(key, m);
  }
  return m;
}

// ---------------------------------------------------------------- sanitising

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
  return purifier;
}

const FORBID_TAGS = [
  "style", "link", "script", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
  "applet", "base", "meta", "form", "input", "button", "textarea", "select", "option", "dialog",
];

/** Sanitises HTML: no scripts, no event handlers, no styles that leak into the page. */
export function sanitize(html: string, allowTags: string[] = [], relaxed = false): string {
  if (relaxed) {
    return getPurifier().sanitize(html, {
      FORBID_TAGS: ["script", "noscript", "base", "meta", "object", "embed", "applet", "frame", "frameset"],
      FORBID_ATTR: ["srcdoc", "formaction"],
      ADD_TAGS: [...allowTags, "style", "iframe", "button", "form", "input", "textarea", "select", "option"],
      ADD_ATTR: ["target", "allow", "allowfullscreen", "frameborder"],
      FORCE_BODY: true,
    }) as string;
  }
  return getPurifier().sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ["srcdoc", "formaction", "action"],
    ADD_TAGS: allowTags,
    ADD_ATTR: ["target"],
    ALLOW_DATA_ATTR: false,
  }) as string;
}

/** Renders one Markdown source (or chunk of it) to sanitised HTML. */
export function renderMarkdown(src: string, opts: MarkdownOptions = {}): Rendered {
  const state: RenderState = { pending: false };
  const prev = current;
  current = state;
  try {
    const html = markedFor(opts).parse(src, { async: false }) as string;
    const tags = Array.isArray(opts.allowTags) ? opts.allowTags : [];
    return { html: sanitize(html, tags, opts.sanitize === false), pending: state.pending };
  } finally {
    current = prev;
  }
}

/**
 * Splits Markdown into top-level blocks at blank lines, never inside a code fence or a $$ math
 * block, and never where the next line continues a list or an indented block. Joining the
 * chunks with "\n" gives the source back. While a reply streams only its last chunk changes, so
 * only that chunk is parsed and re-rendered; the cost per update does not grow with the reply.
 */
export function splitBlocks(src: string): string[] {
  const lines = src.split("\n");
  const chunks: string[] = [];
  let cur: string[] = [];
  let fence: string | null = null;
  let inMath = false;
  let afterBlank = false;
  let hasContent = false;
  let inList = false;
  for (const line of lines) {
    if (fence) {
      cur.push(line);
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = null;
      continue;
    }
    if (inMath) {
      cur.push(line);
      if (countOf(line, "$$") % 2 === 1) inMath = false;
      continue;
    }
    if (line.trim() === "") {
      cur.push(line);
      afterBlank = true;
      continue;
    }
    const indented = /^\s/.test(line);
    const listItem = /^([-*+]|\d{1,9}[.)])(\s|$)/.test(line);
    // A new top-level block starts here, unless it is the next item of the same (loose) list
    // or a link reference definition that belongs with the text above.
    const startsBlock = !indented && !(listItem && inList) && !/^\[[^\]]+\]:/.test(line);
    if (afterBlank && hasContent && startsBlock) {
      chunks.push(cur.join("\n"));
      cur = [];
      hasContent = false;
    }
    if (!indented) {
      if (listItem) inList = true;
      else if (afterBlank || !hasContent) inList = false;
    }
    afterBlank = false;
    hasContent = true;
    cur.push(line);
    const open = line.match(/^ {0,3}(`{3,}|~{3,})/);
    if (open) fence = open[1];
    else if (countOf(line, "$$") % 2 === 1) inMath = true;
  }
  chunks.push(cur.join("\n"));
  return chunks;
}

function countOf(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Adds a copy button to every <pre> of freshly rendered HTML (buttons cannot survive sanitising). */
export function addCopyButtons(root: HTMLElement, label = "Copy code"): void {
  for (const pre of root.querySelectorAll("pre")) {
    if (pre.querySelector(":scope > button.copy-code")) continue;
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy-code";
    btn.setAttribute("aria-label", label);
    btn.title = label;
    btn.innerHTML = COPY_SVG;
    btn.addEventListener("click", () => {
      const code = pre.querySelector("code") ?? pre;
      void copyText(code.textContent ?? "").then((ok) => {
        if (!ok) return;
        btn.innerHTML = CHECK_SVG;
        btn.setAttribute("aria-label", "Copied");
        setTimeout(() => {
          btn.innerHTML = COPY_SVG;
          btn.setAttribute("aria-label", label);
        }, 1500);
      });
    });
    pre.appendChild(btn);
  }
}

const COPY_SVG =
  '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2"><rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V6a2 2 0 0 1 2-2h8"/></svg>';
const CHECK_SVG =
  '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.5"><path d="M5 12l5 5L20 7"/></svg>';

/** Clipboard write with a fallback for non-secure contexts (plain http on a LAN address). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
