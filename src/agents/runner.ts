import type { AgentEvent, ApprovalRequest, Usage } from "../agent/events.js";
import type { Approver } from "../agent/session.js";
import { ContextManager } from "../agent/context.js";
import { runTurn, type TurnHooks } from "../agent/loop.js";
import { subagentSection, SUBAGENT_DONT_ASK, SUBAGENT_NO_ANSWER, SUBAGENT_TOOL_REFUSED } from "../agent/prompts.js";
import type { ModelClient } from "../llm/types.js";
import type { MemoryAccess } from "../memory/access.js";
import type { ModeGate, PermissionGate, PermissionMode } from "../permissions/types.js";
import { decide } from "../permissions/policy.js";
import { newId } from "../store/agents.js";
import type { Store } from "../store/store.js";
import { ToolRegistry } from "../tools/registry.js";
import type { CheckpointHooks, Tool, ToolContext, ToolSource } from "../tools/types.js";
import type { SubagentDefinition, SubagentMemory } from "./definitions.js";
import { TASK_TOOL } from "./tool-names.js";

/** Memory tools that only read: what a subagent with `memory: read` may use. */
const MEMORY_READERS = new Set(["archival_memory_search", "conversation_search"]);

export const editsMemory = (tool: Tool) => tool.kind === "memory" && !MEMORY_READERS.has(tool.name);

/** Which of the parent's tools a subagent gets: exactly its list, or the parent's (minus `task`) as its memory access allows. */
export function subagentAllows(def: SubagentDefinition): (tool: Tool) => boolean {
  const own = ownTools(def);
  const denied = new Set(def.disallowedTools ?? []);
  return (tool) => own(tool) && !denied.has(tool.name);
}

function ownTools(def: SubagentDefinition): (tool: Tool) => boolean {
  const memoryOk = (memory: SubagentMemory, tool: Tool) =>
    tool.kind !== "memory" || (memory === "write" ? true : memory === "read" ? !editsMemory(tool) : false);
  if (!def.tools) return (tool) => tool.name !== TASK_TOOL && memoryOk(def.memory, tool);
  const listed = new Set(def.tools);
  return (tool) => tool.name !== TASK_TOOL && listed.has(tool.name) && memoryOk(def.memory, tool);
}

/** What a subagent borrows from the session that starts it. */
export interface SubagentHost {
  store: Store;
  agentId: string;
  /** The parent's conversation: the subagent's run is stored as a conversation linked to it. */
  conversationId: string;
  projectRoot: string;
  memory: MemoryAccess;
  /** The parent's model now, and a client for another model id. */
  model(): ModelClient;
  createModel(model: string): ModelClient;
  contextWindow(model: string): number;
  /** The parent's built-in tools and its late tools (MCP); the task tool is not among them (depth 1). */
  tools: readonly Tool[];
  toolSource?: ToolSource;
  /** The parent's gate: a subagent never gets more than the parent's mode and rules. */
  gate: ModeGate;
  toolContext: Omit<ToolContext, "signal" | "onOutput" | "memory" | "call" | "checkpoint">;
  hooks?: TurnHooks["tool"];
  maxSteps: number;
}

export interface SubagentRun {
  answer: string;
  conversationId: string;
  reason: Extract<AgentEvent, { type: "done" }>["reason"];
  usage: Usage;
}

const RANK = { allow: 0, ask: 1, deny: 2 } as const;

/**
 * The parent's gate, narrowed: a tool outside the subagent's set is refused, and a stricter mode of its
 * own (`permissionMode`) is applied over the parent's: the stricter of the two decisions wins, so a
 * definition can only take rights away.
 */
function narrowedGate(parent: ModeGate, def: SubagentDefinition, allows: (t: Tool) => boolean, projectRoot: string): PermissionGate {
  return {
    decide(tool, args) {
      if (!allows(tool)) return { action: "deny", reason: SUBAGENT_TOOL_REFUSED(def.name, tool.name) };
      const theirs = parent.decide(tool, args);
      const mode = def.permissionMode;
      if (!mode || theirs.action === "deny") return theirs;
      const asMode: PermissionMode = mode === "dont-ask" ? "ask" : mode;
      let own = decide({ tool, args, mode: asMode, allow: [...parent.allow], deny: [...parent.deny], projectRoot });
      if (mode === "dont-ask" && own.action === "ask") own = { ...own, action: "deny", reason: SUBAGENT_DONT_ASK(def.name, own.reason) };
      return RANK[own.action] > RANK[theirs.action] ? own : theirs;
    },
    suggestRule: (tool, args) => parent.suggestRule(tool, args),
    remember: (rule) => parent.remember(rule),
  };
}

