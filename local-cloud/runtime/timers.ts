import { parseWeChatCron } from '../../shared/cron';
import { listFunctions, readFunctionConfig } from './functions';

export { parseWeChatCron };

interface ScheduledTrigger {
  functionName: string;
  triggerName: string;
  /** WeChat's 7-field cron: second minute hour day month weekday year */
  cron: string;
}

function readTriggers(): ScheduledTrigger[] {
  const triggers: ScheduledTrigger[] = [];
  for (const name of listFunctions()) {
    for (const t of readFunctionConfig(name).triggers ?? []) {
      if (t.type === 'timer') triggers.push({ functionName: name, triggerName: t.name, cron: t.config });
    }
  }
  return triggers;
}

/**
 * Runs every timer trigger on schedule, in the time of the process's clock (`Date.now()`, the local
 * clock once installed); returns a stop function. `onClockChange` (the local clock's) re-arms every
 * trigger when the clock is set or moved: a firing the jump passed over fires at once (once, as a
 * platform that was down catches up), the rest are armed from the new time.
 */
export function startTimers(
  run: (t: ScheduledTrigger) => Promise<unknown>,
  log: (line: string) => void = console.log,
  triggers: ScheduledTrigger[] = readTriggers(),
  onClockChange?: (listener: () => void) => () => void,
): () => void {
  let stopped = false;
  const armed = triggers.map((trigger) => ({
    trigger,
    schedule: parseWeChatCron(trigger.cron),
    at: null as Date | null,
    handle: null as NodeJS.Timeout | null,
  }));
  const fire = async (a: (typeof armed)[number]) => {
    const { trigger } = a;
    log(`[timer] ${trigger.functionName}/${trigger.triggerName} fired`);
    try {
      log(`[timer] ${trigger.functionName}/${trigger.triggerName} → ${JSON.stringify(await run(trigger)).slice(0, 300)}`);
    } catch (e) {
      log(`[timer] ${trigger.functionName}/${trigger.triggerName} failed: ${(e as Error).message}`);
    }
  };
  const arm = (a: (typeof armed)[number], after: Date) => {
    if (a.handle) clearTimeout(a.handle);
    a.handle = null;
    const at = a.schedule.next(after);
    a.at = at;
    if (!at || stopped) return;
    // setTimeout takes at most ~24.8 days; re-arm in steps for far firings.
    const delay = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
    a.handle = setTimeout(
      async () => {
        if (stopped) return;
        if (Date.now() + 50 < at.getTime()) return arm(a, new Date(Date.now() - 1));
        await fire(a);
        if (a.at === at) arm(a, at);
      },
      Math.max(0, delay),
    );
    a.handle.unref();
  };
  for (const a of armed) {
    arm(a, new Date());
    log(`[timer] ${a.trigger.functionName}/${a.trigger.triggerName} "${a.trigger.cron}" next at ${a.at?.toISOString() ?? 'never'}`);
  }
  const unsubscribe = onClockChange?.(() => {
    if (stopped) return;
    const now = new Date();
    for (const a of armed) {
      const passed = a.at !== null && a.at.getTime() <= now.getTime();
      arm(a, now);
      if (passed) void fire(a);
    }
  });
  return () => {
    stopped = true;
    unsubscribe?.();
    for (const a of armed) if (a.handle) clearTimeout(a.handle);
  };
}
