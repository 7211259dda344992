/**
 * `npx emulsion info IMAGE --json`: the settings found in any image, as normalised JSON with the
 * source format named. The CLI prints `output` (JSON.stringify(output, null, 2) for --json, or
 * formatInfoText(output) otherwise) and exits with `exitCode`:
 *   0  settings found;
 *   2  the image was read but holds no settings (source 'none'): not an error, but scripts can tell;
 *   1  the file could not be read (missing, unreadable): `output.error` says why.
 */
import { serializeError, type SerializedError } from '../../common/errors.ts';
import { readImageSettings } from './read.ts';
import type { ReadSettingsResult } from './settings.ts';

export type InfoOutput =
  ({ file: string } & ReadSettingsResult) | { file: string; error: SerializedError };

export interface InfoCommandResult {
  output: InfoOutput;
  exitCode: 0 | 1 | 2;
}

export async function infoCommand(imagePath: string): Promise<InfoCommandResult> {
  try {
    const result = await readImageSettings(imagePath);
    return { output: { file: imagePath, ...result }, exitCode: result.source === 'none' ? 2 : 0 };
  } catch (err) {
    return { output: { file: imagePath, error: serializeError(err) }, exitCode: 1 };
  }
}

/** A short human-readable rendering for `emulsion info IMAGE` without --json. */
export function formatInfoText(output: InfoOutput): string {
  if ('error' in output) return `${output.file}: ${output.error.message}`;
  const lines = [`${output.file}: ${output.message}`];
  const s = output.settings;
  if (s) {
    lines.push(`  prompt: ${s.prompt}`);
    if (s.negativePrompt) lines.push(`  negative: ${s.negativePrompt}`);
    const pairs: [string, unknown][] = [
      ['steps', s.steps],
      ['cfg', s.cfg],
      ['seed', s.seed],
      [
        'size',
        s.width !== undefined && s.height !== undefined ? `${s.width}x${s.height}` : undefined,
      ],
      ['sampler', [s.sampler, s.scheduleType].filter(Boolean).join(' / ') || s.scheduler],
      [
        'model',
        s.model
          ? [s.model.name, s.model.hash && `[${s.model.hash}]`].filter(Boolean).join(' ')
          : undefined,
      ],
    ];
    for (const [k, v] of pairs) if (v !== undefined && v !== '') lines.push(`  ${k}: ${String(v)}`);
  }
  for (const w of output.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
