import { InvalidArgumentError, type Command } from "commander";
import { positiveInt } from "./program.js";

/**
 * `letta-code memory ...`: inspect and correct what the agent remembers, without a model.
 * Heavy modules are imported inside the actions so `--help` stays fast.
 */
export function attachMemoryCommand(program: Command, setCode: (code: number) => void): void {
  const memory = program
    .command("memory")
    .description("show, edit and export core memory; list, search, add and delete archival passages (no model needed)")
    .option("--agent <name>", "which agent (default: the project's first agent)");

  // Read-only commands open the database read-only: they work where .letta/ cannot be written.
  const run = (fn: (ctx: MemoryCtx, ...args: never[]) => Promise<number> | number, readonly = false) =>
    async (...args: unknown[]) => {
      const { openMemory } = await import("./memory-actions.js");
      // The root program also has --agent, and commander lets root options appear anywhere.
      const agent = (memory.opts().agent ?? program.opts().agent) as string | undefined;
      setCode(await openMemory(agent, (ctx) => fn(ctx, ...(args as never[])), { readonly }));
    };

  memory
    .command("show [label]")
    .description("print core memory blocks with their usage (one block with a label)")
    .option("--json", "as JSON")
    .action(run((ctx, label?: string, o?: { json?: boolean }) => ctx.show(label, !!o?.json), true));
  memory
    .command("edit <label>")
    .description("edit a core memory block in $EDITOR, or set it with --value / --file")
    .option("--value <text>", "new text of the block")
    .option("--file <path>", "read the new text from a file ('-' for stdin)")
    .option("--personal", "keep this block on this machine when the project shares memory with a team (the default for human)")
    .option("--shared", "share this block with the team (the default for every block but human)")
    .action(
      run((ctx, label: string, o: { value?: string; file?: string; personal?: boolean; shared?: boolean }) =>
        o.personal || o.shared ? ctx.scope(label, o) : ctx.edit(label, o),
      ),
    );
  memory
    .command("share <label>")
    .description("make a block follow you into every project (kept in ~/.letta), e.g. `share human`")
    .action(run((ctx, label: string) => ctx.share(label)));
  memory
    .command("unshare <label>")
    .description("stop sharing a block: its text comes back into this project only")
    .action(run((ctx, label: string) => ctx.unshare(label)));
  memory
    .command("log [label]")
    .description("memory changes, newest first: who (agent, reflection, user), what, why; ids for diff and undo")
    .option("--limit <n>", "how many", "20")
    .option("--json", "as JSON (an array of events)")
    .action(run((ctx, label: string | undefined, o: { limit: string; json?: boolean }) => ctx.log(label, o), true));
  memory
    .command("diff <event-id>")
    .description("show one memory change as a diff (an id from `memory log`, or a unique prefix)")
    .action(run((ctx, id: string) => ctx.diff(id), true));
  memory
    .command("undo <event-id>")
    .description("revert one memory change (recorded as a new event, so it can be undone too)")
    .option("--force", "revert even though the block or passage changed since")
    .action(run((ctx, id: string, o: { force?: boolean }) => ctx.undo(id, !!o.force)));
  memory
    .command("export")
    .description("print all memory (core blocks and archival passages) as JSON; --agents-md writes an AGENTS.md instead")
    .option("--agents-md [path]", "write the project block and `convention` passages as AGENTS.md (default: at the project root)")
    .option("--force", "with --agents-md: replace a file letta-code did not write")
    .action(run((ctx, o: { agentsMd?: string | true; force?: boolean }) =>
      o.agentsMd === undefined ? ctx.exportAll() : ctx.exportAgentsMd(o.agentsMd === true ? undefined : o.agentsMd, !!o.force)));
  memory
    .command("import <file>")
    .description("read back what `memory export` printed ('-' for stdin): blocks are set, passages added unless already stored")
    .action(run((ctx, file: string) => ctx.importFile(file)));
  memory
    .command("list")
    .description("list archival passages, newest first")
    .option("--tag <tag>", "only passages with this tag")
    .option("--limit <n>", "how many", positiveInt("--limit"), 20)
    .action(run((ctx, o: { tag?: string; limit: number }) => ctx.list(o), true));
  memory
    .command("search <query...>")
    .description("search archival memory (hybrid: meaning + keywords)")
    .option("--tag <tag>", "only passages with this tag")
    .option("-k, --top-k <n>", "how many results", positiveInt("--top-k"), 10)
    .action(run((ctx, query: string[], o: { tag?: string; topK: number }) => ctx.search(query.join(" "), o), true));
  memory
    .command("add <text...>")
    .description("store a passage in archival memory")
    .option("--tag <tags>", "comma-separated tags")
    .action(run((ctx, text: string[], o: { tag?: string }) => ctx.add(text.join(" "), o)));
  memory
    .command("delete")
    .description("delete archival passages by id")
    .argument("<ids...>", "passage ids as `memory list` shows them (12 or #12)", passageIds)
    .action(run((ctx, ids: number[]) => ctx.remove(ids)));
}

export interface MemoryCtx {
  show(label: string | undefined, json: boolean): number;
  edit(label: string, o: { value?: string; file?: string }): Promise<number>;
  /** --personal / --shared: the block's team scope (with --value / --file, the text is set too). */
  scope(label: string, o: { value?: string; file?: string; personal?: boolean; shared?: boolean }): Promise<number>;
  exportAll(): number;
  exportAgentsMd(path: string | undefined, force: boolean): number;
  importFile(file: string): number;
  log(label: string | undefined, o: { limit: string; json?: boolean }): number;
  diff(id: string): number;
  undo(id: string, force: boolean): Promise<number>;
  share(label: string): number;
  unshare(label: string): number;
  list(o: { tag?: string; limit: number }): number;
  search(query: string, o: { tag?: string; topK: number }): Promise<number>;
  add(text: string, o: { tag?: string }): Promise<number>;
  remove(ids: number[]): number;
}

/** Variadic parser: a malformed id is a usage error (exit 2) before anything is opened; a missing passage is not. */
function passageIds(value: string, previous: number[] = []): number[] {
  const id = Number(value.replace(/^#/, ""));
  if (!/^#?\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) {
    throw new InvalidArgumentError(`"${value}" is not a passage id; ids are whole numbers as \`memory list\` shows them (12 or #12).`);
  }
  return [...previous, id];
}
