import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Reads a file from test/fixtures (recordings of a real Gradio 6.25.0 server). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, "fixtures", name), "utf8");
}
