import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run build beside a running test", () => {
  it("dist/ stays whole while it rebuilds (built aside, then swapped in)", async () => {
    const entry = `${root}/dist/bundle/main.cjs`;
    expect(existsSync(entry)).toBe(true);
    const child = spawn("npm", ["run", "--silent", "build"], { cwd: root, stdio: "ignore" });
    let checks = 0;
    let missing = 0;
    const done = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const poll = setInterval(() => {
      checks++;
      if (!existsSync(entry)) missing++;
    }, 10);
    const code = await done;
    clearInterval(poll);
    expect(code).toBe(0);
    expect(checks).toBeGreaterThan(20);
    expect(missing).toBe(0);
    expect(existsSync(entry)).toBe(true);
  }, 120_000);
});
