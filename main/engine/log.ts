/**
 * One leveled logger per process. Library code asks for a scoped logger and never prints: the
 * host (CLI, Electron main, worker, tests) installs a sink. The default sink writes warnings and
 * errors to stderr so nothing important is lost when no host configured one.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogRecord {
  time: number;
  level: Exclude<LogLevel, 'silent'>;
  scope: string;
  message: string;
  data?: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

const state: { level: LogLevel; sink: LogSink } = {
  level: 'warn',
  sink: (record) => process.stderr.write(formatRecord(record) + '\n'),
};

export function setLogLevel(level: LogLevel): void {
  state.level = level;
}

export function getLogLevel(): LogLevel {
  return state.level;
}

export function setLogSink(sink: LogSink): void {
  state.sink = sink;
}

/** Passes a record made elsewhere (e.g. in the engine worker) through this process's sink. */
export function writeRecord(record: LogRecord): void {
  if (RANK[record.level] >= RANK[state.level]) state.sink(record);
}

export function formatRecord(record: LogRecord): string {
  const time = new Date(record.time).toISOString();
  const data = record.data ? ' ' + JSON.stringify(record.data) : '';
  return `${time} ${record.level.toUpperCase().padEnd(5)} [${record.scope}] ${record.message}${data}`;
}

export function createLogger(scope: string): Logger {
  const emit = (level: LogRecord['level'], message: string, data?: Record<string, unknown>) => {
    if (RANK[level] < RANK[state.level]) return;
    state.sink({ time: Date.now(), level, scope, message, data });
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
  };
}

/**
 * onnxruntime's severity scale is 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. ORT's C++
 * warnings are noisy (e.g. about unused initializers), so we map one step quieter than ours,
 * as transformers.js does.
 */
export function ortLogSeverity(level: LogLevel = state.level): 0 | 1 | 2 | 3 | 4 {
  switch (level) {
    case 'debug':
      return 1;
    case 'info':
      return 2;
    case 'warn':
      return 3;
    default:
      return 4;
  }
}
