import { childProcess } from "../lazy-builtins.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NoAgentYetError, Project } from "../agent/open-project.js";
import { ConfigError } from "../config/config.js";
import { StoreError, storeFailureMessage } from "../store/db.js";
import { instructionFileLabel } from "../agent/instructions.js";
import type { MemoryCtx } from "./memory-command.js";
import { EXIT } from "./headless.js";
import { embeddingProgressPrinter } from "./progress.js";
import { exportAgentsMd, exportJson, importMemory } from "./memory-transfer.js";
import { quietNotices } from "./verbosity.js";
import { describeInsert } from "../memory/insert-report.js";
import { eventDiff, eventSubject, logLine, wantsColor } from "./history-format.js";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const fail = (s: string) => {
  process.stderr.write(`letta-code: ${s}\n`);
  return EXIT.failed;
};

export async function openMemory(
  agentName: string | undefined,
  fn: (ctx: MemoryCtx) => Promise<number> | number,
  opts: { readonly?: boolean } = {},
): Promise<number> {
  let project: Project | undefined;
  const open = (readonly: boolean) => {
    const opened = Project.open({
      readonly,
      onNotice: (m) => process.stderr.write(`letta-code: ${m}\n`),
      quietNotices: quietNotices(),
      onEmbeddingProgress: embeddingProgressPrinter(),
    });
    project = opened;
    return { opened, agent: opened.resolveAgent(agentName, false) };
  };
  try {
    let got: ReturnType<typeof open>;
    try {
      got = open(!!opts.readonly);
    } catch (err) {
      // Nothing to read yet (no database, no agent, an older schema): the first open creates and migrates it.
      const firstUse = err instanceof NoAgentYetError || (err instanceof StoreError && (err.code === "MISSING" || err.code === "OLD_SCHEMA"));
      if (!opts.readonly || !firstUse) throw err;
      project?.close();
      got = open(false);
    }
    const { opened, agent } = got;
    project = opened;
    const mem = project.memory(agent.id);
    const history = () => mem.history!;
    const ctx: MemoryCtx = {
      show(label, json) {
        const blocks = mem.core.list().filter((b) => !label || b.label === label);
        if (label && blocks.length === 0) return fail(`no block "${label}". Blocks: ${mem.core.list().map((b) => b.label).join(", ")}`);
        if (json) out(JSON.stringify(blocks, null, 2));
        else
          for (const b of blocks) {
            out(`── ${b.label} (${b.value.length}/${b.limit} chars${b.readOnly ? ", read-only" : ""}${b.shared ? ", shared across projects" : ""})`);
            out(b.value || "(empty)");
          }
        if (!label && !json) out(`── archival passages: ${mem.archival.count()} · recall messages: ${mem.recall.count()}`);
        if (!label && !json) out(instructionsFooter(project!));
        return EXIT.ok;
      },
      async edit(label, o) {
        const current = mem.core.get(label);
        let value: string;
        if (o.value !== undefined) value = o.value;
        else if (o.file !== undefined) value = readFileSync(o.file === "-" ? 0 : o.file, "utf8");
        else {
          const editor = process.env.VISUAL || process.env.EDITOR || "vi";
          const dir = mkdtempSync(join(tmpdir(), "letta-memory-"));
          const file = join(dir, `${label}.md`);
          writeFileSync(file, current?.value ?? "");
          const r = childProcess().spawnSync(editor, [file], { stdio: "inherit", shell: true });
          value = readFileSync(file, "utf8");
          rmSync(dir, { recursive: true, force: true });
          if (r.status !== 0) return fail(`${editor} exited with ${r.status}; the block was not changed.`);
        }
        value = value.replace(/\n$/, "");
        try {
          const b = mem.core.set(label, value);
          out(`saved "${label}" (${b.value.length}/${b.limit} chars)`);
          return EXIT.ok;
        } catch (err) {
          return fail((err as Error).message);
        }
      },
      async scope(label, o) {
        if (o.personal && o.shared) {
          process.stderr.write("letta-code: give one of --personal and --shared.\n");
          return EXIT.usage;
        }
        if (o.value !== undefined || o.file !== undefined) {
          const code = await ctx.edit(label, o);
          if (code !== EXIT.ok) return code;
        }
        if (mem.core.get(label)?.shared) return fail(`"${label}" is kept in ~/.letta (memory share); it is never shared with a team.`);
        const scope = o.personal ? "personal" : "shared";
        const store = project!.store;
        const block = store.blocks.get(agent.id, label);
        if (!block) return fail(`no block "${label}". Blocks: ${mem.core.list().map((b) => b.label).join(", ")}`);
        store.transaction(() => {
          const was = store.team.scopeOf(agent.id, label);
          store.team.setScope(agent.id, label, scope);
          // A block shared from now on goes out as it is, so teammates without it get it; the event
          // changes nothing here (before = after), so undoing it changes nothing either.
          if (was === "personal" && scope === "shared") {
            store.memoryEvents.record(agent.id, { actor: "user", kind: "block", op: "set", label, passage_id: null, before: block.value, after: block.value, reason: "shared with the team" });
          }
        });
        out(scope === "personal" ? `"${label}" stays on this machine (not shared with the team)` : `"${label}" is shared with the team when this project syncs`);
        return EXIT.ok;
      },
      share(label) {
        try {
          mem.core.share!(label);
          out(`"${label}" now follows you into every project (kept in ~/.letta)`);
          return EXIT.ok;
        } catch (err) {
          return fail((err as Error).message);
        }
      },
      unshare(label) {
        try {
          mem.core.unshare!(label);
          out(`"${label}" is no longer shared; this project keeps its text`);
          return EXIT.ok;
        } catch (err) {
          return fail((err as Error).message);
        }
      },
      log(label, o) {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1) {
          process.stderr.write(`letta-code: --limit wants a whole number of at least 1, not "${o.limit}"\n`);
          return EXIT.usage;
        }
        const events = history().log({ label, limit });
        if (o.json) out(JSON.stringify(events, null, 2));
        else if (events.length === 0) out(label ? `no memory changes to "${label}" yet` : "no memory changes yet");
        else for (const e of events) out(logLine(e));
        return EXIT.ok;
      },
      diff(id) {
        try {
          process.stdout.write(eventDiff(history().get(id), wantsColor()));
          return EXIT.ok;
        } catch (err) {
          return fail((err as Error).message);
        }
      },
      async undo(id, force) {
        try {
          const e = await history().undo(id, { force });
          out(`undid ${e.undoes}: ${eventSubject(e)} is back as it was (this undo is ${e.id}; \`memory undo ${e.id}\` redoes it)`);
          return EXIT.ok;
        } catch (err) {
          return fail((err as Error).message);
        }
      },
      exportAll() {
        out(exportJson(agent, mem));
        return EXIT.ok;
      },
      exportAgentsMd: (path, force) => exportAgentsMd(project!, mem, path, force, out, fail),
      importFile: (file) => importMemory(project!, agent.id, mem, file, out, fail),
      list(o) {
        const rows = mem.archival.list({ limit: o.limit, tags: o.tag ? [o.tag] : undefined });
        if (rows.length === 0) out("no archival passages");
        for (const p of rows) out(`#${p.id}  ${p.createdAt.slice(0, 10)}  ${p.tags.length ? `[${p.tags.join(", ")}] ` : ""}${oneLine(p.text)}`);
        return EXIT.ok;
      },
      async search(query, o) {
        const hits = await mem.archival.search(query, { topK: o.topK, tags: o.tag ? [o.tag] : undefined });
        if (hits.length === 0) out(`nothing matches "${query}"`);
        for (const p of hits) out(`#${p.id}  ${p.createdAt.slice(0, 10)}  ${p.tags.length ? `[${p.tags.join(", ")}] ` : ""}${oneLine(p.text)}`);
        return EXIT.ok;
      },
      async add(text, o) {
        const r = await mem.archival.insert(text, { tags: o.tag?.split(",").map((t) => t.trim()) });
        out(describeInsert(r));
        return EXIT.ok;
      },
      remove(ids) {
        let code: number = EXIT.ok;
        for (const id of ids) {
          if (!mem.archival.delete(id)) code = fail(`no passage #${id}`);
          else out(`deleted #${id}`);
        }
        return code;
      },
    };
    return await fn(ctx);
  } catch (err) {
    if (err instanceof ConfigError) {
      fail(err.message);
      return EXIT.usage;
    }
    return fail(storeFailureMessage(err, project?.store.file ?? "the project database"));
  } finally {
    project?.close();
  }
}

function instructionsFooter(project: Project): string {
  const files = project.instructionFiles().map((f) => instructionFileLabel(f, project.root));
  return `── instruction files: ${files.length ? files.join(", ") : "none (AGENTS.md, CLAUDE.md, GEMINI.md or .github/copilot-instructions.md)"}`;
}

function oneLine(s: string, max = 100): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
