import { CronExpressionParser } from 'cron-parser';
import { BUSINESS_TZ } from '../shared/calendar';
import { listFunctions, readFunctionConfig } from './functions';

export interface ScheduledTrigger {
  functionName: string;
  triggerName: string;
  /** WeChat's 7-field cron: second minute hour day month weekday year */
  cron: string;
}

/** Parses WeChat's 7-field cron (the 7th field, the year, is `*` or a list of years). */
export function parseWeChatCron(expression: string) {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`timer trigger "${expression}": WeChat cron has 7 fields (second minute hour day month weekday year)`);
  const years = fields[6] === '*' ? null : new Set(fields[6].split(',').map(Number));
  if (years && [...years].some((y) => !Number.isInteger(y))) throw new Error(`timer trigger "${expression}": unsupported year field`);
  const six = fields.slice(0, 6).join(' ');
  CronExpressionParser.parse(six, { tz: BUSINESS_TZ }); // validate now, not at the first firing
  return {
    /** The next firing strictly after `after`, in Asia/Shanghai time; null if none (years past). */
    next(after: Date): Date | null {
      const it = CronExpressionParser.parse(six, { tz: BUSINESS_TZ, currentDate: after });
      for (let i = 0; i < 1000; i += 1) {
        const d = it.next().toDate();
        if (!years || years.has(Number(new Intl.DateTimeFormat('en', { timeZone: BUSINESS_TZ, year: 'numeric' }).format(d)))) return d;
        if (years && d.getUTCFullYear() > Math.max(...years) + 1) return null;
      }
      return null;
    },
  };
}

export function readTriggers(): ScheduledTrigger[] {
  const triggers: ScheduledTrigger[] = [];
  for (const name of listFunctions()) {
    for (const t of readFunctionConfig(name).triggers ?? []) {
      if (t.type === 'timer') triggers.push({ functionName: name, triggerName: t.name, cron: t.config });
    }
  }
  return triggers;
}

/** Runs every timer trigger on schedule; returns a stop function. */
export function startTimers(
  run: (t: ScheduledTrigger) => Promise<unknown>,
  log: (line: string) => void = console.log,
  triggers: ScheduledTrigger[] = readTriggers(),
): () => void {
  const handles: NodeJS.Timeout[] = [];
  let stopped = false;
  for (const trigger of triggers) {
    const schedule = parseWeChatCron(trigger.cron);
    const arm = (after: Date) => {
      const at = schedule.next(after);
      if (!at || stopped) return;
      // setTimeout takes at most ~24.8 days; re-arm in steps for far firings.
      const delay = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
      const h = setTimeout(async () => {
        if (stopped) return;
        if (Date.now() + 50 < at.getTime()) return arm(new Date(Date.now() - 1));
        log(`[timer] ${trigger.functionName}/${trigger.triggerName} fired`);
        try {
          log(`[timer] ${trigger.functionName}/${trigger.triggerName} → ${JSON.stringify(await run(trigger)).slice(0, 300)}`);
        } catch (e) {
          log(`[timer] ${trigger.functionName}/${trigger.triggerName} failed: ${(e as Error).message}`);
        }
        arm(at);
      }, Math.max(0, delay));
      h.unref();
      handles.push(h);
    };
    arm(new Date());
    log(`[timer] ${trigger.functionName}/${trigger.triggerName} "${trigger.cron}" next at ${schedule.next(new Date())?.toISOString() ?? 'never'}`);
  }
  return () => {
    stopped = true;
    handles.forEach(clearTimeout);
  };
}