/** The events the parent's stream shows of a subagent's run. */
const NESTED = new Set(["assistant_message", "tool_call", "tool_update", "tool_output", "tool_result", "notice", "error", "done"]);

/**
 * One subagent run: a fresh child conversation of the same agent in the store (so recall finds it and
 * `sessions show` opens it), the definition's prompt as the system prompt with the project's memory
 * as `memory` allows, only its tools, the parent's gate narrowed to them. Its events reach the parent
 * nested under `parentCallId`; its approval questions go to the parent's approver, labelled.
 */
export async function runSubagent(
  host: SubagentHost,
  def: SubagentDefinition,
  prompt: string,
  run: {
    parentCallId: string;
    signal: AbortSignal;
    emit: (e: AgentEvent) => void;
    approve?: Approver;
    /** Runs one question at a time among sibling subagents. */
    oneAtATime?: <T>(ask: () => Promise<T>) => Promise<T>;
    turnAllows?: (tool: Tool, args: unknown) => boolean;
    checkpoint?: CheckpointHooks;
  },
): Promise<SubagentRun> {
  const conversationId = newId("conv");
  const allows = subagentAllows(def);
  const registry = new ToolRegistry(host.tools.filter(allows));
  const source = host.toolSource;
  const toolSource: ToolSource | undefined = source && {
    ready: (signal) => source.ready(signal),
    tools: () => source.tools().filter(allows),
    servers: () => source.servers(),
  };
  const model = def.model ? host.createModel(def.model) : host.model();
  const contextWindow = host.contextWindow(model.model);
  const context = new ContextManager({
    store: host.store,
    agentId: host.agentId,
    blocks: () => (def.memory === "none" ? [] : host.memory.core.list()),
    ...(def.memory === "none" ? { memory: false as const } : {}),
    conversationId: () => conversationId,
    tools: () => registry.schemas,
    contextWindow: () => contextWindow,
    model: () => model,
    basePrompt: () => [def.prompt, subagentSection(def.name, def.memory)].filter(Boolean).join("\n\n"),
  });
  const label = { agent: def.name, parent_tool_use_id: run.parentCallId };
  // A subagent's call ids are its model's: prefixed, they cannot clash with the parent's (or a sibling's) in a face.
  const outerId = (id: string) => `${run.parentCallId}/${id}`;
  const emit = (e: AgentEvent) => {
    // Its approval_request is announced by `approve` below, when its turn to ask comes.
    if (e.type === "approval_result") run.emit({ ...e, id: outerId(e.id), ...label });
    else if (NESTED.has(e.type)) run.emit({ type: "subagent", ...label, conversationId, event: e as never });
  };
  const serial = run.oneAtATime ?? (<T>(ask: () => Promise<T>) => ask());
  const parentApprove = run.approve;
  const approve: Approver | undefined =
    parentApprove &&
    ((request: ApprovalRequest) =>
      serial(() => {
        // A question whose run was interrupted while it waited is never put to the user.
        if (run.signal.aborted) return Promise.resolve({ decision: "no" as const, reason: "interrupted" });
        const asked = { ...request, id: outerId(request.id), ...label };
        run.emit(asked);
        return parentApprove(asked);
      }));
  host.store.subagentRuns.record(host.agentId, { conversationId, parentConversationId: host.conversationId, parentToolCallId: run.parentCallId, subagent: def.name });
  let result: SubagentRun = { answer: "", conversationId, reason: "error", usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
  await runTurn(
    {
      store: host.store,
      agentId: host.agentId,
      conversationId,
      model,
      context,
      registry,
      toolSource,
      gate: narrowedGate(host.gate, def, allows, host.projectRoot),
      toolContext: { ...host.toolContext, memory: host.memory },
      maxSteps: Math.min(host.maxSteps, def.maxSteps ?? host.maxSteps),
      contextWindow,
      hooks: host.hooks ? { tool: host.hooks } : undefined,
      turnAllows: run.turnAllows,
      beginTurn: () => run.checkpoint,
    },
    prompt,
    { signal: run.signal, approve },
    (e) => {
      if (e.type === "done") result = { answer: e.result || (e.reason === "answer" ? SUBAGENT_NO_ANSWER : e.result), conversationId, reason: e.reason, usage: e.usage };
      emit(e);
    },
  );
  return result;
}
