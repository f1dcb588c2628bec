import fs from 'node:fs';
import path from 'node:path';
import { contracts } from '../../shared/contracts';
import { JOB_NAMES, JOB_SCHEDULE, SCHEDULER_CRON } from '../../shared/schedule';

/**
 * Docs that stay true: README.md and every docs/*.md are read for what they claim exists in the code,
 * and each claim is checked against the tree:
 * - repository paths in backticks (`cloudfunctions/_lib/...`, `_lib/...`, `tests/...`, `client/src/...`),
 *   with `<name>` placeholders matching any one path segment;
 * - local links (`[x](docs/jobs.md#anchor)`): the file, and the heading the anchor names;
 * - job names (the jobs table, "the `x` job", `job_runs/<job>:…`, `npm run job -- x`, `runJob('x')`)
 *   against the scheduler's registry (`shared/schedule.ts`) and the runner ids in the code;
 * - cron strings against the registry, the scheduler's own trigger and every `config.json` trigger;
 *   a job's time in prose ("`birthday` (09:00") against its cron;
 * - `<function>.<action>` against the function contracts (`shared/contracts/`).
 * And the README stays a newcomer's page: at most 150 lines.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Top-level folders a backticked path claim starts with; `_lib/` is short for `cloudfunctions/_lib/`. */
const ROOTS = ['cloudfunctions/', 'shared/', 'client/', 'local-cloud/', 'tests/', 'docs/', 'scripts/', 'bench/', 'config/', '.ci/', '_lib/'];

interface Claim {
  doc: string;
  line: number;
  text: string;
}

/** Every backticked span with its document and line (fenced code blocks are left out: they show commands, not claims). */
function spans(doc: string): Claim[] {
  const out: Claim[] = [];
  let fenced = false;
  read(doc)
    .split('\n')
    .forEach((lineText, i) => {
      if (lineText.trimStart().startsWith('```')) {
        fenced = !fenced;
        return;
      }
      if (fenced) return;
      for (const m of lineText.matchAll(/`([^`]+)`/g)) out.push({ doc, line: i + 1, text: m[1] });
    });
  return out;
}

const lines = (doc: string) => read(doc).split('\n');

/** A path claim as a list of segment patterns: `<x>` and `*` match one segment; `...`/`…` ends it (a prefix). */
function pathExists(claim: string): boolean {
  let rel = claim.replace(/^_lib\//, 'cloudfunctions/_lib/');
  rel = rel.replace(/[.,;:)]+$/, '');
  const prefix = rel.split(/\/(?:\.\.\.|…)/)[0];
  const segments = prefix.split('/').filter(Boolean);
  const walk = (dir: string, i: number): boolean => {
    if (i === segments.length) return true;
    const seg = segments[i];
    if (!/[<*]/.test(seg)) return fs.existsSync(path.join(dir, seg)) && walk(path.join(dir, seg), i + 1);
    const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>|\*/g, '[^/]+')}$`);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return false;
    return fs
      .readdirSync(dir)
      .filter((name) => re.test(name))
      .some((name) => walk(path.join(dir, name), i + 1));
  };
  return walk(ROOT, 0);
}

const isPathClaim = (t: string) => ROOTS.some((r) => t.startsWith(r)) && !/\s/.test(t);

/** Every source file's text under a folder (for the runner ids the code uses). */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [read(rel)] : [];
  });
}

/** Runs the checkpointed runner keeps besides the scheduled jobs (`job: 'tier-review-backfill'`, …). */
const RUNNER_IDS = new Set(sources('cloudfunctions').flatMap((src) => [...src.matchAll(/\bjob: '([a-z][a-z0-9-]*)'/g)].map((m) => m[1])));

/** The timer triggers declared in the functions' `config.json` files. */
const TRIGGER_CRONS = fs
  .readdirSync(path.join(ROOT, 'cloudfunctions'))
  .filter((fn) => fs.existsSync(path.join(ROOT, 'cloudfunctions', fn, 'config.json')))
  .flatMap((fn) => ((JSON.parse(read(`cloudfunctions/${fn}/config.json`)).triggers ?? []) as { config: string }[]).map((t) => t.config));

