import { describe, expect, it } from 'vitest';
import type { ImageSettings } from '../../../common/image-settings.ts';
import { settingsRows } from '../../../renderer/lib/settings-table.ts';

const item = { source: 'a1111' as const, format: 'png' as const, width: 1024, height: 1536 };

describe('settingsRows()', () => {
  it('lists every setting in the A1111 order, with sampler and schedule together', () => {
    const settings: ImageSettings = {
      prompt: 'a castle',
      negativePrompt: 'blurry',
      steps: 28,
      sampler: 'DPM++ 2M',
      scheduleType: 'Karras',
      cfg: 6.5,
      seed: 1234567,
      width: 512,
      height: 768,
      model: { name: 'v1-5-pruned-emaonly', hash: '6ce0161689' },
      denoisingStrength: 0.4,
      clipSkip: 2,
      hires: { scale: 2, steps: 10, strength: 0.55, upscaler: 'Latent' },
      control: [
        { module: 'canny', model: 'control_v11p_sd15_canny', weight: 1, start: 0, end: 0.8 },
      ],
      extra: { 'ADetailer model': 'face_yolov8n.pt', 'Lora hashes': { add_detail: 'abc' } },
    };
    expect(settingsRows(item, settings)).toEqual([
      ['Source', 'A1111 format'],
      ['Format', 'PNG'],
      ['Image size', '1024 × 1536'],
      ['Seed', '1234567'],
      ['Steps', '28'],
      ['Sampler', 'DPM++ 2M (Karras)'],
      ['CFG scale', '6.5'],
      ['Size', '512 × 768'],
      ['Model', 'v1-5-pruned-emaonly [6ce0161689]'],
      ['Denoising strength', '0.4'],
      ['Clip skip', '2'],
      ['Hires fix', '×2, 10 steps, denoise 55%, Latent'],
      ['ControlNet 1', 'canny, control_v11p_sd15_canny, weight 1, 0%–80%'],
      ['ADetailer model', 'face_yolov8n.pt'],
      ['Lora hashes', '{"add_detail":"abc"}'],
    ]);
  });

  it('shows only what the file says for an image without settings', () => {
    expect(settingsRows({ ...item, source: 'none', format: 'jpeg' }, null)).toEqual([
      ['Source', 'No settings'],
      ['Format', 'JPEG'],
      ['Image size', '1024 × 1536'],
    ]);
  });

  it("names Emulsion's own scheduler as it is, without a schedule type", () => {
    const rows = settingsRows(
      { ...item, source: 'emulsion' },
      {
        prompt: '',
        negativePrompt: '',
        scheduler: 'DPM++ 2M Karras',
        sampler: 'DPM++ 2M',
        scheduleType: 'Karras',
        extra: {},
      },
    );
    expect(rows).toContainEqual(['Sampler', 'DPM++ 2M Karras']);
    expect(rows[0]).toEqual(['Source', 'Emulsion']);
  });
});
