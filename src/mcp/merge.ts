import { crypto } from "../lazy-builtins.js";
import type { McpScope, McpServerConfig, ServerEntries } from "./config.js";

export type ApprovalDecision = "approved" | "denied";

/** What the user decided for one project server, and for which exact config (a changed command asks again). */
export interface Approval {
  decision: ApprovalDecision;
  fingerprint: string;
}

export interface PlannedServer {
  name: string;
  scope: McpScope;
  config: McpServerConfig;
  fingerprint: string;
}

export interface SkippedServer {
  name: string;
  scope: McpScope;
  reason: string;
  /** A project server nobody has decided on yet: the TUI asks about these. */
  needsApproval?: PlannedServer;
}

export interface MergeInput {
  userServers: ServerEntries;
  projectServers: ServerEntries;
  flagServers: ServerEntries;
  /** --strict-mcp-config: only the flag's servers. */
  strict: boolean;
  /** The project's servers were admitted as a whole (the resolver's trust rule): each starts unless denied. */
  trusted: boolean;
  approvals: Record<string, Approval>;
}

export interface MergeResult {
  start: PlannedServer[];
  skipped: SkippedServer[];
}

/** Stable across key order, so re-saving a file does not void an approval. */
export function fingerprint(config: McpServerConfig): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
        : v;
  return crypto().createHash("sha256").update(JSON.stringify(canon(config))).digest("hex").slice(0, 16);
}

/**
 * Which servers start, in precedence user < project < flag (a later scope replaces an earlier
 * server of the same name). Project files come from the repository, so their servers run only when
 * the project is trusted or the user approved that very server; an unapproved project server never
 * shadows the user's own server of the same name.
 */
export function mergeServers(input: MergeInput): MergeResult {
  const chosen = new Map<string, PlannedServer>();
  const skipped: SkippedServer[] = [];
  const scopes: [McpScope, ServerEntries][] = [
    ["user", input.userServers],
    ["project", input.projectServers],
    ["flag", input.flagServers],
  ];
  for (const [scope, entries] of scopes) {
    for (const [name, entry] of Object.entries(entries)) {
      if (input.strict && scope !== "flag") {
        skipped.push({ name, scope, reason: "--strict-mcp-config: only --mcp-config servers run" });
        continue;
      }
      if ("invalid" in entry) {
        skipped.push({ name, scope, reason: entry.invalid });
        continue;
      }
      const planned: PlannedServer = { name, scope, config: entry, fingerprint: fingerprint(entry) };
      if (scope === "project") {
        const verdict = projectVerdict(planned, input);
        if (verdict) {
          skipped.push(verdict);
          continue;
        }
      }
      const replaced = chosen.get(name);
      if (replaced) skipped.push({ name, scope: replaced.scope, reason: `replaced by the ${scope} server of the same name` });
      chosen.set(name, planned);
    }
  }
  return { start: [...chosen.values()], skipped };
}

function projectVerdict(s: PlannedServer, input: MergeInput): SkippedServer | undefined {
  const a = input.approvals[s.name];
  const current = a && a.fingerprint === s.fingerprint ? a : undefined;
  if (current?.decision === "denied") return { name: s.name, scope: s.scope, reason: "project server you denied" };
  if (current?.decision === "approved" || input.trusted) return undefined;
  const why = a
    ? "project server changed since you decided on it; approve it again"
    : "project server not approved yet";
  return {
    name: s.name,
    scope: s.scope,
    reason: `${why} (run \`letta-code mcp approve ${s.name}\` or answer the prompt in the interactive session)`,
    needsApproval: s,
  };
}
