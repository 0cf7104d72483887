// Build step: write the tools' JSON Schemas (converted from their zod schemas) to
// dist/tool-schemas.json, so start-up reads them instead of converting 13 schemas (~25 ms) on every run.
import { writeFileSync } from "node:fs";
import { memoryTools } from "../dist/tools/memory.js";
import { codingTools } from "../dist/tools/index.js";
import { computeSchema } from "../dist/tools/registry.js";
import { createLoadSkillTool } from "../dist/extensions/load-skill-tool.js";

const tools = [...memoryTools, ...codingTools, createLoadSkillTool(() => [])];
const schemas = Object.fromEntries(tools.map((t) => [t.name, computeSchema(t)]));
writeFileSync(new URL("../dist/tool-schemas.json", import.meta.url), `${JSON.stringify(schemas)}\n`);
