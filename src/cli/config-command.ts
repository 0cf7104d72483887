import type { Command } from "commander";
import type { ConfigLayer } from "../config/config.js";

/**
 * `letta-code config`: the resolved settings and where each came from (`list`, the default), one
 * value (`get`), or one value written to a file (`set`). Names as Codex, Gemini and Claude Code use them.
 */
export function attachConfigCommand(program: Command, flags: () => ConfigLayer, setCode: (code: number) => void): void {
  const config = program
    .command("config")
    .description("show the resolved config and where each value came from; get or set one value")
    .option("--json", "as JSON")
    .action(async (o: { json?: boolean }) => {
      const { runConfigList } = await import("./config-actions.js");
      setCode(runConfigList(flags(), o));
    });
  config
    .command("list")
    .description("every key, its value and its source (default, user/project/local config, env, flag)")
    .option("--json", "as JSON")
    .action(async (o: { json?: boolean }) => {
      const { runConfigList } = await import("./config-actions.js");
      setCode(runConfigList(flags(), { json: o.json || config.opts().json }));
    });
  config
    .command("get")
    .description("print one key's resolved value")
    .argument("<key>", "a dotted key, e.g. model, sandbox.network, reflection.mode")
    .option("--json", "the value with its source, as JSON")
    .action(async (key: string, o: { json?: boolean }) => {
      const { runConfigGet } = await import("./config-actions.js");
      setCode(runConfigGet(flags(), key, { json: o.json || config.opts().json }));
    });
  config
    .command("set")
    .description("write one key to a config file (default: your user config)")
    .argument("<key>", "a dotted key, e.g. model, sandbox.network, reflection.mode")
    .argument("<value>", "the value (numbers, true/false and on/off/auto are read as such)")
    .option("--user", "your own config, ~/.config/letta-code/config.json (the default)")
    .option("--project", "the project's .letta/config.json (committed; its elevating settings apply only once trusted)")
    .option("--local", "the project's .letta/config.local.json (this machine's)")
    .action(async (key: string, value: string, o: { user?: boolean; project?: boolean; local?: boolean }) => {
      const chosen = (["user", "project", "local"] as const).filter((s) => o[s]);
      if (chosen.length > 1) {
        process.stderr.write(`letta-code: give one of --user, --project, --local (not ${chosen.map((s) => `--${s}`).join(" and ")}).\n`);
        return setCode(2);
      }
      const { runConfigSet } = await import("./config-actions.js");
      setCode(runConfigSet(flags(), key, value, chosen[0] ?? "user"));
    });
}
