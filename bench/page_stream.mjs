// Browser cost of a streamed reply after a long conversation (issue 7), measured in Chromium:
// main-thread time (CDP Performance.getMetrics TaskDuration) for one turn, in an empty chat and
// after HISTORY earlier messages. Chunks come PACE ms apart (default 25), so that each is its own
// update of the page rather than several per animation frame; per update is
// (turn of CHUNKS - turn of CHUNKS/10) / (the difference in chunks).
//
//   node bench/page_stream.mjs http://127.0.0.1:PORT [HISTORY=1000] [CHUNKS=50] [PACE=25]
// against `bench_server chunksn` (it streams as many chunks as the message says, and keeps
// save_history on: the long conversation is put into the browser's saved conversations and
// opened from the sidebar, as a user would). Prints per-turn and per-update times and ratios.
// GR_PAGE_ROUNDS=N takes the median of N turns instead of 5; GR_PAGE_DETAIL=1 prints each turn.
// playwright-core comes from tests/js (npm ci there); the browser is Debian's chromium.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "../tests/js/package.json"));
const { chromium } = require("playwright-core");

const [url, historyArg = "1000", chunksArg = "50", paceArg = "25"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node bench/page_stream.mjs URL [HISTORY] [CHUNKS]");
  process.exit(2);
}
const HISTORY = Number(historyArg);
const CHUNKS = Number(chunksArg);
const ROUNDS = Number(process.env.GR_PAGE_ROUNDS ?? 5);

function conversation(n) {
  const out = [];
  for (let i = 0; i < n; ++i) {
    const user = i % 2 === 0;
    const text = user ? `Question number ${i / 2}: how does **this** work?` : `Answer number ${(i - 1) / 2}: it works like *this*, in a few words.\n\n- one\n- two`;
    out.push({ role: user ? "user" : "assistant", metadata: null, content: [{ text, type: "text" }], options: null });
  }
  return out;
}

async function turnCost(page, cdp, chunks) {
  const before = await cdp.send("Performance.getMetrics");
  // The reply is a new group: its element is not the last bot group of before (a long chat is
  // rendered from its end, so counting groups says nothing).
  await page.evaluate(() => (window.__lastBot = [...document.querySelectorAll(".msg-group.bot:not(.pending)")].pop() ?? null));
  await page.locator(".block.textbox textarea").fill(`${chunks}@${paceArg}`);
  await page.locator(".block.textbox textarea").press("Enter");
  const last = "word ".repeat(chunks).trim();
  await page.waitForFunction(
    (want) => {
      const group = [...document.querySelectorAll(".msg-group.bot:not(.pending)")].pop();
      return group && group !== window.__lastBot && group.querySelector(".bubble").textContent.trim() === want && !document.querySelector('button[aria-label="Stop"]');
    },
    last,
    { timeout: 60_000, polling: 50 },
  );
  await page.waitForTimeout(300);  // the chain's last steps (save, re-enable) and their renders
  const after = await cdp.send("Performance.getMetrics");
  const metric = (m, name) => m.metrics.find((x) => x.name === name).value;
  const delta = (name) => metric(after, name) - metric(before, name);
  if (process.env.GR_PAGE_DETAIL)
    console.log(`    chunks=${chunks} task=${(delta("TaskDuration") * 1e3).toFixed(1)}ms script=${(delta("ScriptDuration") * 1e3).toFixed(1)} layout=${(delta("LayoutDuration") * 1e3).toFixed(1)} style=${(delta("RecalcStyleDuration") * 1e3).toFixed(1)}`);
  return delta("TaskDuration");
}

async function measure(history) {
  const browser = await chromium.launch({ executablePath: process.env.GR_CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (history > 0) {
    const saved = JSON.stringify([conversation(history)]);
    await context.addInitScript((value) => localStorage.setItem("_saved_conversations_0", value), saved);
  }
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector(".block.textbox textarea");
  if (history > 0) {
    await page.locator(".dataset").getByText("Question number 0").first().click();
    // The conversation is shown once its last message is (a long one is rendered from its end).
    await page.waitForFunction((want) => [...document.querySelectorAll(".msg-group .bubble")].pop()?.textContent.includes(want), conversation(history).at(-1).content[0].text.split(":")[0] + ":", { timeout: 60_000 });
    await page.waitForTimeout(500);
  }
  // The pointer in the same place in both cases (opening the conversation clicked the sidebar):
  // over the page, Chromium hit-tests it after every layout.
  await page.mouse.move(5, 5);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  await turnCost(page, cdp, CHUNKS);  // warm-up
  const few = [], many = [];
  for (let i = 0; i < ROUNDS; ++i) {
    few.push(await turnCost(page, cdp, Math.max(1, Math.floor(CHUNKS / 10))));
    many.push(await turnCost(page, cdp, CHUNKS));
  }
  await browser.close();
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { turn: median(many), few: median(few) };
}

const empty = await measure(0);
const long = await measure(HISTORY);
const span = CHUNKS - Math.max(1, Math.floor(CHUNKS / 10));
const perUpdate = (m) => (m.turn - m.few) / span;
console.log(`page_stream history=${HISTORY} chunks=${CHUNKS} (main-thread TaskDuration, median of ${ROUNDS})`);
console.log(`  per turn:   empty ${(empty.turn * 1e3).toFixed(1)} ms, after ${HISTORY} messages ${(long.turn * 1e3).toFixed(1)} ms (ratio ${(long.turn / empty.turn).toFixed(2)})`);
console.log(`  per update: empty ${(perUpdate(empty) * 1e3).toFixed(2)} ms, after ${HISTORY} messages ${(perUpdate(long) * 1e3).toFixed(2)} ms (ratio ${(perUpdate(long) / perUpdate(empty)).toFixed(2)})`);
