import type { CheckpointSettings } from "./types.js";

export const DEFAULT_CHECKPOINT_SETTINGS: CheckpointSettings = {
  maxAgeDays: 30,
  maxBytes: 512 * 1024 * 1024,
  maxFileBytes: 5 * 1024 * 1024,
};

const positive = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * `checkpoints: { maxAgeDays, maxSizeMB, maxFileMB }` sections in precedence order (the resolver
 * passes the user's, the project's and the local one's), then LETTA_CODE_CHECKPOINT_MAX_AGE_DAYS /
 * _MAX_MB. Only local storage limits, so a project's own config may set them without trust. A
 * malformed value falls back to the default.
 */
export function checkpointSettings(sections: readonly unknown[], env: NodeJS.ProcessEnv = process.env): CheckpointSettings {
  const s = { ...DEFAULT_CHECKPOINT_SETTINGS };
  const apply = (o: Record<string, unknown> | undefined) => {
    if (!o || typeof o !== "object") return;
    s.maxAgeDays = positive(o.maxAgeDays) ?? s.maxAgeDays;
    const mb = positive(o.maxSizeMB);
    if (mb) s.maxBytes = mb * 1024 * 1024;
    const fileMb = positive(o.maxFileMB);
    if (fileMb) s.maxFileBytes = fileMb * 1024 * 1024;
  };
  for (const section of sections) apply(section as Record<string, unknown> | undefined);
  apply({ maxAgeDays: env.LETTA_CODE_CHECKPOINT_MAX_AGE_DAYS, maxSizeMB: env.LETTA_CODE_CHECKPOINT_MAX_MB });
  return s;
}
