/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// KaTeX's stylesheet lists woff2, woff and ttf for every font. Every browser we
// target takes woff2, so drop the other two: the binary embeds dist/ and would
// otherwise carry ~1 MB of fonts nobody downloads.
function katexWoff2Only(): Plugin {
  return {
    name: "katex-woff2-only",
    enforce: "pre",
    transform(code, id) {
      if (!/katex(\.min)?\.css$/.test(id.split("?")[0])) return null;
      return code.replace(/,\s*url\([^)]*\.(woff|ttf)\)\s*format\("(woff|truetype)"\)/g, "");
    },
  };
}

// `npm run dev` / `vite preview` forward the API to a running example (GRADIO_DEV_TARGET).
const target = process.env.GRADIO_DEV_TARGET ?? "http://127.0.0.1:7860";
const proxy = {
  "^/config$": { target },
  "/gradio_api": { target },
};

export default defineConfig({
  // Relative asset URLs, so the page also works when mounted under a sub-path.
  base: "./",
  plugins: [katexWoff2Only(), svelte()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    target: "es2022",
    // No source maps in the embedded bundle; keep the binary small.
    sourcemap: false,
    // Inline nothing as base64: every file is served from memory anyway.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { proxy },
  preview: { proxy },
  // Component tests mount Svelte's browser runtime in jsdom.
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
  },
});
