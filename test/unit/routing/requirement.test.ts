import { describe, expect, it } from 'vitest';
import { formatRequirement, meets, meetsAtLevel, parseRequirement, relaxationLevel, requirementNames } from '../../../src/core/routing/requirement.js';

const agent = (skills: Record<string, number>, groups: string[] = []) => ({ skills, groups });

describe('requirement expressions', () => {
  it.each([
    { text: '', holds: [agent({})], fails: [] },
    { text: 'billing', holds: [agent({ billing: 1 })], fails: [agent({})] },
    { text: 'billing>=5', holds: [agent({ billing: 5 }), agent({ billing: 9 })], fails: [agent({ billing: 4 })] },
    { text: 'billing>5', holds: [agent({ billing: 6 })], fails: [agent({ billing: 5 })] },
    { text: 'billing=3', holds: [agent({ billing: 3 })], fails: [agent({ billing: 4 })] },
    { text: 'billing<3', holds: [agent({ billing: 2 }), agent({})], fails: [agent({ billing: 3 })] },
    { text: 'billing<=3', holds: [agent({ billing: 3 })], fails: [agent({ billing: 4 })] },
    { text: 'group:swedish', holds: [agent({}, ['swedish'])], fails: [agent({}, ['danish'])] },
    { text: 'billing>=5 AND group:swedish', holds: [agent({ billing: 5 }, ['swedish'])], fails: [agent({ billing: 5 }), agent({ billing: 4 }, ['swedish'])] },
    { text: 'sales OR billing>3', holds: [agent({ sales: 1 }), agent({ billing: 4 })], fails: [agent({ billing: 3 })] },
    { text: 'NOT group:trainee', holds: [agent({})], fails: [agent({}, ['trainee'])] },
    { text: '(sales OR billing) AND NOT group:trainee', holds: [agent({ sales: 2 })], fails: [agent({ sales: 2 }, ['trainee']), agent({})] },
    { text: 'a OR b AND c', holds: [agent({ a: 1 }), agent({ b: 1, c: 1 })], fails: [agent({ b: 1 })] },
    { text: 'billing >= 5 and group:swedish', holds: [agent({ billing: 7 }, ['swedish'])], fails: [agent({ billing: 7 })] },
  ])('$text', ({ text, holds, fails }) => {
    const r = parseRequirement(text);
    if (!r.ok) throw new Error(r.problems.join('; '));
    for (const a of holds) expect(meets(r.requirement, a)).toBe(true);
    for (const a of fails) expect(meets(r.requirement, a)).toBe(false);
    // round trip through the normalised text
    const again = parseRequirement(formatRequirement(r.requirement));
    expect(again.ok && again.requirement).toEqual(r.requirement);
  });

  it.each([
    { text: 'billing>=', problems: ["expected a level 1-9 after 'billing>=' at the end"] },
    { text: 'billing>=12', problems: ["level 12 for 'billing' at 10 is outside 1-9"] },
    { text: '(sales OR billing', problems: ["missing ')' at the end (opened at 1)"] },
    { text: 'sales AND', problems: ['expected a skill, group, NOT or ( at the end'] },
    { text: 'sales billing', problems: ["unexpected 'billing' at 7"] },
    { text: 'sales $ billing>=0', problems: ["unexpected character '$' at 7", "unexpected 'billing' at 9", ] },
    { text: 'group: AND x>=0 AND y>=10', problems: ['group name missing at 1', "level 0 for 'x' at 15 is outside 1-9", "level 10 for 'y' at 24 is outside 1-9"] },
  ])('reports every problem in "$text"', ({ text, problems }) => {
    const r = parseRequirement(text);
    expect(r.ok).toBe(false);
    if (!r.ok) for (const p of problems) expect(r.problems).toContain(p);
  });

  it('lists the skills and groups it names', () => {
    const r = parseRequirement('billing>=5 AND (group:swedish OR NOT sales)');
    expect(r.ok && requirementNames(r.requirement)).toEqual({ skills: ['billing', 'sales'], groups: ['swedish'] });
  });

  it('relaxation: steps lower levels and drop requirements after their time, cumulatively', () => {
    const r = parseRequirement('billing>=7 AND group:swedish');
    if (!r.ok) throw new Error();
    const steps = [{ afterSeconds: 60, lowerLevelsBy: 2, drop: [] }, { afterSeconds: 120, lowerLevelsBy: 0, drop: ['group:swedish'] }];
    expect([0, 59_999, 60_000, 119_999, 120_000, 1e9].map((ms) => relaxationLevel(steps, ms))).toEqual([0, 0, 1, 1, 2, 2]);
    const junior = agent({ billing: 5 }, ['swedish']);
    const english = agent({ billing: 5 });
    expect([0, 1, 2].map((k) => meetsAtLevel(r.requirement, steps, k, junior))).toEqual([false, true, true]);
    expect([0, 1, 2].map((k) => meetsAtLevel(r.requirement, steps, k, english))).toEqual([false, false, true]);
  });
});
