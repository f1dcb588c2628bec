import type { CronExpressionParser as Parser } from 'cron-parser';
import { BUSINESS_TZ } from './calendar';

let parser: typeof Parser | undefined;
/**
 * cron-parser, loaded at its first use: it brings luxon, whose evaluation is a good share of a cold
 * `require` of a function bundle (the `marketing` function needs it only to list the jobs).
 */
function cron(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load: the bundler keeps the module but evaluates it only here
  parser ??= (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser;
  return parser;
}

/**
 * WeChat's 7-field cron (second minute hour day month weekday year), evaluated in Asia/Shanghai as the
 * platform does. The 7th field, the year, is `*` or a list of years. Used by the scheduler to decide
 * which job is due and by the local cloud to fire timer triggers.
 */
export interface WeChatCron {
  /** The next firing strictly after `after`; null if none (its years are past). */
  next(after: Date): Date | null;
  /** The latest firing at or before `at`; null if none. */
  prev(at: Date): Date | null;
}

const yearOf = (d: Date) => Number(new Intl.DateTimeFormat('en', { timeZone: BUSINESS_TZ, year: 'numeric' }).format(d));

export function parseWeChatCron(expression: string): WeChatCron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`timer trigger "${expression}": WeChat cron has 7 fields (second minute hour day month weekday year)`);
  const years = fields[6] === '*' ? null : new Set(fields[6].split(',').map(Number));
  if (years && [...years].some((y) => !Number.isInteger(y))) throw new Error(`timer trigger "${expression}": unsupported year field`);
  const six = fields.slice(0, 6).join(' ');
  cron().parse(six, { tz: BUSINESS_TZ }); // validate now, not at the first firing
  return {
    next(after: Date): Date | null {
      const it = cron().parse(six, { tz: BUSINESS_TZ, currentDate: after });
      for (let i = 0; i < 1000; i += 1) {
        const d = it.next().toDate();
        if (!years || years.has(yearOf(d))) return d;
        if (d.getUTCFullYear() > Math.max(...years) + 1) return null;
      }
      return null;
    },
    prev(at: Date): Date | null {
      // cron-parser's prev() is strictly before its current date: start a millisecond after `at`.
      const it = cron().parse(six, { tz: BUSINESS_TZ, currentDate: new Date(at.getTime() + 1) });
      for (let i = 0; i < 1000; i += 1) {
        let d: Date;
        try {
          d = it.prev().toDate();
        } catch {
          return null;
        }
        if (!years || years.has(yearOf(d))) return d;
        if (d.getUTCFullYear() < Math.min(...years) - 1) return null;
      }
      return null;
    },
  };
}
