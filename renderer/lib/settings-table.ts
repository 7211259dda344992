/**
 * An image's settings as label/value rows for the detail view: every setting the reader found,
 * in the order A1111 users know, then whatever the source wrote that has no field of its own.
 */
import type { GalleryItem } from '../../common/gallery.ts';
import type { ImageSettings, SettingsSource } from '../../common/image-settings.ts';
import { formatDateTime } from './dates.ts';

export const SOURCE_LABELS: Record<SettingsSource, string> = {
  emulsion: 'Emulsion',
  a1111: 'A1111 format',
  invokeai: 'InvokeAI',
  comfyui: 'ComfyUI',
  none: 'No settings',
};

export type SettingsRow = [label: string, value: string];

const percent = (v: number) => `${Math.round(v * 100)}%`;

function sampler(s: ImageSettings): string | undefined {
  if (s.scheduler) return s.scheduler;
  if (!s.sampler) return undefined;
  return s.scheduleType ? `${s.sampler} (${s.scheduleType})` : s.sampler;
}

function extraValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function settingsRows(
  item: Pick<GalleryItem, 'source' | 'format' | 'width' | 'height'>,
  s: ImageSettings | null,
): SettingsRow[] {
  const rows: SettingsRow[] = [
    ['Source', SOURCE_LABELS[item.source]],
    ['Format', item.format === 'unknown' ? 'Unknown' : item.format.toUpperCase()],
  ];
  if (item.width !== null && item.height !== null) {
    rows.push(['Image size', `${item.width} × ${item.height}`]);
  }
  if (!s) return rows;
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') rows.push([label, String(value)]);
  };
  add('Seed', s.seed);
  add('Steps', s.steps);
  add('Sampler', sampler(s));
  add('CFG scale', s.cfg);
  if (s.width !== undefined && s.height !== undefined) add('Size', `${s.width} × ${s.height}`);
  if (s.model) {
    const hash = s.model.hash ? ` [${s.model.hash}]` : '';
    add('Model', s.model.name ? `${s.model.name}${hash}` : s.model.hash);
  }
  add('Seed mode', s.seedMode === 'torch-cpu' ? 'torch CPU' : s.seedMode);
  if (s.denoisingStrength !== undefined) add('Denoising strength', s.denoisingStrength);
  add('Clip skip', s.clipSkip);
  if (s.hires) {
    const h = s.hires;
    const parts = [
      h.scale !== undefined ? `×${h.scale}` : undefined,
      h.steps !== undefined ? `${h.steps} steps` : undefined,
      h.strength !== undefined ? `denoise ${percent(h.strength)}` : undefined,
      h.upscaler,
    ].filter(Boolean);
    add('Hires fix', parts.join(', '));
  }
  if (s.refiner?.model) {
    const at = s.refiner.start !== undefined ? ` from ${percent(s.refiner.start)}` : '';
    add('Refiner', `${s.refiner.model}${at}`);
  }
  s.control?.forEach((unit, i) => {
    const parts = [
      unit.module,
      unit.model,
      unit.weight !== undefined ? `weight ${unit.weight}` : undefined,
      unit.start !== undefined && unit.end !== undefined
        ? `${percent(unit.start)}–${percent(unit.end)}`
        : undefined,
    ].filter(Boolean);
    add(`ControlNet ${i + 1}`, parts.join(', '));
  });
  const created = s.createdAt ? Date.parse(s.createdAt) : NaN;
  add('Created', Number.isFinite(created) ? formatDateTime(created) : s.createdAt);
  add('Generator', s.generator);
  // Keys the reader kept verbatim ("provider", "Version", ComfyUI's own): shown as written,
  // with a capital first letter so they sit with the rest.
  for (const [key, value] of Object.entries(s.extra)) {
    add(key.charAt(0).toUpperCase() + key.slice(1), extraValue(value));
  }
  return rows;
}
