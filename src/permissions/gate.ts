import type { ModeGate, PermissionMode } from "./types.js";
import type { Tool } from "../tools/types.js";
import { decide, suggestRule } from "./policy.js";

/**
 * A session's permission state: the mode (Shift+Tab changes it), the configured rules, and
 * rules the user added with "don't ask again" (kept in the user's own project record, never in the project).
 */
export class PermissionGateImpl implements ModeGate {
  mode: PermissionMode;
  readonly allow: string[];
  readonly deny: string[];
  private projectRoot: string;
  private persist?: (rule: string) => void;

  constructor(opts: { mode: PermissionMode; allow: string[]; deny: string[]; projectRoot: string; persist?: (rule: string) => void }) {
    this.mode = opts.mode;
    this.allow = [...opts.allow];
    this.deny = [...opts.deny];
    this.projectRoot = opts.projectRoot;
    this.persist = opts.persist;
  }

  decide(tool: Tool, args: unknown) {
    return decide({ tool, args, mode: this.mode, allow: this.allow, deny: this.deny, projectRoot: this.projectRoot });
  }

  suggestRule(tool: Tool, args: unknown): string {
    return suggestRule(tool, args);
  }

  remember(rule: string): void {
    if (!this.allow.includes(rule)) this.allow.push(rule);
    this.persist?.(rule);
  }
}
