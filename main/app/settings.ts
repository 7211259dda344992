/**
 * The studio's settings, persisted as JSON in the app's data folder. Updates are checked (folders
 * must exist), written atomically, and only then applied, so a failed update leaves both the file
 * and the in-memory settings as they were.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { StudioSafetySettings, StudioSettings } from '../../common/ipc.ts';
import { defaultSafetySettings } from '../../common/safety.ts';
import { createLogger } from '../engine/log.ts';
import { validateSafetySettings } from '../safety/settings.ts';
import { writeFileAtomic } from './outputs.ts';
import { REQUEST_VALIDATORS } from './validation/requests.ts';

const log = createLogger('settings');

export interface SettingsStore {
  get(): StudioSettings;
  update(patch: Partial<StudioSettings>): Promise<StudioSettings>;
}

async function isFolder(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Folders and provider come from the host; safety defaults to common/safety.ts SAFETY_DEFAULTS. */
export type SettingsDefaults = Omit<StudioSettings, 'safety'> & { safety?: StudioSafetySettings };

/** The filter's defaults, each with its reason in SAFETY_DEFAULTS; no user word-list folder. */
export function defaultStudioSafety(): StudioSafetySettings {
  return defaultSafetySettings();
}

/**
 * Safety settings from the file: fields a newer version added, or the file lacks, take their
 * defaults (validateSafetySettings fills them), so an upgrade keeps the user's thresholds.
 */
function safetyFromFile(value: unknown): StudioSafetySettings {
  if (typeof value === 'object' && value !== null && 'userTermsDir' in value) {
    throw invalidArgument(
      'safety.userTermsDir',
      (value as Record<string, unknown>).userTermsDir,
      'absent',
    );
  }
  return validateSafetySettings(value, 'safety');
}

/**
 * Loads `file` over `defaults`. A field in the file that fails validation (hand-edited, or from an
 * older version) is dropped with a warning in the log rather than stopping the app from starting.
 */
export async function openSettingsStore(
  file: string,
  defaults: SettingsDefaults,
): Promise<SettingsStore> {
  let current: StudioSettings = { ...defaults, safety: defaults.safety ?? defaultStudioSafety() };
  await fs.mkdir(path.dirname(file), { recursive: true });
  const raw = await fs.readFile(file, 'utf8').catch(() => null);
  if (raw !== null) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      for (const key of Object.keys(current) as (keyof StudioSettings)[]) {
        if (parsed[key] === undefined) continue;
        try {
          const one =
            key === 'safety'
              ? { safety: safetyFromFile(parsed.safety) }
              : REQUEST_VALIDATORS.setSettings({ [key]: parsed[key] }, '');
          current = { ...current, ...one };
        } catch (err) {
          log.warn(`Ignoring setting ${key} from ${file}: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      log.warn(`Ignoring unreadable settings file ${file}: ${(err as Error).message}`);
    }
  }

  return {
    get: () => structuredClone(current),
    async update(patch) {
      for (const key of ['modelsFolder', 'outputFolder'] as const) {
        const value = patch[key];
        if (value !== undefined && !(await isFolder(value))) {
          throw invalidArgument(key, value, 'an existing folder');
        }
      }
      const next = { ...current, ...patch };
      try {
        await writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(next, null, 2) + '\n'));
      } catch (err) {
        if (err instanceof EmulsionError) throw err;
        throw new EmulsionError('IO_ERROR', `Could not save settings: ${(err as Error).message}`);
      }
      current = next;
      return structuredClone(current);
    },
  };
}
