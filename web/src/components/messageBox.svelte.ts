// What the chat's two message boxes (Textbox, MultimodalTextbox) do with their textarea: it
// grows with its text, takes the caret back when the box is usable again, and autofocus.
import { onMount, tick } from "svelte";
import { fitTextarea } from "./fields";

export interface MessageBoxTextarea {
  textarea: () => HTMLTextAreaElement | undefined;
  text: () => string;
  minRows: () => number;
  maxRows: () => number;
  disabled: () => boolean;
  autofocus: () => boolean;
}

/** Call while the component is being set up (it registers effects). */
export function manageMessageTextarea(box: MessageBoxTextarea): void {
  $effect(() => {
    void box.text();
    const min = box.minRows();
    const max = box.maxRows();
    tick().then(() => fitTextarea(box.textarea(), min, max));
  });

  // Give the caret back when the box becomes usable again, unless the user went elsewhere.
  let wasDisabled = false;
  $effect(() => {
    const d = box.disabled();
    if (wasDisabled && !d) {
      tick().then(() => {
        const active = document.activeElement;
        if (!active || active === document.body) box.textarea()?.focus();
      });
    }
    wasDisabled = d;
  });

  onMount(() => {
    if (box.autofocus()) box.textarea()?.focus();
  });
}
