// Form components rendered from /config (accordion, textbox, slider, number, checkbox,
// dropdown, radio, dataset, button) in jsdom: what they show, the values they send as inputs,
// the events they fire, and how update objects change them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";
import { GradioClient } from "../src/api/client";
import { Runner } from "../src/api/runner";
import type { AppConfig, ComponentConfig, Dependency } from "../src/api/types";
import { choicePairs, isInteractive, roundTo, snap } from "../src/components/fields";
import { ReactiveStore } from "../src/store.svelte";
import { UIState } from "../src/ui.svelte";
import { FakeGradio, tick } from "./fake-server";
import { fixture } from "./helpers";

function dep(id: number, target: [number, string], inputs: number[], outputs: number[] = [], extra: Partial<Dependency> = {}): Dependency {
  return {
    id, targets: [target], inputs, outputs, backend_fn: true, queue: false, cancels: [],
    types: { generator: false, cancel: false }, trigger_after: null, trigger_only_on_success: false, ...extra,
  };
}

function appConfig(components: ComponentConfig[], layout: AppConfig["layout"], dependencies: Dependency[] = []): AppConfig {
  return { title: "t", components: [{ id: 100, type: "column", props: {} }, ...components], layout: { id: 100, children: [layout] }, dependencies, footer_links: [] };
}

interface Mounted {
  target: HTMLElement;
  store: ReactiveStore;
  runner: Runner;
  sent: any[];
  ui: UIState;
  $: (s: string) => HTMLElement;
  $$: (s: string) => HTMLElement[];
  settle: () => Promise<void>;
}

let mounted: ReturnType<typeof mount> | null = null;
let host: HTMLElement | null = null;

/** Mounts the app over a client that records predict/join bodies (predict answers `reply`). */
function render(config: AppConfig, reply: (body: any) => any = () => ({ data: [] }), client?: any): Mounted {
  const sent: any[] = [];
  host = document.createElement("div");
  document.body.appendChild(host);
  const store = new ReactiveStore(config.components);
  const c = client ?? {
    sessionHash: "s",
    isConnected: true,
    predict: vi.fn(async (body: any) => {
      sent.push(body);
      return reply(body);
    }),
    join: vi.fn(async () => "ev"),
    cancel: vi.fn(async () => {}),
    forget: vi.fn(),
  };
  const ui = new UIState();
  const runner = new Runner(config.dependencies, store, c, { toast: (t) => ui.toast(t) });
  mounted = mount(App, { target: host, props: { config, store, runner, ui } });
  flushSync();
  const target = host;
  return {
    target, store, runner, sent, ui,
    $: (s) => target.querySelector(s) as HTMLElement,
    $$: (s) => [...target.querySelectorAll(s)] as HTMLElement[],
    settle: async () => {
      for (let i = 0; i < 4; i++) {
        await runner.idle();
        await tick(1);
      }
      store.flush();
      flushSync();
    },
  };
}

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  host?.remove();
  host = null;
});

