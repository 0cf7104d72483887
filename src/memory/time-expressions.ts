/**
 * Relative dates in a question ("yesterday", "last Tuesday", "3 days ago", "in March",
 * "before we switched to NATS") resolved against the current date, so recall search can filter by
 * date when the model passed none. Days are the user's local calendar days.
 */

export interface ResolvedTime {
  /** The query with the time phrase taken out (it would only add noise to word matching). */
  query: string;
  /** Inclusive ISO bounds, when the phrase names a period. */
  from?: string;
  to?: string;
  /** "before/after <event>": the event is found by searching for `text`, then bounds the dates. */
  anchor?: { direction: "before" | "after"; text: string };
  /** A vague "recently" / "lately": prefer newer results without excluding older ones. */
  recent?: boolean;
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_RE = `(${MONTHS.join("|")}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)`;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const WEEKDAY_RE = `(${WEEKDAYS.join("|")})`;
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10 };

const monthIndex = (m: string) => MONTHS.findIndex((x) => x.startsWith(m.toLowerCase().slice(0, 3)));
const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const endOf = (d: Date) => new Date(d.getTime() - 1);
const toNumber = (s: string) => NUMBER_WORDS[s.toLowerCase()] ?? Number(s);

/** Most recent date with this month/day that is not after `now` (a question looks back). */
function pastDate(now: Date, month: number, day: number): Date {
  const d = new Date(now.getFullYear(), month, day);
  return d > now ? new Date(now.getFullYear() - 1, month, day) : d;
}

function pastMonth(now: Date, month: number): Date {
  return month > now.getMonth() ? new Date(now.getFullYear() - 1, month, 1) : new Date(now.getFullYear(), month, 1);
}

type Rule = [RegExp, (m: RegExpMatchArray, now: Date, today: Date) => [Date, Date] | null];

// Each returns [start, endExclusive). Longer phrases come first so "last week" is not read as "week".
const RULES: Rule[] = [
  [/\b(?:earlier )?today\b/, (_m, _n, t) => [t, addDays(t, 1)]],
  [/\b(?:yesterday|last night)\b/, (_m, _n, t) => [addDays(t, -1), t]],
  [/\b(?:the )?day before yesterday\b/, (_m, _n, t) => [addDays(t, -2), addDays(t, -1)]],
  [/\b(\d+|a|an|one|two|three|four|five|six|seven|ten) days? ago\b/, (m, _n, t) => {
    const d = addDays(t, -toNumber(m[1]));
    return [d, addDays(d, 1)];
  }],
  [/\b(\d+|a|an|one|two|three|four|five|six|seven|ten) weeks? ago\b/, (m, _n, t) => {
    const d = addDays(t, -7 * toNumber(m[1]));
    return [addDays(d, -3), addDays(d, 4)];
  }],
  [/\b(?:in |during )?the last (\d+|two|three|four|five|six|seven|ten) days\b/, (m, _n, t) => [addDays(t, -toNumber(m[1])), addDays(t, 1)]],
  [/\b(?:in |during )?(?:the )?(?:last|past|previous) week\b/, (_m, _n, t) => {
    const monday = addDays(t, -((t.getDay() + 6) % 7));
    return [addDays(monday, -7), monday];
  }],
  [/\b(?:earlier )?this week\b/, (_m, _n, t) => [addDays(t, -((t.getDay() + 6) % 7)), addDays(t, 1)]],
  [/\b(?:in |during )?(?:the )?(?:last|past|previous) month\b/, (_m, _n, t) => [new Date(t.getFullYear(), t.getMonth() - 1, 1), new Date(t.getFullYear(), t.getMonth(), 1)]],
  [/\b(?:earlier )?this month\b/, (_m, _n, t) => [new Date(t.getFullYear(), t.getMonth(), 1), addDays(t, 1)]],
  [new RegExp(`\\b(?:on )?(?:last |this past |this )?${WEEKDAY_RE}\\b`), (m, _n, t) => {
    // The most recent such weekday before today: "on Tuesday" and "last Tuesday" both look back.
    const back = ((t.getDay() - WEEKDAYS.indexOf(m[1]) + 7) % 7) || 7;
    const d = addDays(t, -back);
    return [d, addDays(d, 1)];
  }],
  [new RegExp(`\\b(?:in |during )?the (first|second|third|last) week of ${MONTH_RE}\\b`), (m, now) => {
    const start = pastMonth(now, monthIndex(m[2]));
    const which = ["first", "second", "third"].indexOf(m[1]);
    if (which >= 0) return [addDays(start, 7 * which), addDays(start, 7 * which + 7)];
    const next = new Date(start.getFullYear(), start.getMonth() + 1, 1);
    return [addDays(next, -7), next];
  }],
  [new RegExp(`\\b(?:on )?${MONTH_RE}\\.? (\\d{1,2})(?:st|nd|rd|th)?\\b`), (m, now) => {
    const d = pastDate(now, monthIndex(m[1]), Number(m[2]));
    return [d, addDays(d, 1)];
  }],
  [new RegExp(`\\b(?:on )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)? (?:of )?${MONTH_RE}\\b`), (m, now) => {
    const d = pastDate(now, monthIndex(m[2]), Number(m[1]));
    return [d, addDays(d, 1)];
  }],
  [/\b(?:on )?(\d{4})-(\d{2})-(\d{2})\b/, (m) => {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return [d, addDays(d, 1)];
  }],
  [new RegExp(`\\b(?:in|during|back in) ${MONTH_RE}\\b`), (m, now) => {
    const start = pastMonth(now, monthIndex(m[1]));
    return [start, new Date(start.getFullYear(), start.getMonth() + 1, 1)];
  }],
];

