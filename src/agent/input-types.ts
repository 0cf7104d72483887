/** A file or resource attached to a user message (`@path`, `@server:uri`), as the faces list it. */
export interface Attachment {
  path: string;
  bytes: number;
  truncated: boolean;
}

/** What a user's input became before the model sees it: the session layer's one expansion for every face. */
export interface ExpandedInput {
  /** The message stored and sent to the model. */
  text: string;
  /** Files and resources appended to it. */
  attachments: Attachment[];
  /** For the user: what was not done and why (an untrusted command's snippets, an unreadable resource). */
  notices: string[];
  /** `/name` when the input ran a custom command or a skill. */
  command?: { kind: "command" | "skill"; name: string };
  /** The command's allow rules, for this turn only. */
  allowTools?: string[];
  /** The command's model, for this turn only. */
  model?: string;
}
