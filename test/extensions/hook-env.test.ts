import { afterEach, describe, expect, it } from "vitest";
import { hookEnv } from "../../src/extensions/hook-process.js";

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe("the environment a hook starts with", () => {
  it("a user's hook gets the user's whole environment; a project's hook gets what run_shell's commands get", () => {
    Object.assign(process.env, { GITHUB_TOKEN: "ghp_secret", AWS_SECRET_ACCESS_KEY: "aws", OPENAI_API_KEY: "sk-x", SOME_SETTING: "kept" });
    const shell = { sandbox: true, allowUnsandboxed: false };
    expect(hookEnv("user", shell)).toMatchObject({ GITHUB_TOKEN: "ghp_secret", SOME_SETTING: "kept" });
    const project = hookEnv("project", shell);
    expect(project.SOME_SETTING).toBe("kept");
    for (const secret of ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY"]) expect(project[secret]).toBeUndefined();
    // The user's policy decides for project hooks too.
    expect(hookEnv("project", { ...shell, environment: { inherit: "core", ignore_default_excludes: false, exclude: [], set: {}, include_only: [] } }).SOME_SETTING).toBeUndefined();
  });
});
