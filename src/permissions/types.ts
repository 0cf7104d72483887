import type { Tool } from "../tools/types.js";

/*
 * The permission types, in the layer that decides permissions: the agent uses them, and nothing
 * here imports the agent.
 */

export type PermissionMode = "ask" | "accept-edits" | "yolo" | "read-only";
export const PERMISSION_MODES: PermissionMode[] = ["ask", "accept-edits", "yolo", "read-only"];

export interface PermissionGate {
  decide(tool: Tool, args: unknown): { action: "allow" | "ask" | "deny"; reason: string };
  suggestRule(tool: Tool, args: unknown): string;
  /** "Yes, and don't ask again": remember the rule for this project. */
  remember(rule: string): void;
}

/** The session's gate: its mode can change (/mode, ACP set_mode); its rules are shown. */
export interface ModeGate extends PermissionGate {
  mode: PermissionMode;
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}
