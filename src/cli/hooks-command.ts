import type { Command } from "commander";

/**
 * `letta-code hooks ...`: see every hook and where it runs, decide on a project's hook set (so
 * headless runs can use it), and bring hooks over from Claude Code. Actions load only when one runs.
 */
export function attachHooksCommand(program: Command, setCode: (code: number) => void): void {
  const hooks = program.command("hooks").description("list hooks and where each runs, approve or deny a project's hooks, import Claude Code's");
  const run =
    <A extends unknown[]>(fn: (actions: typeof import("./hooks-actions.js"), ...args: A) => number | Promise<number>) =>
    async (...args: A) => {
      const actions = await import("./hooks-actions.js");
      try {
        setCode(await fn(actions, ...args));
      } catch (err) {
        process.stderr.write(`letta-code: ${(err as Error).message}\n`);
        setCode((err as Error).name === "ConfigError" ? 2 : 1);
      }
    };
  hooks
    .command("list")
    .description("every hook with its scope, where it runs, and whether the project's set is approved")
    .option("--json", "as JSON")
    .action(run((a, o: { json?: boolean }) => a.hooksList(o)));
  hooks
    .command("approve")
    .description("let this project's hooks (the exact set shown) run, also in headless runs; asked again when they change")
    .action(run((a) => a.hooksDecide("approved")));
  hooks
    .command("deny")
    .description("never run this project's hooks (until they change)")
    .action(run((a) => a.hooksDecide("denied")));
  hooks
    .command("import")
    .description("copy hooks from Claude Code: ~/.claude/settings.json into your config, .claude/settings.json into .letta/config.json (asks first)")
    .option("--from-claude", "read Claude Code's settings files (the only source there is)")
    .option("-y, --yes", "import the project's hooks into .letta/config.json without asking")
    .action(run((a, o: { fromClaude?: boolean; yes?: boolean }) => a.hooksImport(o)));
}
