import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../config/atomic-write.js";
import { join, resolve } from "node:path";
import type { Project } from "../agent/open-project.js";
import type { MemoryAccess, Passage } from "../memory/access.js";
import { MemoryFileError, parseMemoryExport, renderAgentsMd, writtenByUs } from "../memory/transfer.js";
import { EXIT } from "./headless.js";

type Say = (s: string) => void;

function allPassages(mem: MemoryAccess, tags?: string[]): Passage[] {
  const passages: Passage[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = mem.archival.list({ limit: 500, offset, tags });
    passages.push(...page);
    if (page.length < 500) break;
  }
  return passages;
}

/** `memory export --agents-md [PATH]`: never replaces a file it did not write unless forced. */
export function exportAgentsMd(project: Project, mem: MemoryAccess, path: string | undefined, force: boolean, out: Say, fail: Say): number {
  const target = path ? resolve(path) : join(project.root, "AGENTS.md");
  if (existsSync(target) && !force) {
    let ours = false;
    try {
      ours = writtenByUs(readFileSync(target, "utf8"));
    } catch {
      // unreadable (a directory, no permission): not ours either
    }
    if (!ours) {
      fail(`${target} exists and was not written by letta-code; it was not overwritten. Use --force to replace it, or give another path.`);
      return EXIT.failed;
    }
  }
  const conventions = allPassages(mem, ["convention"]).reverse();
  const text = renderAgentsMd(mem.core.get("project")?.value ?? "", conventions);
  try {
    writeFileAtomic(target, text);
  } catch (err) {
    fail(`could not write ${target}: ${(err as Error).message}`);
    return EXIT.failed;
  }
  out(`wrote ${target} (the project block and ${conventions.length} convention passage${conventions.length === 1 ? "" : "s"})`);
  return EXIT.ok;
}

/** `memory export`: everything as JSON, the format `memory import` reads back. */
export function exportJson(agent: { id: string; name: string }, mem: MemoryAccess): string {
  return JSON.stringify({ agent: { id: agent.id, name: agent.name }, blocks: mem.core.list(), passages: allPassages(mem) }, null, 2);
}

/**
 * `memory import FILE`: the whole file is validated first and written in one transaction, so a
 * bad file changes nothing. Passages already stored (same text) are skipped; equal blocks too.
 */
export function importMemory(project: Project, agentId: string, mem: MemoryAccess, file: string, out: Say, fail: Say): number {
  let data;
  try {
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    data = parseMemoryExport(text, file === "-" ? "stdin" : file);
  } catch (err) {
    fail(err instanceof MemoryFileError ? err.message : `cannot read ${file}: ${(err as Error).message}`);
    return EXIT.usage;
  }
  const changed = data.blocks.filter((b) => {
    const cur = mem.core.get(b.label);
    return !cur || cur.value !== b.value || cur.limit !== b.limit || cur.description !== b.description || cur.readOnly !== b.readOnly;
  });
  let added = 0;
  let skipped = 0;
  project.store.transaction(() => {
    for (const b of changed) mem.core.set(b.label, b.value, { limit: b.limit, description: b.description, readOnly: b.readOnly });
    // Oldest first, so the imported passages keep their order (ids ascend with age).
    for (const p of [...data.passages].reverse()) {
      const tags = [...new Set(p.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
      // No embedding yet: archival search embeds passages stored without one before it searches.
      const r = project.store.passages.insert(agentId, { text: p.text, tags, createdAt: p.createdAt });
      if (r.duplicate) skipped++;
      else added++;
    }
  });
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  out(`${n(added, "passage")} added, ${skipped} skipped as duplicates, ${n(changed.length, "block")} updated`);
  return EXIT.ok;
}
