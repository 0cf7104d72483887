import { findProjectRoot } from "../config/project.js";
import { discoverSubagents, type SubagentDefinition } from "../agents/definitions.js";
import { isTrusted } from "../trust/record.js";
import { EXIT } from "./headless.js";

/** What a definition's tools come to, in words: its list, or the parent's. */
export function toolsText(d: SubagentDefinition): string {
  const memory = d.memory === "write" ? "" : d.memory === "read" ? ", memory read-only" : ", no memory";
  return d.tools ? `${d.tools.join(", ") || "(none)"}` : `the parent's tools${memory}`;
}

export function listAgents(json: boolean): number {
  const root = findProjectRoot();
  const trusted = isTrusted(root);
  const { agents, warnings } = discoverSubagents(root, { trusted });
  // Malformed files go to stderr with their path and line, so `--json | jq` keeps working.
  for (const w of warnings) process.stderr.write(`letta-code: ${w}\n`);
  if (json) {
    const rows = agents.map((a) => ({
      name: a.name,
      description: a.description,
      scope: a.scope,
      tools: a.tools ?? null,
      model: a.model ?? "inherit",
      memory: a.memory,
      path: a.file ?? null,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const w = Math.max(...agents.map((a) => a.name.length)) + 2;
  for (const a of agents) {
    process.stdout.write(`${a.name.padEnd(w)}${a.description}\n`);
    process.stdout.write(`${" ".repeat(w)}${a.scope} · tools: ${toolsText(a)} · memory: ${a.memory}${a.model ? ` · model: ${a.model}` : ""}${a.file ? ` · ${a.file}` : ""}\n`);
  }
  if (!trusted) process.stdout.write(`\nThis project is not trusted: its .letta/agents and .claude/agents are not used (letta-code trust).\n`);
  return EXIT.ok;
}