const PRESENT_ONLY = /^(?:today|this week|this month)$/;
const PAST = /\b(?:did|was|were|had|earlier|tried|said|asked|told|discussed|talked|fixed|changed|decided|made|wrote|ran)\b/;
const ANCHOR = /\b(before|after|since|until|prior to)\s+(?:we\s+|i\s+|you\s+)?(.{3,80}?)\s*[?.!]*$/;
const VAGUE = /\b(?:recently|lately|the other day|a while ago|latest)\b/;

/**
 * Every phrase the rules above read holds one of these as a whole word, or a four-digit year. Most
 * questions hold none: checking first spares them ~15 regular expressions, whose first use in a new
 * process costs milliseconds (each is compiled then).
 */
const TIME_WORDS = new Set([
  ...MONTHS, "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", ...WEEKDAYS,
  "today", "yesterday", "night", "day", "days", "week", "weeks", "month", "ago",
  "before", "after", "since", "until", "prior", "recently", "lately", "while", "latest",
]);

/** Splits on what `\b` splits on, so a rule's word is always one whole piece. */
function mayNameTime(lower: string): boolean {
  for (const word of lower.split(/\W+/)) if (TIME_WORDS.has(word) || (word.length === 4 && word >= "0000" && word <= "9999")) return true;
  return false;
}

export function resolveTimeExpressions(query: string, now: Date = new Date()): ResolvedTime {
  const lower = query.toLowerCase();
  if (!mayNameTime(lower)) return { query };
  const today = dayStart(now);
  for (const [re, resolve] of RULES) {
    const m = lower.match(re);
    if (!m) continue;
    // "What do we use today" asks about the present; only a question about the past names a period.
    if (PRESENT_ONLY.test(m[0]) && !PAST.test(lower)) continue;
    const range = resolve(m, now, today);
    if (!range) continue;
    const [start, end] = range;
    return { query: cut(query, m.index!, m[0].length), from: start.toISOString(), to: endOf(end).toISOString() };
  }
  const anchor = lower.match(ANCHOR);
  if (anchor) {
    const direction = anchor[1] === "after" || anchor[1] === "since" ? "after" : "before";
    const start = anchor.index! + anchor[0].indexOf(anchor[2], anchor[1].length);
    const text = query.slice(start, start + anchor[2].length);
    return { query: cut(query, anchor.index!, anchor[0].length), anchor: { direction, text } };
  }
  const vague = lower.match(VAGUE);
  if (vague) return { query: cut(query, vague.index!, vague[0].length), recent: true };
  return { query };
}

function cut(query: string, at: number, length: number): string {
  return `${query.slice(0, at)} ${query.slice(at + length)}`.replace(/\s+/g, " ").trim();
}
