/**
 * The normalised settings every reader produces (defined in common/image-settings.ts, re-exported
 * here so the readers keep one import), and the small helpers the readers share to build them.
 */
import type { ImageSettings } from '../../common/image-settings.ts';

// The shapes cross IPC to the renderer, so their one definition lives in common/.
export {
  SETTINGS_SOURCES,
  type ControlSettings,
  type ImageFormat,
  type ImageSettings,
  type ModelIdentity,
  type ReadSettingsResult,
  type SettingsSource,
} from '../../common/image-settings.ts';

export function emptySettings(): ImageSettings {
  return { prompt: '', negativePrompt: '', extra: {} };
}

/** A finite number from a JSON value or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

export function toText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops keys whose value is undefined so settings compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
