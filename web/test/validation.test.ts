// A validator refusing a message (422 with Gradio's validate list from run/predict or
// queue/join): the text stays in the box, nothing of the chain runs, the message shows in red at
// the textbox until dismissed or sent again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { fixture } from "./helpers";
import { FakeGradio, parseRecording, scriptFromRecording, tick, type Script } from "./fake-server";
import { GradioClient, HttpError } from "../src/api/client";
import { PlainStore } from "../src/api/store";
import { Runner, validationErrors, type Toast } from "../src/api/runner";
import type { AppConfig, Dependency } from "../src/api/types";
import App from "../src/App.svelte";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";

const config: AppConfig = JSON.parse(fixture("stream_01_config.json"));
const recording = parseRecording(fixture("stream_07_ui_submit_chain.txt"));
const TEXTBOX = 10;
const CHATBOT = 7;
const TOO_SHORT = "Too short: at least 3 characters.";

const refusal = (message: string, parameter_name = "message") => ({
  status: 422,
  body: { detail: [{ __type__: "validate", is_valid: false, message, parameter_name }] },
});

/** The recorded chain, with dep 0 refusing messages shorter than 3 characters. */
function validatingScript(): Script {
  const s = scriptFromRecording(recording);
  const recorded = s.predict.get(0)!;
  s.predict.set(0, (req) => (String(req.data[0]).length < 3 ? refusal(TOO_SHORT) : typeof recorded === "function" ? recorded(req) : recorded));
  return s;
}

function setup(cfg: AppConfig = config, script: Script = validatingScript()) {
  const server = new FakeGradio(script);
  const store = new PlainStore(cfg.components);
  const toasts: Toast[] = [];
  const client = new GradioClient({ apiBase: "http://fake/gradio_api", sessionHash: "s", fetch: server.fetch, probeDelays: [5] });
  const runner = new Runner(cfg.dependencies, store, client, { toast: (t) => toasts.push(t) });
  return { server, store, runner, toasts };
}

async function settle(runner: Runner) {
  for (let i = 0; i < 5; i++) {
    await runner.idle();
    await tick(5);
  }
}

const posted = (server: FakeGradio) => server.log.filter((r) => r.method === "POST").map((r) => r.body.fn_index);

describe("a validator's refusal in the runner", () => {
  it("keeps the text, runs no chained step (not even .then) and shows the message at the textbox", async () => {
    const { server, store, runner, toasts } = setup();
    store.setValue(TEXTBOX, "hi");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(posted(server)).toEqual([0]); // dep 1 is a .then of dep 0 in Gradio's config: still not run
    expect(store.getValue(TEXTBOX)).toBe("hi");
    expect(store.getProps(TEXTBOX).interactive).not.toBe(false);
    expect(store.getValue(CHATBOT)).toEqual([]);
    expect(store.getValidation(TEXTBOX)).toBe(TOO_SHORT);
    expect(toasts).toEqual([]);
  });

  it("clears the message when the text is sent again, and a valid message runs the whole chain", async () => {
    const { server, store, runner } = setup();
    store.setValue(TEXTBOX, "hi");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(store.getValidation(TEXTBOX)).toBe(TOO_SHORT);

    store.setValue(TEXTBOX, "hello");
    const sending = runner.trigger(TEXTBOX, "submit");
    expect(store.getValidation(TEXTBOX)).toBeNull(); // gone as soon as it is sent
    await sending;
    await settle(runner);
    expect(store.getValidation(TEXTBOX)).toBeNull();
    const sent = posted(server);
    for (const fn of [1, 2, 3, 4, 5]) expect(sent).toContain(fn);
    const chat = store.getValue(CHATBOT) as any[];
    expect(chat[0].content[0].text).toBe("hello");
  });

  it("handles a refusal of queue/join the same way", async () => {
    const TEXT = 1;
    const OUT = 2;
    const dep = (id: number, extra: Partial<Dependency>): Dependency => ({
      id, targets: [[null, "then"]], inputs: [], outputs: [], backend_fn: true, queue: false, cancels: [],
      types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false, ...extra,
    });
    const cfg: AppConfig = {
      components: [
        { id: TEXT, type: "textbox", props: { value: "" } },
        { id: OUT, type: "textbox", props: { value: "" } },
      ],
      layout: { id: 0, children: [{ id: TEXT }, { id: OUT }] },
      dependencies: [
        dep(0, { targets: [[TEXT, "submit"]], inputs: [TEXT], outputs: [OUT], queue: true }),
        dep(1, { trigger_after: 0, outputs: [OUT] }),
        dep(2, { targets: [[null, "failure"]], trigger_after: 0, trigger_only_on_failure: true } as Partial<Dependency>),
      ],
    } as AppConfig;
    const script: Script = { predict: new Map([[1, { body: { data: ["then ran"] } }], [2, { body: { data: [] } }]]), queue: new Map() };
    script.queue.set(0, (req) =>
      String(req.data[0]).length < 3
        ? refusal("Say more.")
        : [{ msg: "process_completed", output: { data: ["ok"] }, success: true }],
    );
    const { server, store, runner, toasts } = setup(cfg, script);
    store.setValue(TEXT, "no");
    await runner.trigger(TEXT, "submit");
    await settle(runner);
    expect(posted(server)).toEqual([0]);
    expect(store.getValidation(TEXT)).toBe("Say more.");
    expect(store.getValue(TEXT)).toBe("no");
    expect(store.getStatus(OUT)).toBeNull(); // the "queued" status went away
    expect(toasts).toEqual([]);

    store.setValue(TEXT, "yes please");
    await runner.trigger(TEXT, "submit");
    await settle(runner);
    expect(store.getValidation(TEXT)).toBeNull();
    expect(posted(server)).toEqual([0, 0, 1]);
    expect(store.getValue(OUT)).toBe("then ran");
  });

  it("puts each message at its input when the list has one item per input", async () => {
    const A = 1;
    const B = 2;
    const cfg = {
      components: [
        { id: A, type: "textbox", props: {} },
        { id: B, type: "textbox", props: {} },
      ],
      layout: { id: 0, children: [{ id: A }, { id: B }] },
      dependencies: [
        {
          id: 0, targets: [[A, "submit"]], inputs: [A, B], outputs: [], backend_fn: true, queue: false, cancels: [],
          types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false,
        },
      ],
    } as unknown as AppConfig;
    const script: Script = {
      predict: new Map([
        [0, { status: 422, body: { detail: [
          { __type__: "validate", is_valid: true, message: "", parameter_name: "a" },
          { __type__: "validate", is_valid: false, message: "B is wrong", parameter_name: "b" },
        ] } }],
      ]),
      queue: new Map(),
    };
    const { store, runner } = setup(cfg, script);
    await runner.trigger(A, "submit");
    await settle(runner);
    expect(store.getValidation(A)).toBeNull();
    expect(store.getValidation(B)).toBe("B is wrong");
  });

  it("treats other 422 answers as errors (toast, .then steps still run)", async () => {
    const s = validatingScript();
    s.predict.set(0, { status: 422, body: { detail: [{ type: "missing", loc: ["body", "data"], msg: "Field required" }] } });
    const { server, store, runner, toasts } = setup(config, s);
    store.setValue(TEXTBOX, "hello");
    await runner.trigger(TEXTBOX, "submit");
    await settle(runner);
    expect(store.getValidation(TEXTBOX)).toBeNull();
    expect(toasts[0]?.message).toBe("Field required"); // (later steps are not scripted here)
    expect(posted(server)).toContain(1);
  });

  it("recognises only 422 answers carrying a validate list", () => {
    const v = validationErrors(new HttpError(422, refusal("x").body));
    expect(v?.rejected).toEqual([{ message: "x", parameter_name: "message" }]);
    expect(validationErrors(new HttpError(400, refusal("x").body))).toBeNull();
    expect(validationErrors(new HttpError(422, { detail: "nope" }))).toBeNull();
    expect(validationErrors(new Error("x"))).toBeNull();
  });
});

