import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../src/config/config.js";
import { tempDir } from "../helpers/temp.js";

function project(config?: unknown) {
  const root = tempDir("letta-cfg-");
  mkdirSync(join(root, ".letta"));
  if (config !== undefined) writeFileSync(join(root, ".letta", "config.json"), JSON.stringify(config));
  return { projectRoot: root, env: { HOME: root } };
}

describe("reflection config", () => {
  it("defaults to auto every 3 turns with a 200k daily cap; layers merge key by key", () => {
    expect(resolveConfig(project()).reflection).toEqual({ mode: "auto", everyTurns: 3, dailyTokenCap: 200000 });
    const p = project({ reflection: { everyTurns: 5, model: "small-model" } });
    expect(resolveConfig({ ...p, flags: { reflection: { mode: "manual" } } }).reflection).toEqual({
      mode: "manual",
      everyTurns: 5,
      model: "small-model",
      dailyTokenCap: 200000,
    });
  });

  it.each([
    [{ reflection: "on" }, /"reflection" must be an object/],
    [{ reflection: { mode: "always" } }, /reflection\.mode must be one of auto, manual, off/],
    [{ reflection: { everyTurns: 0 } }, /reflection\.everyTurns must be a whole number of at least 1/],
    [{ reflection: { dailyTokenCap: -1 } }, /reflection\.dailyTokenCap must be a whole number of at least 0/],
    [{ reflection: { model: "" } }, /reflection\.model must be a model name/],
  ])("%j is a ConfigError naming the key", (config, message) => {
    const p = project(config);
    expect(() => resolveConfig(p)).toThrow(ConfigError);
    expect(() => resolveConfig(p)).toThrow(message);
  });
});
