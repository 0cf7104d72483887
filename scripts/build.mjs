// `npm run build` (and `prepare`, which `npm link` and `npm ci` run): compile into a fresh folder beside
// dist/ and swap it in at the end, so a test run or a CLI started from this checkout meanwhile keeps
// finding a whole dist/ instead of a half-deleted one.
import { execFileSync } from "node:child_process";
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const next = join(root, `.dist-build-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
const dist = join(root, "dist");
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });

try {
  run(bin("tsc"), ["-p", "tsconfig.build.json", "--outDir", next]);
  run(process.execPath, ["scripts/tool-schemas.mjs"], { LETTA_BUILD_DIR: next });
  run(bin("rolldown"), ["-c", "rolldown.config.mjs"], { LETTA_BUILD_DIR: next });
  // The real program's --help, rendered once (to a pipe: 80 columns): bin/letta-code.js prints it
  // without loading the bundle, so --help costs what --version does.
  const main = join(next, "bundle", "main.cjs");
  const help = execFileSync(process.execPath, ["-e", `require(${JSON.stringify(main)}).main(["--help"]);`], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  writeFileSync(join(next, "help.txt"), help);
} catch (err) {
  rmSync(next, { recursive: true, force: true });
  process.exitCode = typeof err.status === "number" ? err.status : 1;
  process.exit();
}
// Two renames: dist/ is missing only between them, not for the whole build.
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
// After the swap: V8's code cache remembers the folder it was compiled in (bin/compile-cache.js).
try {
  run(process.execPath, ["scripts/train-compile-cache.mjs"]);
} catch {
  // Said by the script; the CLI then compiles from source.
}
