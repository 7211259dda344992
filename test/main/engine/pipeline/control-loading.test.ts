// @vitest-environment node
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../../common/generation.ts';
import { ensureDemoModels } from '../../../../main/demo-model/index.ts';
import { Engine } from '../../../../main/engine/engine.ts';

describe('ControlNet loading', () => {
  it('reports the ControlNet and its residual UNet as loading components, once', async () => {
    const { base, controlnet } = await ensureDemoModels();
    const hint = new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    const engine = new Engine();
    const loading: string[] = [];
    engine.onEvent((e: JobEvent) => {
      if (e.status === 'loading') loading.push(e.component);
    });
    const input = {
      model: base,
      prompt: 'a yellow shape',
      steps: 2,
      width: 64,
      height: 64,
      safety: 'off' as const,
      control: [
        {
          image: { data: hint },
          model: controlnet,
          preprocessor: 'none' as const,
          scale: 1,
          start: 0,
          end: 1,
        },
      ],
    };
    await engine.submit('a', input);
    expect(loading).toContain('controlnet');
    expect(loading).toContain('controlnet_unet');
    loading.length = 0;
    await engine.submit('b', input);
    // Attached to the loaded model: the second job loads nothing.
    expect(loading).toEqual([]);
    await engine.unloadModels();
  });
});
