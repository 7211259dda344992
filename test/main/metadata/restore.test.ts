import { describe, expect, it } from 'vitest';
import { readImageSettings } from '../../../main/metadata/read.ts';
import { matchScheduler, settingsToRequest } from '../../../main/metadata/restore.ts';
import { a1111ToSettings } from '../../../main/metadata/a1111-settings.ts';
import { withMetadata } from '../../../main/metadata/write.ts';
import { iTXt, plainPng, tEXt, withChunks } from '../../fixtures/metadata/builders.ts';
import { makeResult } from '../../fixtures/metadata/result.ts';
import { COMFY_DEFAULT, INVOKE_CORE } from '../../fixtures/metadata/samples.ts';

describe('matchScheduler', () => {
  it.each([
    // [sampler, schedule type, catalog label] in each tool's spelling
    ['DPM++ 2M Karras', undefined, 'DPM++ 2M Karras'], // A1111 before 1.9
    ['DPM++ 2M', 'Karras', 'DPM++ 2M Karras'], // A1111 1.9+
    ['Euler a', 'Automatic', 'Euler a'],
    ['euler', 'normal', 'Euler'], // ComfyUI
    ['dpmpp_2m', 'karras', 'DPM++ 2M Karras'],
    ['euler_ancestral', 'normal', 'Euler a'],
    ['dpmpp_2m_k', undefined, 'DPM++ 2M Karras'], // InvokeAI
    ['euler_a', undefined, 'Euler a'],
    ['unipc_k', undefined, 'UniPC Karras'],
    ['kdpm_2_a', undefined, 'DPM2 a'],
    ['k_lms', undefined, 'LMS'], // InvokeAI 2.x
  ])('maps %s + %s to %s', (sampler, schedule, label) => {
    expect(matchScheduler(sampler, schedule)).toBe(label);
  });

  it('explains samplers and schedules Emulsion lacks', () => {
    expect(matchScheduler('dpmpp_3m_k')).toEqual({
      reason: 'Sampler "dpmpp_3m_k" has no equivalent in Emulsion.',
    });
    expect(matchScheduler('DPM++ 2M', 'Exponential')).toEqual({
      reason: 'Schedule "Exponential" is not available for DPM++ 2M.',
    });
  });
});

describe('settingsToRequest', () => {
  it('restores an Emulsion image to its exact request, minus pasted image bytes', async () => {
    const result = await makeResult({
      seed: 50,
      init: {
        image: { data: new Uint8Array([1, 2]), name: 'x.png' },
        strength: 0.5,
        resize: 'fit',
      },
    });
    const read = await readImageSettings(withMetadata(result, result.images[0]).png);
    const restored = settingsToRequest(read.settings!, read.source);
    const { init: _init, ...expected } = { ...result.request, seed: 50, batch: 1 };
    expect(restored.request).toEqual(expected);
    expect(restored.warnings).toEqual([
      'The init image was given as pasted bytes; drop it again to reuse it.',
    ]);
  });

  it('restores an A1111 image with the catalog scheduler and says what it cannot carry', async () => {
    const text =
      'a fox\nNegative prompt: blur\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6, ' +
      'Seed: 99, Size: 512x768, Model hash: abcdef1234, Model: fox-model, Denoising strength: 0.4, Clip skip: 2, ' +
      'Hires upscale: 2, Hires upscaler: Latent';
    const settings = a1111ToSettings(text).settings;
    const restored = settingsToRequest(settings, 'a1111');
    expect(restored.request).toEqual({
      prompt: 'a fox',
      negativePrompt: 'blur',
      steps: 30,
      cfg: 6,
      seed: 99,
      width: 512,
      height: 768,
      scheduler: 'DPM++ 2M Karras',
      hires: { scale: 2, strength: 0.4, steps: 30, upscaler: 'latent' },
    });
    expect(restored.model).toEqual({ name: 'fox-model', hash: 'abcdef1234' });
    expect(restored.warnings).toEqual([
      'The image used GPU noise; Emulsion reproduces torch CPU noise only, so the same seed gives a different image.',
      'Clip skip 2 is not supported; it was ignored.',
    ]);
  });

  it('restores ComfyUI and InvokeAI settings through their sampler spellings', async () => {
    const png = await plainPng();
    const comfy = await readImageSettings(
      withChunks(png, [tEXt('prompt', JSON.stringify(COMFY_DEFAULT))]),
    );
    expect(settingsToRequest(comfy.settings!, comfy.source).request).toMatchObject({
      scheduler: 'Euler',
      steps: 20,
      cfg: 8,
      seed: 156680208700286,
    });
    const invoke = await readImageSettings(
      withChunks(png, [iTXt('invokeai_metadata', JSON.stringify(INVOKE_CORE))]),
    );
    const restored = settingsToRequest(invoke.settings!, invoke.source);
    expect(restored.request.scheduler).toBeUndefined();
    expect(restored.warnings).toContain(
      'Sampler "dpmpp_3m_k" has no equivalent in Emulsion. The current scheduler was kept.',
    );
    expect(restored.warnings).toContain(
      'ControlNet units are not restored from other tools; add them again.',
    );
  });
});
