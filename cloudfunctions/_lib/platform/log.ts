/**
 * The functions' log. On the cloud a function's console output is its log (云函数日志), so by default
 * a record goes to `console`. A host may install a sink instead: the local cloud's tests capture the
 * logs their injected faults cause, to assert on them rather than print them, so an unexpected error
 * is not buried among expected ones. The sink is found through a global symbol because every
 * function bundle carries its own copy of this module.
 */
export type LogLevel = 'error' | 'warn';

export interface LogRecord {
  level: LogLevel;
  message: string;
  /** what the call passed after the message (ids, the error) */
  detail: unknown[];
}

type LogSink = (record: LogRecord) => void;

const SINK = Symbol.for('huiyuan.functionLogSink');
type WithSink = { [SINK]?: LogSink };

/** Sends every function's log records to `sink` (undefined: back to `console`); answers the previous sink. */
export function installLogSink(sink: LogSink | undefined): LogSink | undefined {
  const host = globalThis as WithSink;
  const previous = host[SINK];
  if (sink) host[SINK] = sink;
  else delete host[SINK];
  return previous;
}

function write(level: LogLevel, message: string, detail: unknown[]): void {
  const sink = (globalThis as WithSink)[SINK];
  if (sink) sink({ level, message, detail });
  else console[level](message, ...detail);
}

export const log = {
  /** Something failed that someone should look at (the caller got INTERNAL, an item was left for the next run). */
  error: (message: string, ...detail: unknown[]): void => write('error', message, detail),
  /** Something unusual the code handled. */
  warn: (message: string, ...detail: unknown[]): void => write('warn', message, detail),
};
