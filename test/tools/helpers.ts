import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Block, CoreMemory, MemoryAccess } from "../../src/memory/access.js";
import { ToolError, type Tool, type ToolContext, type ToolResult } from "../../src/tools/types.js";

/** A fresh project directory; removed by the returned cleanup. */
export function tempProject(files: Record<string, string | Buffer> = {}): { root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "letta-tools-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return { root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Core memory kept in a Map: enough for update_plan; the real one is memory/agent-memory.ts. */
export function fakeMemory(): MemoryAccess & { blocks: Map<string, Block> } {
  const blocks = new Map<string, Block>();
  const need = (label: string) => {
    const b = blocks.get(label);
    if (!b) throw new Error(`no block ${label}`);
    return b;
  };
  const put = (b: Block) => (blocks.set(b.label, b), b);
  const core: CoreMemory = {
    list: () => [...blocks.values()],
    get: (label) => blocks.get(label),
    append: (label, content) => put({ ...need(label), value: need(label).value + "\n" + content }),
    replace: (label, o, n) => put({ ...need(label), value: need(label).value.replace(o, () => n) }),
    rethink: (label, v) => put({ ...need(label), value: v }),
    set: (label, value, opts) =>
      put({
        label,
        value,
        limit: opts?.limit ?? blocks.get(label)?.limit ?? 5000,
        description: opts?.description ?? blocks.get(label)?.description ?? "",
        readOnly: opts?.readOnly ?? false,
        updatedAt: new Date().toISOString(),
      }),
    remove: (label) => blocks.delete(label),
  };
  const unsupported = () => {
    throw new Error("not part of this fake");
  };
  return {
    blocks,
    core,
    archival: { insert: unsupported, search: unsupported, list: unsupported, delete: unsupported, count: () => 0 },
    recall: { search: unsupported, add: unsupported, count: () => 0 },
  };
}

export function makeCtx(root: string, over: Partial<ToolContext> = {}): ToolContext {
  return {
    projectRoot: root,
    agentId: "agent-test",
    signal: new AbortController().signal,
    memory: fakeMemory(),
    shell: { sandbox: false, allowUnsandboxed: true },
    ...over,
  };
}

export type CallResult = ToolResult & { error?: string };

/** Validate like the runner does, run, and turn a ToolError into `error` (other throws fail the test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call(tool: Tool<any>, args: unknown, ctx: ToolContext): Promise<CallResult> {
  const parsed = tool.parameters.parse(args);
  try {
    return await tool.run(parsed, ctx);
  } catch (e) {
    if (e instanceof ToolError) return { content: e.message, isError: true, error: e.message };
    throw e;
  }
}