const KNOWN_CRONS = new Set<string>([SCHEDULER_CRON, ...TRIGGER_CRONS, ...JOB_NAMES.map((j) => JOB_SCHEDULE[j].cron)]);
const isJob = (name: string) => (JOB_NAMES as string[]).includes(name);
const CRON = /^[0-9*/,?-]+( [0-9*/,?-]+){5,6}$/;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(doc: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const l of lines(doc)) {
    if (l.trimStart().startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(l);
    if (!m) continue;
    const slug = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

const where = (c: Claim) => `${c.doc}:${c.line} \`${c.text}\``;

describe('README.md and docs/*.md claim only what exists', () => {
  const all = DOCS.flatMap(spans);

  it('reads the README and every page under docs/', () => {
    expect(DOCS.length).toBeGreaterThan(5);
    expect(all.length).toBeGreaterThan(100);
  });

  it('names only repository paths that exist', () => {
    const claims = all.filter((c) => isPathClaim(c.text));
    expect(claims.length).toBeGreaterThan(30);
    expect(claims.filter((c) => !pathExists(c.text)).map(where)).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      lines(doc).forEach((l, i) => {
        for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = m[1];
          if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto
          const [file, anchor] = target.split('#');
          const rel = file ? path.posix.normalize(path.posix.join(path.posix.dirname(doc), file)) : doc;
          if (!fs.existsSync(path.join(ROOT, rel))) broken.push(`${doc}:${i + 1} ${target}`);
          else if (anchor && rel.endsWith('.md') && !anchors(rel).has(anchor)) broken.push(`${doc}:${i + 1} ${target} (no such heading)`);
        }
      });
    }
    expect(broken).toEqual([]);
  });

  it('names only jobs the scheduler runs (and runner ids the code keeps)', () => {
    const stale: string[] = [];
    for (const doc of DOCS) {
      const text = lines(doc);
      let jobTable = false;
      text.forEach((l, i) => {
        const at = `${doc}:${i + 1}`;
        // a table whose first column is `job`: each row names a job and its cron
        if (/^\|\s*job\s*\|/.test(l)) jobTable = true;
        else if (!l.startsWith('|')) jobTable = false;
        else if (jobTable && !/^\|\s*-/.test(l)) {
          const cells = l.split('|').map((c) => c.trim());
          const job = /^`?([^`]+)`?$/.exec(cells[1])?.[1];
          const cron = /^`([^`]+)`$/.exec(cells[2] ?? '')?.[1];
          if (!job || !isJob(job)) stale.push(`${at} job ${cells[1]}`);
          else if (cron && cron !== JOB_SCHEDULE[job as keyof typeof JOB_SCHEDULE].cron) stale.push(`${at} ${job} runs at \`${cron}\`?`);
        }
        const named = [
          ...[...l.matchAll(/(?:the |a |its )`([a-z][a-z0-9-]*)` (?:job|timer)\b/g)].map((m) => m[1]),
          ...[...l.matchAll(/\b(?:job|timer) `([a-z][a-z0-9-]*)`/g)].map((m) => m[1]),
          ...[...l.matchAll(/npm run job -- ([a-z][a-z0-9-]*)/g)].map((m) => m[1]),
          ...[...l.matchAll(/runJob\('([a-z][a-z0-9-]*)'\)/g)].map((m) => m[1]),
          ...[...l.matchAll(/\/api\/jobs\/([a-z][a-z0-9-]*)\/run/g)].map((m) => m[1]),
        ];
        for (const job of named) if (!isJob(job)) stale.push(`${at} job ${job}`);
        // job_runs/<id>:<occurrence> and job_records/<id>:…: a scheduled job or a runner id the code keeps
        for (const m of l.matchAll(/job_(?:runs|records)\/([a-z][a-z0-9-]*):/g)) if (!isJob(m[1]) && !RUNNER_IDS.has(m[1])) stale.push(`${at} run ${m[1]}`);
        // a job's time in prose, e.g. "`tier-review` (04:00": the hour and minute of its cron
        for (const m of l.matchAll(/`([a-z][a-z0-9-]*)` \((\d{2}):(\d{2})/g)) {
          if (!isJob(m[1])) continue;
          const [, minute, hour] = JOB_SCHEDULE[m[1] as keyof typeof JOB_SCHEDULE].cron.split(' ');
          if (Number(hour) !== Number(m[2]) || Number(minute) !== Number(m[3])) stale.push(`${at} ${m[1]} at ${m[2]}:${m[3]}?`);
        }
      });
    }
    expect(stale).toEqual([]);
  });

  it('names only cron strings that some schedule or trigger declares', () => {
    const crons = all.filter((c) => CRON.test(c.text));
    expect(crons.length).toBeGreaterThan(5);
    expect(crons.filter((c) => !KNOWN_CRONS.has(c.text)).map(where)).toEqual([]);
  });

  it('names only function actions the contracts declare', () => {
    const fns = Object.keys(contracts);
    const actionClaims = all
      .map((c) => ({ c, m: /^([a-z]+)\.([a-zA-Z]+)(?:\s*\{.*\})?$/.exec(c.text) }))
      .filter((x): x is { c: Claim; m: RegExpExecArray } => !!x.m && fns.includes(x.m[1]));
    expect(actionClaims.length).toBeGreaterThan(10);
    const missing = actionClaims.filter(({ m }) => !(m[2] in contracts[m[1] as keyof typeof contracts])).map(({ c }) => where(c));
    expect(missing).toEqual([]);
  });

  it('keeps the README a newcomer’s page: at most 150 lines, the two commands, a way on', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => m[1]));
    // every page under docs/ is reachable from the README
    expect(DOCS.filter((d) => d !== 'README.md' && !linked.has(d))).toEqual([]);
  });
});
