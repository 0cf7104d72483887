// Build step: write the tools' JSON Schemas (converted from their zod schemas) to
// dist/tool-schemas.json, so start-up reads them instead of converting 13 schemas (~25 ms) on every run.
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

const tools = [...memoryTools, ...codingTools, createLoadSkillTool(() => [])];
const schemas = Object.fromEntries(tools.map((t) => [t.name, computeSchema(t)]));
writeFileSync(join(out, "tool-schemas.json"), `${JSON.stringify(schemas)}\n`);
