import { editFileTool, readFileTool, writeFileTool } from "./files.js";
import { updatePlanTool } from "./plan.js";
import { grepTool, listFilesTool } from "./search.js";
import { runShellTool } from "./shell.js";
import type { Tool } from "./types.js";

export { editFileTool, readFileTool, writeFileTool } from "./files.js";
export { updatePlanTool } from "./plan.js";
export { grepTool, listFilesTool } from "./search.js";
export { runShellTool } from "./shell.js";

/**
 * A tool of any parameter schema. `Tool<S>` is contravariant in S through preview/ruleSubject, so a
 * list of different tools needs the erased form; arguments are validated against `parameters` first.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any>;

/** The coding tools (files, search, shell, plan). Memory tools live in ./memory.ts. */
export const codingTools: AnyTool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  listFilesTool,
  grepTool,
  runShellTool,
  updatePlanTool,
];
