import type * as ChildProcess from "node:child_process";
import type * as Crypto from "node:crypto";
import type * as FsPromises from "node:fs/promises";
import type * as Zlib from "node:zlib";

/**
 * Node built-ins that most one-shot runs never call, fetched at the first call instead of imported at
 * start-up: loading node:child_process costs a run ~3 ms, node:crypto ~4 ms, node:fs/promises (seven modules,
 * readline among them) and node:zlib ~1 ms each (bench:start's load lists show whether a path still pulls them in).
 */
export const childProcess = (): typeof ChildProcess => process.getBuiltinModule("node:child_process") as typeof ChildProcess;
export const crypto = (): typeof Crypto => process.getBuiltinModule("node:crypto") as typeof Crypto;
export const fsPromises = (): typeof FsPromises => process.getBuiltinModule("node:fs/promises") as typeof FsPromises;
export const zlib = (): typeof Zlib => process.getBuiltinModule("node:zlib") as typeof Zlib;
