import type { Command } from "commander";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `letta-code mcp ...`: manage MCP servers (list, add, remove, get, approve, deny).
 * The actions (and through them the MCP SDK) are imported only when one runs.
 */
export function attachMcpCommand(program: Command, setCode: (code: number) => void): void {
  const mcp = program.command("mcp").description("manage MCP servers: list, add, remove, get, approve or deny project servers");
  const run =
    <A extends unknown[]>(fn: (actions: typeof import("../mcp/cli-actions.js"), ...args: A) => number | Promise<number>) =>
    async (...args: A) => {
      const actions = await import("../mcp/cli-actions.js");
      try {
        setCode(await fn(actions, ...args));
      } catch (err) {
        process.stderr.write(`letta-code: ${(err as Error).message}\n`);
        setCode((err as Error).name === "ConfigError" ? 2 : 1);
      }
    };
  mcp
    .command("list")
    .description("each server with its scope, transport, status and tool count (connects to them)")
    .option("--json", "as JSON")
    .action(run((a, o: { json?: boolean }) => a.mcpList(o)));
  mcp
    .command("add <name> [command...]")
    .description("add a server: mcp add <name> -- <command> [args...], or mcp add <name> --url <url>")
    .option("--scope <scope>", "user (~/.config/letta-code/config.json) or project (.mcp.json)", "user")
    .option("--url <url>", "an HTTP server (Streamable HTTP, falling back to SSE)")
    .option("--transport <kind>", "http or sse, with --url")
    .option("--header <K:V>", "an HTTP header, with --url (repeatable)", collect)
    .option("-e, --env <K=V>", "an environment variable for a stdio server (repeatable)", collect)
    .action(run((a, name: string, command: string[], o) => a.mcpAdd(name, command, o)));
  mcp
    .command("remove <name>")
    .description("remove a server from the user or project config")
    .option("--scope <scope>", "user or project, when both have it")
    .action(run((a, name: string, o: { scope?: string }) => a.mcpRemove(name, o)));
  mcp
    .command("get <name>")
    .description("a server's config, approval, status and tools")
    .action(run((a, name: string) => a.mcpGet(name)));
  mcp
    .command("approve <name>")
    .description("let a project server (.mcp.json, .letta/config.json) start, also in headless runs")
    .action(run((a, name: string) => a.mcpDecide(name, "approved")));
  mcp
    .command("deny <name>")
    .description("never start this project server (until its config changes)")
    .action(run((a, name: string) => a.mcpDecide(name, "denied")));
}