function typeInto(el: HTMLElement, value: string) {
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function changeTo(el: HTMLElement, value: string) {
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

const labelled = (m: Mounted, text: string) => {
  const label = m.$$("label").find((l) => l.textContent?.trim() === text) as HTMLLabelElement | undefined;
  return (label?.control as HTMLElement | null | undefined) ?? null;
};

// ---------------------------------------------------------------- the recorded app

describe("recorded system_prompt app (additional inputs in an accordion)", () => {
  const config: AppConfig = JSON.parse(fixture("system_prompt_config.json"));

  it("renders the accordion collapsed, with the textbox and slider inside", () => {
    const m = render(config);
    const head = m.$("button.accordion-head");
    expect(head.textContent?.trim()).toBe("Additional inputs");
    expect(head.getAttribute("aria-expanded")).toBe("false");
    const body = m.$(".accordion-body");
    expect(body.hidden).toBe(true);
    expect(head.getAttribute("aria-controls")).toBe(body.id);

    head.click();
    flushSync();
    expect(head.getAttribute("aria-expanded")).toBe("true");
    expect(body.hidden).toBe(false);

    const prompt = labelled(m, "System Prompt") as HTMLTextAreaElement;
    expect(prompt.tagName).toBe("TEXTAREA");
    expect(prompt.value).toBe("You are helpful AI.");
    expect(prompt.disabled).toBe(false);

    const range = body.querySelector('input[type="range"]') as HTMLInputElement;
    expect([range.min, range.max, range.step, range.value]).toEqual(["10", "100", "0.1", "10"]);
    expect((body.querySelector(".slider-number") as HTMLInputElement).value).toBe("10");

    // The chat's own message box is still the message box, not a labelled form field.
    const boxes = m.$$(".textbox textarea") as HTMLTextAreaElement[];
    expect(boxes).toHaveLength(1);
    expect(boxes[0].placeholder).toBe("Type a message...");
    // Hidden components (the Fake API button, the JSON response) are not shown.
    expect(m.target.textContent).not.toContain("Fake API");
  });

  it("sends the edited system prompt and slider value with the next queued chat call", async () => {
    // Predict steps answer like the recorded server: dep 0 clears the box and saves the text.
    const server = new FakeGradio({
      predict: new Map<number, any>([
        [0, (req: any) => ({ body: { data: [{ __type__: "update", value: "" }, req.data[0]] } })],
        [1, { body: { data: [[{ role: "user", content: [{ type: "text", text: "hi" }], metadata: null, options: null }]] } }],
        [3, { body: { data: [null, null] } }],
        [5, { body: { data: [null, null] } }],
        [14, { body: { data: [{ __type__: "update" }] } }],
        [16, { body: { data: [{ __type__: "update" }] } }],
      ]),
      queue: new Map<number, any>([
        [2, [{ msg: "process_starts", eta: null }, { msg: "process_completed", output: { data: ["ok", null] }, success: true }]],
        [4, [{ msg: "process_completed", output: { data: [{ __type__: "update" }] }, success: true }]],
      ]),
    });
    const client = new GradioClient({ apiBase: "http://fake/gradio_api", probeUrl: "http://fake/config", sessionHash: "sp", fetch: server.fetch });
    const m = render(config, undefined, client);
    m.$("button.accordion-head").click();
    flushSync();

    const range = m.$('.accordion-body input[type="range"]') as HTMLInputElement;
    changeTo(range, "42.5");
    expect(m.store.getValue(1)).toBe(42.5);
    expect((m.$(".slider-number") as HTMLInputElement).value).toBe("42.5");
    typeInto(labelled(m, "System Prompt")!, "Be brief.");

    const box = m.$(".textbox textarea");
    typeInto(box, "hi");
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    for (let i = 0; i < 50 && !server.log.some((r) => r.route === "queue/join" && r.body.fn_index === 2); i++) await tick(2);
    await m.settle();

    const join = server.log.find((r) => r.route === "queue/join" && r.body.fn_index === 2)!;
    // Inputs of dep 2: [state 5, state 15, system prompt 0, slider 1].
    expect(join.body.data).toEqual([null, null, "Be brief.", 42.5]);
  });

  it("the slider's number box commits typed values into [minimum, maximum]", () => {
    const m = render(config);
    const num = m.$(".slider-number") as HTMLInputElement;
    changeTo(num, "250");
    expect(m.store.getValue(1)).toBe(100);
    expect(num.value).toBe("100");
    changeTo(num, "abc");
    expect(m.store.getValue(1)).toBe(100);
    changeTo(num, "55");
    expect(m.store.getValue(1)).toBe(55);
    expect((m.$('input[type="range"]') as HTMLInputElement).value).toBe("55");
  });

  it("an update object opens the accordion and relabels it", () => {
    const m = render(config);
    m.runner.applyOutputs(dep(99, [0, "x"], [], [17]), [{ __type__: "update", open: true, label: "Settings for the model" }]);
    m.store.flush();
    flushSync();
    const head = m.$("button.accordion-head");
    expect(head.getAttribute("aria-expanded")).toBe("true");
    expect(head.textContent?.trim()).toBe("Settings for the model");
    expect(m.$(".accordion-body").hidden).toBe(false);
  });
});

// ---------------------------------------------------------------- single components

describe("form components", () => {
  const BOX = 1, NUM = 2, CHECK = 3, DROP = 4, MULTI = 5, RADIO = 6, CUSTOM = 7, GO = 8, OUT = 9;
  const components: ComponentConfig[] = [
    { id: BOX, type: "textbox", props: { label: "Name", info: "Who you are", placeholder: "Ada", lines: 1, max_length: 20, value: "" } },
    { id: NUM, type: "number", props: { label: "Count", value: 3, minimum: 0, maximum: 10, precision: 1 } },
    { id: CHECK, type: "checkbox", props: { label: "Loud", value: false } },
    { id: DROP, type: "dropdown", props: { label: "Model", choices: [["Small model", "s"], ["Large model", "l"]], value: "s" } },
    { id: MULTI, type: "dropdown", props: { label: "Tags", choices: [["Red", "r"], ["Green", "g"], ["Blue", "b"]], value: ["r"], multiselect: true, max_choices: 2 } },
    { id: RADIO, type: "radio", props: { label: "Tone", choices: [["Formal", "f"], ["Casual", "c"]], value: "f" } },
    { id: CUSTOM, type: "dropdown", props: { label: "City", choices: [["Paris", "paris"]], value: "paris", allow_custom_value: true } },
    { id: GO, type: "button", props: { value: "Go", variant: "primary" } },
    { id: OUT, type: "textbox", props: { label: "Result", value: "x" } },
  ];
  const layout = { id: 50, children: [BOX, NUM, CHECK, DROP, MULTI, RADIO, CUSTOM, GO, OUT].map((id) => ({ id })) };
  const config = appConfig(
    [{ id: 50, type: "column", props: {} }, ...components],
    layout,
    [
      dep(0, [GO, "click"], [BOX, NUM, CHECK, DROP, MULTI, RADIO, CUSTOM], [OUT]),
      dep(1, [RADIO, "select"], [RADIO], [], { collects_event_data: true }),
      dep(2, [BOX, "submit"], [BOX], [OUT]),
    ],
  );

  it("render labels, info, placeholders and initial values; output-only boxes are read-only", () => {
    const m = render(config);
    const name = labelled(m, "Name") as HTMLTextAreaElement;
    expect(name.placeholder).toBe("Ada");
    expect(name.maxLength).toBe(20);
    expect(m.target.textContent).toContain("Who you are");
    expect(name.getAttribute("aria-describedby")).toContain("-info");
    expect((labelled(m, "Count") as HTMLInputElement).value).toBe("3");
    expect((labelled(m, "Loud") as HTMLInputElement).checked).toBe(false);
    const model = labelled(m, "Model") as HTMLSelectElement;
    expect([...model.options].map((o) => o.textContent)).toEqual(["Small model", "Large model"]);
    expect(model.selectedOptions[0].textContent).toBe("Small model");
    expect(m.$$(".chip span").map((s) => s.textContent)).toEqual(["Red"]);
    const radios = m.$$('input[type="radio"]') as HTMLInputElement[];
    expect(radios.map((r) => r.checked)).toEqual([true, false]);
    expect(m.$("fieldset legend").textContent?.trim()).toBe("Tone");
    expect((labelled(m, "Result") as HTMLTextAreaElement).disabled).toBe(true);
    expect(m.$("button.btn.primary").textContent?.trim()).toBe("Go");
  });

  it("send what the user set as inputs of the next call", async () => {
    const m = render(config);
    typeInto(labelled(m, "Name")!, "Grace");
    const count = labelled(m, "Count")!;
    changeTo(count, "7.26");
    count.dispatchEvent(new Event("blur"));
    flushSync();
    const loud = labelled(m, "Loud") as HTMLInputElement;
    loud.click();
    flushSync();
    changeTo(labelled(m, "Model")!, "1");
    // Multiselect: add Blue, remove Red.
    const adder = m.$("select.adder") as HTMLSelectElement;
    expect([...adder.options].map((o) => o.textContent)).toEqual(["Add…", "Green", "Blue"]);
    changeTo(adder, "2");
    m.store.flush();
    flushSync();
    (m.$('button[aria-label="Remove Red"]') as HTMLButtonElement).click();
    flushSync();
    (m.$$('input[type="radio"]')[1] as HTMLInputElement).click();
    flushSync();
    changeTo(labelled(m, "City")!, "Lyon");

    m.$("button.btn.primary").click();
    await m.settle();
    const call = m.sent.find((b) => b.fn_index === 0);
    expect(call.data).toEqual(["Grace", 7.3, true, "l", ["b"], "c", "Lyon"]);
    // The radio's select listener got Gradio's event data.
    expect(m.sent.find((b) => b.fn_index === 1)).toMatchObject({ event_data: { index: 1, value: "c" }, data: ["c"] });
  });

  it("multiselect stops at max_choices", () => {
    const m = render(config);
    changeTo(m.$("select.adder"), "1");
    m.store.flush();
    flushSync();
    expect(m.store.getValue(MULTI)).toEqual(["r", "g"]);
    expect((m.$("select.adder") as HTMLSelectElement).disabled).toBe(true);
  });

  it("a one-line textbox submits on Enter", async () => {
    const m = render(config);
    const name = labelled(m, "Name")!;
    typeInto(name, "Ada");
    const e = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    name.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true);
    await m.settle();
    expect(m.sent.find((b) => b.fn_index === 2)).toMatchObject({ data: ["Ada"], trigger_id: BOX });
  });

  it("outputs and update objects change values and props", async () => {
    const m = render(config, () => ({
      data: [{ __type__: "update", value: "done", label: "Outcome", lines: 3 }],
    }));
    m.runner.applyOutputs(dep(98, [0, "x"], [], [DROP, NUM, CHECK, BOX]), [
      { __type__: "update", choices: [["Tiny", "t"]], value: "t" },
      { __type__: "update", maximum: 5, value: 4 },
      true,
      { __type__: "update", visible: false },
    ]);
    m.store.flush();
    flushSync();
    const model = labelled(m, "Model") as HTMLSelectElement;
    expect([...model.options].map((o) => o.textContent)).toEqual(["Tiny"]);
    expect((labelled(m, "Count") as HTMLInputElement).max).toBe("5");
    expect((labelled(m, "Count") as HTMLInputElement).value).toBe("4");
    expect((labelled(m, "Loud") as HTMLInputElement).checked).toBe(true);
    expect(labelled(m, "Name")).toBeNull();

    m.$("button.btn.primary").click();
    await m.settle();
    const out = labelled(m, "Outcome") as HTMLTextAreaElement;
    expect(out.value).toBe("done");
    expect(out.rows).toBe(3);
  });

  it("an interactive:false update disables a field", () => {
    const m = render(config);
    m.runner.applyOutputs(dep(97, [0, "x"], [], [RADIO, GO]), [{ __type__: "update", interactive: false }, { __type__: "update", interactive: false }]);
    m.store.flush();
    flushSync();
    expect((m.$$('input[type="radio"]') as HTMLInputElement[]).every((r) => r.disabled)).toBe(true);
    expect((m.$("button.btn.primary") as HTMLButtonElement).disabled).toBe(true);
  });
});

// ---------------------------------------------------------------- button

describe("button", () => {
  it("a primary button with an icon fires click (save_history's New chat)", async () => {
    const config = appConfig(
      [{ id: 9, type: "button", props: { value: '__i18n__{"__type__": "translation_metadata", "key": "chat_interface.new_chat"}', variant: "primary", size: "md", icon: { path: "/x/plus.svg", url: "http://h/gradio_api/file=/x/plus.svg", meta: { _type: "gradio.FileData" } }, visible: true, interactive: true } }],
      { id: 9 },
      [dep(29, [9, "click"], [], [])],
    );
    const m = render(config);
    const btn = m.$("button.btn");
    expect(btn.className).toContain("primary");
    expect(btn.textContent?.trim()).toBe("New chat");
    expect(btn.querySelector("img")?.getAttribute("src")).toBe("http://h/gradio_api/file=/x/plus.svg");
    btn.click();
    await m.settle();
    expect(m.sent).toEqual([expect.objectContaining({ fn_index: 29, trigger_id: 9, data: [] })]);
  });
});

// ---------------------------------------------------------------- dataset

describe("dataset (examples table)", () => {
  const DS = 11, BOX = 12, SLIDE = 13;
  function datasetConfig(props: Record<string, any>) {
    return appConfig(
      [
        { id: 60, type: "column", props: {} },
        { id: DS, type: "dataset", props: { components: [{ name: "textbox" }, { name: "slider" }], component_props: [{}, {}], headers: ["Message", "Tokens"], samples: [["hello", 10], ["bonjour", 20], ["hola", 30]], type: "index", samples_per_page: 10, visible: true, ...props } },
        { id: BOX, type: "textbox", props: { label: "Message", value: "" } },
        { id: SLIDE, type: "slider", props: { minimum: 0, maximum: 100, value: 0, label: "Tokens" } },
      ],
      { id: 60, children: [{ id: BOX }, { id: SLIDE }, { id: DS }] },
      [dep(0, [DS, "click"], [DS], [BOX, SLIDE]), dep(1, [DS, "select"], [DS], [], { collects_event_data: true })],
    );
  }

  it("renders a table with headers; a click sends the index and the outputs fill the inputs", async () => {
    const m = render(datasetConfig({}), (body) => (body.fn_index === 0 ? { data: [["hello", "bonjour", "hola"][body.data[0]], [10, 20, 30][body.data[0]]] } : { data: [] }));
    expect(m.$$("th").map((th) => th.textContent)).toEqual(["Message", "Tokens"]);
    const rows = m.$$("tr.sample-row");
    expect(rows.map((r) => r.textContent)).toEqual(["hello10", "bonjour20", "hola30"]);
    expect(m.$(".dataset").textContent).toContain("Examples");

    rows[1].click();
    await m.settle();
    expect(m.store.getValue(DS)).toBe(1);
    expect(m.sent.find((b) => b.fn_index === 0)).toMatchObject({ data: [1], trigger_id: DS });
    expect(m.sent.find((b) => b.fn_index === 1)).toMatchObject({ data: [1], event_data: { index: 1, value: ["bonjour", 20] } });
    expect((labelled(m, "Message") as HTMLTextAreaElement).value).toBe("bonjour");
    expect((m.$('input[type="range"]') as HTMLInputElement).value).toBe("20");
    expect(m.$("tr.sample-row.selected").textContent).toBe("bonjour20");
  });

  it("rows are reachable by keyboard: Enter and Space choose", async () => {
    const m = render(datasetConfig({}));
    const rows = m.$$("tr.sample-row");
    expect(rows.every((r) => r.tabIndex === 0)).toBe(true);
    rows[2].dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await m.settle();
    rows[0].dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true, cancelable: true }));
    await m.settle();
    expect(m.sent.filter((b) => b.fn_index === 0).map((b) => b.data)).toEqual([[2], [0]]);
  });

  it("pages by samples_per_page; indices stay global", async () => {
    const m = render(datasetConfig({ samples_per_page: 2 }));
    expect(m.$$("tr.sample-row")).toHaveLength(2);
    const pages = m.$$(".pages button");
    expect(pages.map((p) => p.textContent)).toEqual(["1", "2"]);
    expect(pages[0].getAttribute("aria-current")).toBe("page");
    pages[1].click();
    flushSync();
    const rows = m.$$("tr.sample-row");
    expect(rows.map((r) => r.textContent)).toEqual(["hola30"]);
    rows[0].click();
    await m.settle();
    expect(m.sent.find((b) => b.fn_index === 0)).toMatchObject({ data: [2] });
  });

  it("one column shows a gallery of buttons; sample_labels replace the values", async () => {
    const m = render(datasetConfig({ components: ["textbox"], headers: [], samples: [["Python"], ["JavaScript"]], sample_labels: null, label: "Pick one" }));
    const cards = m.$$("button.sample");
    expect(cards.map((c) => c.textContent?.trim())).toEqual(["Python", "JavaScript"]);
    expect(m.$(".dataset").textContent).toContain("Pick one");
    cards[1].click();
    await m.settle();
    expect(m.sent.find((b) => b.fn_index === 0)).toMatchObject({ data: [1] });
    m.store.updateProps(DS, { sample_labels: ["Py", "JS"] });
    m.store.flush();
    flushSync();
    expect(m.$$("button.sample").map((c) => c.textContent?.trim())).toEqual(["Py", "JS"]);
  });

  it("save_history's list: empty placeholder row hidden, filled by an update, hidden with visible=false", () => {
    const m = render(datasetConfig({ components: [{ name: "textbox" }], headers: [], samples: [[]], layout: "table", show_label: false }));
    expect(m.$$("tr.sample-row")).toHaveLength(0);
    expect(m.$(".dataset").textContent).not.toContain("Examples");
    m.runner.applyOutputs(dep(31, [0, "x"], [], [DS]), [{ __type__: "update", samples: [["How are you?"], ["Tell me a joke"]] }]);
    m.store.flush();
    flushSync();
    expect(m.$$("tr.sample-row").map((r) => r.textContent)).toEqual(["How are you?", "Tell me a joke"]);
    m.runner.applyOutputs(dep(31, [0, "x"], [], [DS]), [{ __type__: "update", visible: false }]);
    m.store.flush();
    flushSync();
    expect(m.$(".dataset")).toBeNull();
  });

  it("shows choices by their label and booleans as marks", () => {
    const m = render(
      datasetConfig({
        components: ["dropdown", "checkbox"],
        component_props: [{ choices: [["Large model", "l"]] }, {}],
        headers: ["Model", "Loud"],
        samples: [["l", true]],
      }),
    );
    expect(m.$$("tr.sample-row td").map((td) => td.textContent)).toEqual(["Large model", "✓"]);
  });
});

