import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogSink, logLevelFromEnv } from '../../../main/app/logging.ts';
import { createLogger, getLogLevel, setLogLevel, setLogSink } from '../../../main/engine/log.ts';

let dir: string | undefined;
const initialLevel = getLogLevel();
afterEach(async () => {
  setLogLevel(initialLevel);
  setLogSink(() => undefined);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('createFileLogSink()', () => {
  it('appends one line per record at or above the level, creating the folder', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-log-'));
    const file = path.join(dir, 'logs', 'main.log');
    setLogSink(createFileLogSink(file));
    setLogLevel('info');
    const log = createLogger('test');
    log.debug('hidden');
    log.info('shown', { jobId: 'j1' });
    log.error('bad');
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* INFO  \[test\] shown \{"jobId":"j1"\}$/);
    expect(lines[1]).toMatch(/ERROR \[test\] bad$/);
  });
});

describe('logLevelFromEnv()', () => {
  it('accepts known levels and falls back otherwise', () => {
    expect(logLevelFromEnv('debug')).toBe('debug');
    expect(logLevelFromEnv('verbose')).toBe('info');
    expect(logLevelFromEnv(undefined, 'warn')).toBe('warn');
  });
});
