import type { RelaxationStep, Requirement } from './model.js';

/**
 * Requirement expressions over skills (levels 1–9) and groups, e.g.
 * `billing>=5 AND group:swedish`, `(sales OR billing>3) AND NOT group:trainee`.
 * Keywords AND / OR / NOT are case-insensitive; an empty text means "any agent".
 */
export type ParseResult = { ok: true; requirement: Requirement } | { ok: false; problems: string[] };

type Token = { kind: 'word' | 'cmp' | 'num' | 'lparen' | 'rparen' | 'group'; text: string; pos: number };
const CMP = ['>=', '<=', '>', '<', '='] as const;
type Cmp = (typeof CMP)[number];

function tokenize(text: string, problems: string[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(') { out.push({ kind: 'lparen', text: ch, pos: i }); i++; continue; }
    if (ch === ')') { out.push({ kind: 'rparen', text: ch, pos: i }); i++; continue; }
    const cmp = CMP.find((c) => text.startsWith(c, i));
    if (cmp) { out.push({ kind: 'cmp', text: cmp, pos: i }); i += cmp.length; continue; }
    const m = /^[A-Za-z0-9_.:-]+/.exec(text.slice(i));
    if (!m) { problems.push(`unexpected character '${ch}' at ${i + 1}`); i++; continue; }
    const word = m[0];
    if (/^\d+$/.test(word)) out.push({ kind: 'num', text: word, pos: i });
    else if (/^group:/i.test(word)) out.push({ kind: 'group', text: word.slice(6), pos: i });
    else out.push({ kind: 'word', text: word, pos: i });
    i += word.length;
  }
  return out;
}

const isKw = (t: Token | undefined, kw: string) => t?.kind === 'word' && t.text.toUpperCase() === kw;

/** Parses a requirement; on failure returns every problem found, each with its position (1-based). */
export function parseRequirement(text: string): ParseResult {
  const problems: string[] = [];
  const tokens = tokenize(text, problems);
  if (tokens.length === 0) return problems.length ? { ok: false, problems } : { ok: true, requirement: { op: 'true' } };
  let p = 0;
  const at = () => (p < tokens.length ? `at ${tokens[p].pos + 1}` : 'at the end');

  const expr = (): Requirement => {
    const items = [term()];
    while (isKw(tokens[p], 'OR')) { p++; items.push(term()); }
    return items.length === 1 ? items[0] : { op: 'or', items };
  };
  const term = (): Requirement => {
    const items = [factor()];
    while (isKw(tokens[p], 'AND')) { p++; items.push(factor()); }
    return items.length === 1 ? items[0] : { op: 'and', items };
  };
  const factor = (): Requirement => {
    const t = tokens[p];
    if (!t) { problems.push('expected a skill, group, NOT or ( at the end'); return { op: 'true' }; }
    if (isKw(t, 'NOT')) { p++; return { op: 'not', item: factor() }; }
    if (t.kind === 'lparen') {
      p++;
      const inner = expr();
      if (tokens[p]?.kind === 'rparen') p++; else problems.push(`missing ')' ${at()} (opened at ${t.pos + 1})`);
      return inner;
    }
    if (t.kind === 'group') {
      p++;
      if (!t.text) problems.push(`group name missing at ${t.pos + 1}`);
      return { op: 'group', group: t.text };
    }
    if (t.kind === 'word' && !['AND', 'OR'].includes(t.text.toUpperCase())) {
      p++;
      if (tokens[p]?.kind === 'cmp') {
        const cmp = tokens[p].text as Cmp;
        p++;
        const n = tokens[p];
        if (n?.kind !== 'num') { problems.push(`expected a level 1-9 after '${t.text}${cmp}' ${at()}`); return { op: 'true' }; }
        p++;
        const level = Number(n.text);
        if (level < 1 || level > 9) problems.push(`level ${level} for '${t.text}' at ${n.pos + 1} is outside 1-9`);
        return { op: 'skill', skill: t.text, cmp, level };
      }
      return { op: 'skill', skill: t.text, cmp: '>=', level: 1 };
    }
    problems.push(`unexpected '${t.text}' ${at()}`);
    p++;
    return { op: 'true' };
  };

  const requirement = expr();
  while (p < tokens.length) { problems.push(`unexpected '${tokens[p].text}' at ${tokens[p].pos + 1}`); p++; }
  return problems.length ? { ok: false, problems } : { ok: true, requirement };
}

/** The skill and group names a requirement mentions (for validation against the area's skills). */
export function requirementNames(r: Requirement): { skills: string[]; groups: string[] } {
  const skills = new Set<string>();
  const groups = new Set<string>();
  const walk = (x: Requirement): void => {
    if (x.op === 'skill') skills.add(x.skill);
    else if (x.op === 'group') groups.add(x.group);
    else if (x.op === 'and' || x.op === 'or') x.items.forEach(walk);
    else if (x.op === 'not') walk(x.item);
  };
  walk(r);
  return { skills: [...skills], groups: [...groups] };
}

export interface SkillHolder { skills: Record<string, number>; groups: string[] }

/** Does the agent meet the requirement? Positive skill demands are lowered by `lowerBy` (min 1); `dropped` names count as met. */
export function meets(r: Requirement, a: SkillHolder, lowerBy = 0, dropped: readonly string[] = []): boolean {
  switch (r.op) {
    case 'true': return true;
    case 'group': return dropped.includes(r.group) || dropped.includes(`group:${r.group}`) || a.groups.includes(r.group);
    case 'skill': {
      if (dropped.includes(r.skill)) return true;
      const have = a.skills[r.skill] ?? 0;
      const relaxed = r.cmp === '>=' || r.cmp === '>' ? Math.max(r.cmp === '>' ? 0 : 1, r.level - lowerBy) : r.level;
      switch (r.cmp) {
        case '>=': return have >= relaxed;
        case '>': return have > relaxed;
        case '=': return have === relaxed;
        case '<=': return have <= relaxed;
        case '<': return have < relaxed;
      }
      return false;
    }
    case 'and': return r.items.every((x) => meets(x, a, lowerBy, dropped));
    case 'or': return r.items.some((x) => meets(x, a, lowerBy, dropped));
    case 'not': return !meets(r.item, a, 0, []);
  }
}

/** Relaxation level reached after `waitedMs` in the queue: 0 = none, k = the first k steps apply. */
export function relaxationLevel(steps: readonly RelaxationStep[], waitedMs: number): number {
  let k = 0;
  for (const s of steps) if (waitedMs >= s.afterSeconds * 1000) k++;
  return k;
}

/** Meets the requirement at relaxation level k (the first k steps, cumulative)? */
export function meetsAtLevel(r: Requirement, steps: readonly RelaxationStep[], k: number, a: SkillHolder): boolean {
  if (k === 0) return meets(r, a);
  let lower = 0;
  const dropped: string[] = [];
  for (const s of steps.slice(0, k)) { lower += s.lowerLevelsBy; dropped.push(...s.drop); }
  return meets(r, a, lower, dropped);
}

/** Skill points an agent brings to a requirement (for the most-skilled policy). */
export function skillScore(r: Requirement, a: SkillHolder): number {
  let sum = 0;
  for (const s of requirementNames(r).skills) sum += a.skills[s] ?? 0;
  return sum;
}

/** Renders a requirement back to text (normalised). */
export function formatRequirement(r: Requirement): string {
  switch (r.op) {
    case 'true': return '';
    case 'group': return `group:${r.group}`;
    case 'skill': return r.cmp === '>=' && r.level === 1 ? r.skill : `${r.skill}${r.cmp}${r.level}`;
    case 'not': return `NOT ${wrap(r.item)}`;
    case 'and': case 'or': return r.items.map(wrap).join(` ${r.op.toUpperCase()} `);
  }
}
const wrap = (r: Requirement) => (r.op === 'and' || r.op === 'or' ? `(${formatRequirement(r)})` : formatRequirement(r));
