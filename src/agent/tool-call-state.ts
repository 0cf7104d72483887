import type { AgentEvent, ToolCallState } from "./events.js";
import type { ApprovalQuestion } from "./approval.js";

/**
 * One tool call's state, each variant holding what is known at that point: the question while it
 * waits, whether it runs outside the sandbox, why it failed. The runner moves a call only through
 * `ToolCallLifecycle.to`, so the `tool_update` stream can only show a legal path.
 */
export type ToolCallPhase =
  | { state: "validating" }
  | { state: "awaiting_approval"; question: ApprovalQuestion }
  | { state: "running"; unsandboxed: boolean }
  | { state: "done" }
  /** `expected`: a failure the model can act on (bad arguments, missing file), not a crash. */
  | { state: "error"; expected: boolean }
  /** Refused by a rule, a hook, a run nobody can answer, or the user. */
  | { state: "denied"; by: DeniedBy }
  | { state: "cancelled" };

export type DeniedBy = "rule" | "hook" | "headless" | "user";

/*
 * running -> awaiting_approval is the escalation: the sandbox stopped the command and the user is
 * asked whether it may run again outside it.
 */
const NEXT: { readonly [S in ToolCallState]: readonly ToolCallState[] } = {
  validating: ["awaiting_approval", "running", "error", "denied", "cancelled"],
  awaiting_approval: ["running", "denied", "cancelled"],
  running: ["awaiting_approval", "done", "error", "denied", "cancelled"],
  done: [],
  error: [],
  denied: [],
  cancelled: [],
};

export function canMove(from: ToolCallState, to: ToolCallState): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(state: ToolCallState): boolean {
  return NEXT[state].length === 0;
}

export class IllegalToolTransition extends Error {
  constructor(from: ToolCallState, to: ToolCallState) {
    super(`tool call cannot move from ${from} to ${to}`);
    this.name = "IllegalToolTransition";
  }
}

/** A call's current phase; every move is announced as a `tool_update`, starting with `validating`. */
export class ToolCallLifecycle {
  private current: ToolCallPhase = { state: "validating" };

  constructor(
    private call: { id: string; name: string },
    private emit: (e: AgentEvent) => void,
  ) {
    this.announce();
  }

  get phase(): ToolCallPhase {
    return this.current;
  }

  to(next: ToolCallPhase): void {
    // A wrong move is a bug in the runner, never a user's or a model's doing: fail loudly.
    if (!canMove(this.current.state, next.state)) throw new IllegalToolTransition(this.current.state, next.state);
    this.current = next;
    this.announce();
  }

  private announce(): void {
    const p = this.current;
    this.emit({
      type: "tool_update",
      id: this.call.id,
      name: this.call.name,
      state: p.state,
      ...(p.state === "error" ? { expected: p.expected } : {}),
    });
  }
}
