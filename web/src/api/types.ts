// Wire types of the Gradio 6.x protocol (protocol.md §3, §5), as far as the chat page uses them.
// Everything the server may add beyond these fields is tolerated and ignored.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ComponentConfig {
  id: number;
  type: string;
  props: Record<string, any>;
  skip_api?: boolean;
}

export interface LayoutNode {
  id: number;
  children?: LayoutNode[];
}

export type EventTarget = [number | null, string];

export interface Dependency {
  id: number;
  targets: EventTarget[];
  inputs: number[];
  outputs: number[];
  backend_fn: boolean;
  js?: string | boolean | null;
  queue: boolean | null;
  api_name?: string | false;
  show_progress?: "full" | "minimal" | "hidden";
  show_progress_on?: number[] | null;
  cancels: number[];
  types: { generator: boolean; cancel: boolean };
  collects_event_data?: boolean;
  trigger_after: number | null;
  trigger_only_on_success: boolean;
  trigger_only_on_failure?: boolean;
  trigger_mode?: "once" | "multiple" | "always_last";
  connection?: "sse" | "stream";
}

export interface AppConfig {
  version?: string;
  api_prefix?: string;
  mode?: string;
  components: ComponentConfig[];
  dependencies: Dependency[];
  layout: LayoutNode;
  title?: string;
  fill_height?: boolean;
  fill_width?: boolean;
  root?: string;
  protocol?: string;
  connect_heartbeat?: boolean;
  enable_queue?: boolean;
  body_css?: Record<string, string>;
  /** Largest file the server takes, in bytes (null: no limit). */
  max_file_size?: number | null;
  /** Footer entries: "api", "gradio", "settings", "runs". */
  footer_links?: string[];
  /** Developer translations: { "<lang>": { "<key>": "<text>" } }. */
  i18n_translations?: Record<string, Record<string, string>> | null;
}

/** The `output` object of run/predict and of process_generating / process_completed. */
export interface Output {
  data?: any[];
  is_generating?: boolean;
  duration?: number;
  average_duration?: number;
  changed_state_ids?: number[];
  render_config?: unknown;
  // Error payload fields (success:false).
  error?: string | null;
  title?: string | null;
  visible?: boolean;
}

export type QueueMessage =
  | { msg: "estimation"; event_id: string | null; rank: number | null; queue_size: number | null; rank_eta: number | null }
  | { msg: "process_starts"; event_id: string | null; eta: number | null }
  | { msg: "progress"; event_id: string | null; progress_data: unknown }
  | {
      msg: "log";
      event_id: string | null;
      log: string;
      level: "info" | "warning" | "success" | "error";
      duration: number | null;
      visible: boolean;
      title?: string | null;
    }
  | { msg: "process_generating" | "process_streaming"; event_id: string | null; output: Output; success: boolean }
  | { msg: "process_completed"; event_id: string | null; output: Output; success: boolean; title?: string | null }
  | { msg: "heartbeat"; event_id: null }
  | { msg: "close_stream"; event_id: null }
  | { msg: "unexpected_error"; event_id: string | null; message: string; session_not_found?: boolean; success: false };

/** One edit of the generator diff format: [action, path, value]. */
export type DiffEdit = ["replace" | "append" | "add" | "delete", (string | number)[], any];

// ---- Chatbot value (post-processed message list) ----

export interface FileData {
  path?: string;
  url?: string | null;
  size?: number | null;
  orig_name?: string | null;
  mime_type?: string | null;
  is_stream?: boolean;
  meta?: { _type?: string };
}

export interface TextPart {
  type: "text";
  text: string;
}
export interface FilePart {
  type: "file";
  file: FileData;
  alt_text?: string | null;
}
export interface ComponentPart {
  type: "component";
  component: string;
  value?: unknown;
  constructor_args?: Record<string, unknown>;
  props?: Record<string, unknown>;
  alt_text?: string | null;
}
export type ContentPart = TextPart | FilePart | ComponentPart;

export interface MessageMetadata {
  title?: string | null;
  id?: string | number | null;
  parent_id?: string | number | null;
  log?: string | null;
  duration?: number | null;
  status?: "pending" | "done" | null;
}

export interface ChatOption {
  value: string;
  label?: string | null;
}

export interface ChatMessage {
  role: "user" | "assistant" | "system" | string;
  metadata?: MessageMetadata | null;
  content: ContentPart[] | string;
  options?: ChatOption[] | null;
}

export interface ChatExample {
  text?: string;
  display_text?: string | null;
  icon?: FileData | string | null;
  files?: FileData[];
}
