import { describe, expect, it } from "vitest";
import { z } from "zod";
import { codingTools } from "../../src/tools/index.js";

describe("codingTools", () => {
  it("exposes the public tool names and kinds", () => {
    expect(Object.fromEntries(codingTools.map((t) => [t.name, t.kind]))).toEqual({
      read_file: "read",
      write_file: "write",
      edit_file: "write",
      list_files: "read",
      grep: "read",
      run_shell: "exec",
      update_plan: "memory",
    });
  });

  it("keeps the public parameter names", () => {
    const props = (name: string) => {
      const schema = z.toJSONSchema(codingTools.find((t) => t.name === name)!.parameters) as {
        properties: Record<string, unknown>;
        required?: string[];
      };
      return { props: Object.keys(schema.properties).sort(), required: (schema.required ?? []).sort() };
    };
    expect(props("read_file")).toEqual({ props: ["limit", "offset", "path"], required: ["path"] });
    expect(props("write_file")).toEqual({ props: ["content", "path"], required: ["content", "path"] });
    expect(props("edit_file")).toEqual({ props: ["new_string", "old_string", "path", "replace_all"], required: ["new_string", "old_string", "path"] });
    expect(props("list_files")).toEqual({ props: ["path", "pattern"], required: [] });
    expect(props("grep")).toEqual({ props: ["glob", "ignore_case", "path", "pattern"], required: ["pattern"] });
    expect(props("run_shell")).toEqual({ props: ["command", "timeout_ms"], required: ["command"] });
    expect(props("update_plan")).toEqual({ props: ["steps"], required: ["steps"] });
  });

  it("gives write and exec tools a rule subject and a preview", () => {
    for (const t of codingTools.filter((t) => t.kind === "write" || t.kind === "exec")) {
      expect(t.preview, t.name).toBeTypeOf("function");
      expect(t.ruleSubject, t.name).toBeTypeOf("function");
      expect(t.description.length).toBeGreaterThan(20);
    }
  });
});
