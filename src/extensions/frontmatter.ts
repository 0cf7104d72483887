/**
 * The small YAML subset that command and skill frontmatter uses in practice: `key: value`
 * scalars (plain or quoted), inline lists `[a, b]`, block lists (`- a`) and folded/literal
 * blocks (`>` / `|`). Anything else is reported, so a malformed file is named, not guessed at.
 */
export type FrontValue = string | string[];

export interface ParsedMarkdown {
  data: Record<string, FrontValue>;
  body: string;
}

export class FrontmatterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrontmatterError";
  }
}

function unquote(v: string, line: number): string {
  const s = v.trim();
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) {
    if (s.startsWith('"')) {
      try {
        return JSON.parse(s) as string;
      } catch {
        throw new FrontmatterError(`line ${line}: bad double-quoted string ${s}`);
      }
    }
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (/^["']/.test(s)) throw new FrontmatterError(`line ${line}: unterminated quoted string ${s}`);
  // A plain scalar ends before a comment.
  return s.replace(/\s+#.*$/, "");
}

export function parseFrontmatter(text: string): ParsedMarkdown {
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (!src.startsWith("---\n") && src !== "---") return { data: {}, body: src };
  const end = src.indexOf("\n---", 3);
  if (end === -1) throw new FrontmatterError("the frontmatter opened with --- is never closed with ---");
  const after = src.indexOf("\n", end + 4);
  const body = after === -1 ? "" : src.slice(after + 1);
  const lines = src.slice(4, end + 1).split("\n");
  const data: Record<string, FrontValue> = {};
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trimStart().startsWith("#")) continue;
    const m = /^([A-Za-z0-9_-]+)\s*:(.*)$/.exec(raw);
    if (!m) throw new FrontmatterError(`line ${i + 2}: expected "key: value", got "${raw.trim()}"`);
    const key = m[1]!;
    const rest = m[2]!.trim();
    if (rest === "" || rest === "|" || rest === ">" || rest === "|-" || rest === ">-") {
      // Indented continuation: a block list or a block scalar.
      const block: string[] = [];
      while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1]!) || lines[i + 1]!.trim() === "")) block.push(lines[++i]!);
      const items = block.filter((l) => l.trim());
      if (rest === "" && items.length && items.every((l) => /^\s*-\s/.test(l))) {
        data[key] = items.map((l) => unquote(l.replace(/^\s*-\s/, ""), i + 2));
      } else if (rest === "" && items.length === 0) {
        data[key] = "";
      } else {
        const folded = rest.startsWith(">") || rest === "";
        data[key] = items.map((l) => l.trim()).join(folded ? " " : "\n");
      }
      continue;
    }
    if (rest.startsWith("[")) {
      if (!rest.endsWith("]")) throw new FrontmatterError(`line ${i + 2}: the list for "${key}" is not closed with ]`);
      data[key] = rest
        .slice(1, -1)
        .split(",")
        .map((s) => unquote(s, i + 2))
        .filter(Boolean);
      continue;
    }
    data[key] = unquote(rest, i + 2);
  }
  return { data, body };
}

/** A frontmatter field as one string (lists joined), or undefined. */
export function fieldString(data: Record<string, FrontValue>, key: string): string | undefined {
  const v = data[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(", ") : v;
}

/** A frontmatter field as a list: `allowed-tools: Bash(git add:*), Read` or a YAML list. */
export function fieldList(data: Record<string, FrontValue>, key: string): string[] {
  const v = data[key];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  // Commas inside parentheses belong to the rule.
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of v) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