describe("the textbox with a validation message", () => {
  let target: HTMLElement;
  let app: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (app) unmount(app);
    app = null;
    target?.remove();
  });

  function mountApp() {
    const TEXT = 2;
    const cfg: AppConfig = {
      title: "t",
      components: [
        { id: 0, type: "column", props: {} },
        { id: TEXT, type: "textbox", props: { placeholder: "Type", submit_btn: true, stop_btn: false, lines: 1 } },
      ],
      layout: { id: 0, children: [{ id: TEXT }] },
      dependencies: [
        {
          id: 0, targets: [[TEXT, "submit"]], inputs: [TEXT], outputs: [TEXT], backend_fn: true, queue: false, cancels: [],
          types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false,
        },
      ],
    } as unknown as AppConfig;
    const store = new ReactiveStore(cfg.components);
    const predict = vi.fn(async (body: any) => {
      if (String(body.data[0]).length < 3) throw new HttpError(422, refusal(TOO_SHORT).body);
      return { data: [{ __type__: "update", value: "" }] };
    });
    const client = { sessionHash: "s", isConnected: true, predict, join: vi.fn(), cancel: vi.fn(), forget: vi.fn() };
    const ui = new UIState();
    const runner = new Runner(cfg.dependencies, store, client as any, { toast: (t) => ui.toast(t) });
    target = document.createElement("div");
    document.body.appendChild(target);
    app = mount(App, { target, props: { config: cfg, store, runner, ui } });
    flushSync();
    const settleUi = async () => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
      store.flush();
      flushSync();
    };
    const textarea = () => target.querySelector("textarea") as HTMLTextAreaElement;
    const send = async (text: string) => {
      textarea().value = text;
      textarea().dispatchEvent(new Event("input", { bubbles: true }));
      flushSync();
      textarea().dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      await settleUi();
    };
    return { store, ui, predict, textarea, send, settleUi, TEXT };
  }

  it("shows the message in red above the box, keeps the text, and ✕ dismisses it", async () => {
    const { ui, textarea, send, settleUi } = mountApp();
    await send("hi");
    const shown = target.querySelector(".validation-error") as HTMLElement;
    expect(shown).not.toBeNull();
    expect(shown.getAttribute("role")).toBe("alert");
    expect(shown.textContent).toContain(TOO_SHORT);
    expect(textarea().value).toBe("hi");
    expect(textarea().getAttribute("aria-invalid")).toBe("true");
    expect(target.querySelector(".textbox.invalid")).not.toBeNull();
    expect(ui.toasts).toEqual([]);

    (target.querySelector(".validation-close") as HTMLButtonElement).click();
    await settleUi();
    expect(target.querySelector(".validation-error")).toBeNull();
    expect(textarea().value).toBe("hi");
    expect(textarea().hasAttribute("aria-invalid")).toBe(false);
  });

  it("goes away on the next submit", async () => {
    const { send, textarea, predict } = mountApp();
    await send("hi");
    expect(target.querySelector(".validation-error")).not.toBeNull();
    await send("hello");
    expect(predict).toHaveBeenCalledTimes(2);
    expect(target.querySelector(".validation-error")).toBeNull();
    expect(textarea().value).toBe("");
  });
});
