import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES } from './audit-actions.js';

const src = resolve(import.meta.dirname, '..');
const sources = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.spec.ts') && !file.startsWith('audit/'))
  .map((file) => readFileSync(join(src, file), 'utf8'));

/** What the audit page's filter offers must be what the code records. */
describe('the audit actions the portal offers', () => {
  it('lists every action the code records by name', () => {
    const recorded = sources.flatMap((text) => [...text.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]));
    expect(recorded.length).toBeGreaterThan(10);
    expect(recorded.filter((action) => !Object.hasOwn(AUDIT_ACTIONS, action))).toEqual([]);
  });

  it('lists the actions recorded from escalation events and report verdicts', () => {
    const support = sources.find((text) => text.includes("event.type.replace('escalation_', 'escalation.')"))!;
    const events = [...support.matchAll(/type: 'escalation_([a-z_]+)'/g)].map((m) => `escalation.${m[1]}`);
    expect(events.length).toBeGreaterThan(3);
    expect(events.filter((action) => !Object.hasOwn(AUDIT_ACTIONS, action))).toEqual([]);
    expect(Object.keys(AUDIT_ACTIONS)).toEqual(expect.arrayContaining(['report.confirmed', 'report.dismissed']));
  });

  it('lists every subject type the code records', () => {
    const types = sources.flatMap((text) => [...text.matchAll(/subjectType: '([a-z_]+)'/g)].map((m) => m[1]));
    expect(types.filter((type) => !Object.hasOwn(AUDIT_SUBJECT_TYPES, type))).toEqual([]);
  });
});
