import type { Project } from "../agent/open-project.js";
import { contextWindowFor } from "../llm/context-windows.js";
import type { AgentRow } from "../store/agents.js";
import type { AnyTool } from "../tools/index.js";
import { notFound } from "./errors.js";
import type { ServedModel } from "./letta-shapes.js";
import type { Turns } from "./turns.js";

/** What every route works with: the project, the served sessions, and what the server was started with. */
export interface ServeContext {
  project: Project;
  turns: Turns;
  /** The tools a served agent has (memory, and what the permission mode allows). */
  tools: AnyTool[];
}

export function agentOr404(ctx: ServeContext, id: string): AgentRow {
  const row = ctx.project.store.agents.get(id);
  if (!row) throw notFound(`agent ${id}`);
  return row;
}

export function servedModel(ctx: ServeContext, row: AgentRow): ServedModel {
  const c = ctx.project.config;
  const model = c.model ?? row.settings.model ?? "(no model configured)";
  return { model, baseURL: c.baseURL, contextWindow: contextWindowFor(model, c.contextWindow) };
}