// ---------------------------------------------------------------- helpers

describe("field helpers", () => {
  it("reads choices as pairs or plain values", () => {
    expect(choicePairs([["A", 1], ["B", "b"]])).toEqual([{ label: "A", value: 1 }, { label: "B", value: "b" }]);
    expect(choicePairs(["x", 2])).toEqual([{ label: "x", value: "x" }, { label: "2", value: 2 }]);
    expect(choicePairs(null)).toEqual([]);
  });

  it("decides interactivity like Gradio when `interactive` is not set", () => {
    const deps = [dep(0, [1, "click"], [1], [2]), dep(1, [3, "click"], [], [3])];
    expect(isInteractive(deps, 1, {}, "v")).toBe(true); // an input
    expect(isInteractive(deps, 2, {}, "v")).toBe(false); // only an output
    expect(isInteractive(deps, 4, {}, null)).toBe(true); // unused and empty
    expect(isInteractive(deps, 4, {}, "preset")).toBe(false);
    expect(isInteractive(deps, 2, { interactive: true }, "v")).toBe(true);
    expect(isInteractive(deps, 1, { interactive: false }, "v")).toBe(false);
  });

  it("rounds, snaps to the step grid without float noise", () => {
    expect(roundTo(7.26, 1)).toBe(7.3);
    expect(roundTo(7.5, 0)).toBe(8);
    expect(roundTo(7.26, null)).toBe(7.26);
    expect(snap(10.3000001, 10, 0.1)).toBe(10.3);
    expect(snap(0.7, 0, 0.25)).toBe(0.75);
  });
});
