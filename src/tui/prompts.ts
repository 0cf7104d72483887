/** User-message prompts the TUI sends on the user's behalf (/init, /remember). */

const INIT_PROMPT = `Study this repository so you can work in it well in future sessions, then record what you learned in your \`project\` core memory block.

1. Read the README (and CONTRIBUTING / AGENTS / CLAUDE files if present).
2. Read the manifests and build files (package.json, tsconfig, pyproject.toml, requirements*.txt, Cargo.toml, go.mod, Makefile, Dockerfile, CI workflows…) to learn the language, frameworks, scripts and dependencies.
3. List the top-level layout and the main source and test folders; open one or two central files to see the code style.
4. Find the exact commands to install, build, run, lint and test (and how to run a single test).

Then write the \`project\` block with your core memory tools (memory_rethink to write it whole, or core_memory_replace / core_memory_append to amend it). Keep it short and factual, one fact per line:
- what the project is, in one line
- language, frameworks, package manager
- layout: the folders that matter and what they hold
- commands: install, build, test (all and single), lint, run
- conventions worth following (style, naming, commit habits), and any gotchas you noticed

Stay within the block's character limit; put longer notes in archival memory. Do not modify any project files. Finish with a two-line summary of what you stored.`;

/**
 * /init: the instruction files are already in the agent's system prompt, so it is told which ones
 * to study first and not to copy them into memory (they are read afresh every step anyway).
 */
export function initPrompt(instructionFiles: string[]): string {
  if (instructionFiles.length === 0) return INIT_PROMPT;
  return (
    `${INIT_PROMPT}\n\nThis project's instruction files are already in your system prompt (${instructionFiles.join(", ")}): ` +
    `study them first and follow them, but do not copy them into memory (you read them every step); record only what they leave out.`
  );
}

export function rememberPrompt(text: string): string {
  return `Please remember this: ${text}

Store it in your memory now: a lasting fact or preference about me or this project goes in the right core memory block (human or project); anything longer or more situational goes in archival memory. Then confirm in one line what you stored and where.`;
}
