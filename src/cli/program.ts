import { Command, InvalidArgumentError, Option } from "commander";
import { PERMISSION_MODES, type PermissionMode } from "../agent/session.js";

export interface CliOptions {
  prompt?: string | boolean;
  outputFormat: "text" | "json" | "stream-json";
  inputFormat?: "text" | "stream-json";
  permissionPromptTool?: "stdio";
  model?: string;
  baseUrl?: string;
  contextWindow?: number;
  maxSteps?: number;
  new?: boolean;
  continue?: boolean;
  /** true: `--resume` without an id (the TUI shows a picker). */
  resume?: string | boolean;
  forkSession?: boolean;
  agent?: string;
  sandbox?: boolean | string;
  sandboxNetwork?: boolean;
  verbose?: boolean;
  yolo?: boolean;
  /** Claude Code's spelling of --yolo. */
  dangerouslySkipPermissions?: boolean;
  /** Codex's: edits in the workspace without asking, commands sandboxed. */
  fullAuto?: boolean;
  /** Claude Code's spelling of --verbose. */
  debug?: boolean;
  cd?: string;
  permissionMode?: PermissionMode;
  allowedTools?: string[];
  disallowedTools?: string[];
  reflect?: boolean;
  mcpConfig?: string[];
  strictMcpConfig?: boolean;
  addDir?: string[];
  systemPrompt?: string;
  appendSystemPrompt?: string;
}

export const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number.`);
  return n;
};

/** "Bash(npm test),write_file" or repeated flags -> rules; commas inside parentheses are kept. */
export function parseToolList(value: string, previous: string[] = []): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if ((ch === "," || ch === " ") && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return [...previous, ...out];
}

/** The commander program. Actions are attached by main.ts so this stays cheap to build. */
export function buildProgram(version: string): Command {
  const program = new Command("letta-code")
    .description("A terminal coding agent that never forgets: memory lives in .letta/ beside your code.")
    .version(version, "-v, --version", "print the version")
    .argument("[prompt]", "a first message: opens the chat with it (or, with -p or piped output, answers it headless)")
    .helpOption("-h, --help", "show this help")
    .option("-p, --prompt [text]", "run one turn headless and print the answer (stdin, if piped, is added)")
    .addOption(
      new Option("--output-format <format>", "headless output: text, json (one result object) or stream-json (events, one per line)")
        .choices(["text", "json", "stream-json"])
        .default("text"),
    )
    .addOption(
      new Option("--input-format <format>", "headless input: text (one prompt) or stream-json (user and control lines on stdin, one turn each)")
        .choices(["text", "stream-json"])
        .default("text"),
    )
    .addOption(
      new Option("--permission-prompt-tool <tool>", "with --input-format stream-json: stdio = approval requests are answered by control lines on stdin").choices([
        "stdio",
      ]),
    )
    .option("-m, --model <name>", "model name, e.g. gpt-4.1, qwen2.5-coder:14b (env LETTA_CODE_MODEL)")
    .option("--base-url <url>", "OpenAI-compatible endpoint (env OPENAI_BASE_URL; default https://api.openai.com/v1)")
    .option("--context-window <tokens>", "context window size in tokens (overrides the built-in table)", positiveInt("--context-window"))
    .option("--max-steps <n>", "most model steps in one turn (default 50)", positiveInt("--max-steps"))
    .option("--new", "start a fresh conversation (memory is kept)")
    .option("-c, --continue", "continue the most recent conversation (the default)")
    .option("-r, --resume [id]", "continue the conversation with this id (see `letta-code sessions`); no id in the TUI: pick one")
    .option("--fork-session", "with --resume/--continue: continue in a new conversation that starts with a copy of that one")
    .option("--agent <name>", "which of the project's agents to use (created if missing; default: the project's first agent)")
    .addOption(
      new Option(
        "--sandbox [mode]",
        "shell commands in bubblewrap (read-only system, writable project, read-only .git/.letta, no network): " +
          "auto (default: sandboxed where bubblewrap works, said once where not), on (refuse where it cannot), off",
      ).choices(["auto", "on", "off", "prefer"]),
    )
    .option("--sandbox-network", "let sandboxed commands reach the network")
    .option("--verbose", "progress and diagnostics on stderr, even when it is not a terminal")
    .option("--debug", "same as --verbose")
    .option("-C, --cd <dir>", "run in this directory (the project is found from there)")
    .option("--yolo", "allow every tool call without asking (same as --permission-mode yolo)")
    .option("--dangerously-skip-permissions", "same as --yolo")
    .option("--full-auto", "edit files without asking, commands in the sandbox (--permission-mode accept-edits --sandbox on)")
    .addOption(
      new Option("--permission-mode <mode>", "ask | accept-edits | yolo | read-only").choices(PERMISSION_MODES),
    )
    .option("--allowed-tools <rules>", 'allow rules, e.g. "write_file,run_shell(npm test)" (repeatable)', parseToolList)
    .option("--disallowed-tools <rules>", 'deny rules, e.g. "run_shell(git push)" (repeatable)', parseToolList)
    .option("--reflect", "headless: after the answer, distil the conversation into memory before exiting (usage reported apart)")
    .option("--mcp-config <file|json>", 'MCP servers from a file or inline JSON ({"mcpServers": {...}}; repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option("--strict-mcp-config", "use only the --mcp-config servers (ignore user and project ones)")
    .option("--add-dir <dir>", "another folder the agent may read and write, confined like the project (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .option("--system-prompt <text>", "use this instead of letta-code's own instructions (memory, tools and instruction files stay)")
    .option("--append-system-prompt <text>", "add this to the end of the system prompt")
    .showHelpAfterError("(run letta-code --help for usage)")
    .allowExcessArguments(false);
  program.addHelpText(
    "after",
    `
Examples:
  letta-code                                   interactive session in this project
  letta-code "fix the failing test"            interactive session that starts with this message
  letta-code -p "where is the retry logic?"    one answer, printed to stdout
  cat err.log | letta-code -p "why does this fail?" --output-format json | jq .result
  letta-code memory show                       what the agent remembers (no model needed)
  letta-code reflect                           distil recent conversations into memory now
  letta-code sessions                          the conversations; letta-code -r <id> continues one
  letta-code agents                            the subagents the task tool can start here
  letta-code rewind --list                     the turns of this conversation; rewind <turn-id> undoes one

Exit codes: 0 success, 1 the run failed, 2 bad usage or no model configured, 130 interrupted.`,
  );
  return program;
}
