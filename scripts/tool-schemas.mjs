// Build step: write the tools' JSON Schemas (converted from their zod schemas) to
// dist/tool-schemas.json, so start-up reads them instead of converting 15 schemas (~25 ms) on every run.
// scripts/build.mjs compiles into a fresh folder (LETTA_BUILD_DIR) before swapping it in as dist/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const out = process.env.LETTA_BUILD_DIR ?? new URL("../dist", import.meta.url).pathname;
const load = (rel) => import(pathToFileURL(join(out, rel)).href);
const { memoryTools } = await load("tools/memory.js");
const { codingTools } = await load("tools/index.js");
const { computeSchema } = await load("tools/registry.js");
const { createLoadSkillTool } = await load("extensions/load-skill-tool.js");
const { createTaskTool } = await load("agents/task-tool.js");

// The task tool's description lists a project's subagents; its parameters, kept here, are fixed.
const task = createTaskTool({ agents: () => [], host: () => { throw new Error("not at build time"); }, concurrency: 1 });
const tools = [...memoryTools, ...codingTools, createLoadSkillTool(() => []), task];
const schemas = Object.fromEntries(tools.map((t) => [t.name, computeSchema(t)]));
writeFileSync(join(out, "tool-schemas.json"), `${JSON.stringify(schemas)}\n`);
