import { describe, expect, it } from "vitest";
import { renderMarkdown, sanitize, splitBlocks } from "../src/markdown";

const chat = { latexDelimiters: [{ left: "$$", right: "$$", display: true }], breaks: true };

function dom(html: string): HTMLElement {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
}

describe("markdown sanitising", () => {
  it("<img src=x onerror=alert(1)> keeps the image but no handler", () => {
    const { html } = renderMarkdown("<img src=x onerror=alert(1)>", chat);
    const img = dom(html).querySelector("img")!;
    expect(img).not.toBeNull();
    expect(img.getAttributeNames()).toEqual(["src"]);
    expect(html).not.toMatch(/onerror/i);
  });

  it("removes scripts, javascript: URLs, styles and event attributes", () => {
    const cases = [
      "<script>alert(1)</script>",
      '<a href="javascript:alert(1)">x</a>',
      "<style>body{display:none}</style>",
      '<link rel="stylesheet" href="http://evil/x.css">',
      '<div onclick="alert(1)" onmouseover="alert(2)">d</div>',
      '<svg><script>alert(1)</script></svg>',
      '<iframe src="http://evil"></iframe>',
      '<form action="http://evil"><button>go</button></form>',
      "[x](javascript:alert(1))",
    ];
    for (const src of cases) {
      const { html } = renderMarkdown(src, chat);
      const root = dom(html);
      expect(root.querySelector("script, style, link, iframe, form, button"), src).toBeNull();
      for (const el of root.querySelectorAll("*")) {
        for (const name of el.getAttributeNames()) expect(name.startsWith("on"), `${src}: ${name}`).toBe(false);
        expect(el.getAttribute("href") ?? "", src).not.toMatch(/^javascript:/i);
      }
    }
  });

  it("shows unknown tags such as <thinking> as text instead of eating them", () => {
    for (const src of ["<thinking>I think</thinking>", "Hi <thinking>x</thinking> there", "<thinking>\nstep **one**\n</thinking>\nAnswer", "<restate your message here>"]) {
      const root = dom(renderMarkdown(src, chat).html);
      expect(root.querySelector("thinking, restate")).toBeNull();
      expect(root.textContent).toMatch(/<thinking>|<restate your message here>/);
    }
    // Markdown after a tag line still renders.
    expect(dom(renderMarkdown("<thinking>\nstep **one**\n</thinking>", chat).html).querySelector("strong")?.textContent).toBe("one");
  });

  it("keeps tags listed in allow_tags as elements", () => {
    const root = dom(renderMarkdown("<thinking>x</thinking>", { ...chat, allowTags: ["thinking"] }).html);
    expect(root.querySelector("thinking")?.textContent).toBe("x");
  });

  it("opens links in a new tab without leaking the opener", () => {
    const root = dom(renderMarkdown("[site](https://example.org) and https://example.com", chat).html);
    const links = [...root.querySelectorAll("a")];
    expect(links).toHaveLength(2);
    for (const a of links) {
      expect(a.getAttribute("target")).toBe("_blank");
      expect(a.getAttribute("rel")).toBe("noopener noreferrer");
    }
    expect(dom(sanitize('<a href="/x">y</a>')).querySelector("a")?.getAttribute("rel")).toBe("noopener noreferrer");
  });
});

describe("markdown rendering", () => {
  it("renders GFM tables, lists, strikethrough and line breaks", () => {
    const root = dom(renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n- y\n\n~~old~~ line\nnext", chat).html);
    expect(root.querySelectorAll("table td")).toHaveLength(2);
    expect(root.querySelectorAll("ul li")).toHaveLength(2);
    expect(root.querySelector("del")?.textContent).toBe("old");
    expect(root.querySelector("br")).not.toBeNull();
  });

  it("highlights code in eagerly registered languages", () => {
    const { html, pending } = renderMarkdown("```python\ndef f(): return 1\n```", chat);
    expect(pending).toBe(false);
    expect(dom(html).querySelector("pre code.language-python .hljs-keyword")?.textContent).toBe("def");
  });

  it("marks code in other languages as pending until its grammar is loaded", () => {
    const { html, pending } = renderMarkdown("```go\nfunc main() {}\n```", chat);
    expect(pending).toBe(true);
    expect(dom(html).querySelector("pre code")?.textContent).toBe("func main() {}\n");
    // An unfinished fence line ("```g" of "```go") loads nothing yet.
    expect(renderMarkdown("```g", chat).pending).toBe(false);
  });

  it("leaves math to KaTeX (loaded on demand) and never touches code", () => {
    const { html, pending } = renderMarkdown("Euler $$e^{i\\pi}+1=0$$ here", chat);
    expect(pending).toBe(true);
    expect(dom(html).querySelector(".math-pending")?.textContent).toBe("$$e^{i\\pi}+1=0$$");
    const code = renderMarkdown("`$$x$$`", chat);
    expect(code.pending).toBe(false);
    expect(dom(code.html).querySelector("code")?.textContent).toBe("$$x$$");
    // Single dollars are money unless latex_delimiters says otherwise.
    expect(renderMarkdown("costs $5 and $6", chat).pending).toBe(false);
    const inline = { latexDelimiters: [{ left: "$", right: "$", display: false }] };
    expect(renderMarkdown("costs $5 and $6", inline).pending).toBe(false);
    expect(renderMarkdown("so $x^2$ grows", inline).pending).toBe(true);
  });
});

describe("splitBlocks", () => {
  it("splits at blank lines and joins back to the source", () => {
    const src = "para one\nstill one\n\n# Title\n\nlast";
    const chunks = splitBlocks(src);
    expect(chunks).toEqual(["para one\nstill one\n", "# Title\n", "last"]);
    expect(chunks.join("\n")).toBe(src);
  });

  it("never splits inside code fences, math blocks, lists or indented continuations", () => {
    const src = "```\na\n\nb\n```\n\n$$\nx\n\ny\n$$\n\n- one\n\n- two\n\n  more of two\n\nend";
    const chunks = splitBlocks(src);
    expect(chunks).toEqual(["```\na\n\nb\n```\n", "$$\nx\n\ny\n$$\n", "- one\n\n- two\n\n  more of two\n", "end"]);
    expect(chunks.join("\n")).toBe(src);
  });

  it("keeps an unclosed fence (still streaming) in the last chunk", () => {
    expect(splitBlocks("intro\n\n```js\nlet a = 1;\n\nlet b")).toEqual(["intro\n", "```js\nlet a = 1;\n\nlet b"]);
  });
});
