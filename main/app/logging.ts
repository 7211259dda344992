/**
 * The main process log: one file in Electron's logs folder, one line per record, with levels.
 * The engine worker's records arrive through the same sink.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatRecord, LOG_LEVELS, type LogLevel, type LogSink } from '../engine/log.ts';

/**
 * An append-only file sink. Writes are synchronous so a crash right after an error still leaves
 * the error in the file; the log volume (a few lines per job) makes that cheap.
 */
export function createFileLogSink(file: string): LogSink {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  return (record) => {
    fs.writeSync(fd, formatRecord(record) + '\n');
  };
}

/** `EMULSION_LOG_LEVEL=debug` etc.; anything else falls back to `info` for the desktop app. */
export function logLevelFromEnv(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value ?? '') ? (value as LogLevel) : fallback;
}
