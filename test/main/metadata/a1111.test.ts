import { describe, expect, it } from 'vitest';
import {
  findPairs,
  formatInfotext,
  parseInfotext,
  quoteValue,
  type A1111Fields,
} from '../../../main/metadata/a1111.ts';
import { a1111ToSettings } from '../../../main/metadata/a1111-settings.ts';

const base: A1111Fields = {
  prompt: 'a cat, sitting',
  negativePrompt: 'blurry',
  steps: 20,
  sampler: 'DPM++ 2M',
  scheduleType: 'Karras',
  cfgScale: 7,
  seed: 123,
  width: 512,
  height: 768,
  modelHash: '6ce0161689',
  model: 'v1-5-pruned-emaonly',
  version: 'v1.10.1',
};

describe('formatInfotext', () => {
  it('lays out prompt, negative line and the last line in A1111 1.10 order', () => {
    expect(formatInfotext(base)).toBe(
      'a cat, sitting\n' +
        'Negative prompt: blurry\n' +
        'Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 123, ' +
        'Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1',
    );
  });

  it('leaves out the negative line when the negative prompt is empty', () => {
    expect(
      formatInfotext({ ...base, negativePrompt: '', modelHash: undefined, version: undefined }),
    ).toBe(
      'a cat, sitting\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 123, ' +
        'Size: 512x768, Model: v1-5-pruned-emaonly',
    );
  });

  it('JSON-quotes values with commas, colons, quotes or newlines and keeps non-ASCII as is', () => {
    expect(quoteValue('plain value')).toBe('plain value');
    expect(quoteValue('my model, v2')).toBe('"my model, v2"');
    expect(quoteValue('a:b')).toBe('"a:b"');
    expect(quoteValue('he said "hi", ok')).toBe('"he said \\"hi\\", ok"');
    expect(quoteValue('line\nbreak')).toBe('"line\\nbreak"');
    expect(quoteValue('猫, 犬')).toBe('"猫, 犬"');
    expect(quoteValue('say "hi"')).toBe('say "hi"'); // quotes alone do not trigger quoting
    // ...except a leading one, which A1111's reader would take for JSON and strip.
    expect(quoteValue('"Best" model')).toBe('"\\"Best\\" model"');
    expect(
      parseInfotext('p\nSteps: 1, Model: ' + quoteValue('"Best"') + ', Seed: 2').params['Model'],
    ).toBe('"Best"');
  });

  it('keeps multi-line prompts and negatives as lines of their blocks', () => {
    const text = formatInfotext({
      ...base,
      prompt: 'line one\nline two',
      negativePrompt: 'bad\nworse',
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'line one',
      'line two',
      'Negative prompt: bad',
      'worse',
    ]);
  });

  it('writes Clip skip only above 1, RNG when set, then ControlNet, hires and refiner pairs', () => {
    const text = formatInfotext({
      ...base,
      prompt: 'p',
      negativePrompt: '',
      modelHash: undefined,
      model: undefined,
      version: 'Emulsion v0.1.0',
      clipSkip: 2,
      rng: 'CPU',
      denoisingStrength: 0.7,
      controlNet: [
        {
          module: 'canny',
          model: 'control_canny',
          weight: 1,
          guidanceStart: 0,
          guidanceEnd: 1,
          thresholdA: 100,
          thresholdB: 200,
        },
      ],
      hires: { upscale: 2, steps: 10, upscaler: 'Latent' },
      refiner: { name: 'sdxl_refiner', hash: 'abcdef0123', switchAt: 0.8 },
    });
    expect(text).toBe(
      'p\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 123, Size: 512x768, ' +
        'Denoising strength: 0.7, Clip skip: 2, RNG: CPU, ' +
        'ControlNet 0: "Module: canny, Model: control_canny, Weight: 1, Threshold A: 100, Threshold B: 200, ' +
        'Guidance Start: 0, Guidance End: 1", ' +
        'Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent, ' +
        'Refiner: sdxl_refiner [abcdef0123], Refiner switch at: 0.8, Version: Emulsion v0.1.0',
    );
    expect(formatInfotext({ ...base, clipSkip: 1 })).not.toContain('Clip skip');
  });

  it('writes a pair whose key equals its value as the bare key', () => {
    const text = formatInfotext({ ...base, extra: [['Tiling', 'Tiling']] });
    expect(text).toContain('Model: v1-5-pruned-emaonly, Tiling, Version: v1.10.1');
  });
});

// A real-world shape: SD 1.5 with ControlNet, LoRA and TI hashes (A1111 1.6 + sd-webui-controlnet).
const REAL = `masterpiece, 1girl, (red scarf:1.2), snow
Negative prompt: lowres, bad anatomy, (worst quality:1.4)
Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 497551718, Size: 512x696, Model hash: da86cc9d88, Model: mixProV4, Denoising strength: 0.7, Clip skip: 2, ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1.15, Resize Mode: Crop and Resize, Low Vram: False, Processor Res: 512, Threshold A: 100, Threshold B: 200, Guidance Start: 0, Guidance End: 1, Pixel Perfect: False, Control Mode: Balanced", Hires upscale: 1.55, Hires upscaler: R-ESRGAN 4x+ Anime6B, Lora hashes: "add_detail: 7c6bad76eb54", TI hashes: "badimage: d70463f87042", Version: v1.6.0`;

describe('parseInfotext', () => {
  it('splits a real infotext into prompt, negative and unquoted pairs in order', () => {
    const parsed = parseInfotext(REAL);
    expect(parsed.prompt).toBe('masterpiece, 1girl, (red scarf:1.2), snow');
    expect(parsed.negativePrompt).toBe('lowres, bad anatomy, (worst quality:1.4)');
    expect(parsed.pairs.map(([k]) => k)).toEqual([
      'Steps',
      'Sampler',
      'CFG scale',
      'Seed',
      'Size',
      'Model hash',
      'Model',
      'Denoising strength',
      'Clip skip',
      'ControlNet 0',
      'Hires upscale',
      'Hires upscaler',
      'Lora hashes',
      'TI hashes',
      'Version',
    ]);
    expect(parsed.params['Sampler']).toBe('DPM++ 2M Karras');
    expect(parsed.params['Lora hashes']).toBe('add_detail: 7c6bad76eb54');
    expect(parsed.params['ControlNet 0']).toMatch(
      /^Module: canny, Model: control_v11p_sd15_canny \[d14c016b\], Weight: 1.15,/,
    );
  });

  it('keeps multi-line prompts and negatives, trimming each line like A1111', () => {
    const parsed = parseInfotext(
      '  first line  \nsecond line\nNegative prompt:  neg one\n neg two\nSteps: 5, Sampler: Euler, Seed: 1',
    );
    expect(parsed.prompt).toBe('first line\nsecond line');
    expect(parsed.negativePrompt).toBe('neg one\nneg two');
  });

  it('treats a last line with fewer than 3 pairs as prompt text', () => {
    const parsed = parseInfotext('a photo\nstyle: noir, mood: dark');
    expect(parsed.prompt).toBe('a photo\nstyle: noir, mood: dark');
    expect(parsed.pairs).toEqual([]);
  });

  it('reads non-Latin prompts and quoted values with commas and escaped quotes', () => {
    const parsed = parseInfotext(
      '一只猫在雪地里, 水彩\nNegative prompt: 模糊\nSteps: 20, Sampler: Euler a, Model: "猫, 犬: v2", Comment: "say \\"hi\\", please", Seed: 7',
    );
    expect(parsed.prompt).toBe('一只猫在雪地里, 水彩');
    expect(parsed.negativePrompt).toBe('模糊');
    expect(parsed.params).toEqual({
      Steps: '20',
      Sampler: 'Euler a',
      Model: '猫, 犬: v2',
      Comment: 'say "hi", please',
      Seed: '7',
    });
  });

  it('round-trips what formatInfotext writes, quoting included', () => {
    const fields: A1111Fields = {
      ...base,
      prompt: 'château «noir», "quoted"\nsecond: line',
      negativePrompt: 'ugly, 模糊\nmore',
      model: 'model, with: punctuation "and quotes"',
    };
    const parsed = parseInfotext(formatInfotext(fields));
    expect(parsed.prompt).toBe(fields.prompt);
    expect(parsed.negativePrompt).toBe(fields.negativePrompt);
    expect(parsed.params['Model']).toBe(fields.model);
    expect(parsed.params['Size']).toBe('512x768');
  });
});

/** A1111's regex, run by a regex engine: the reference the linear scanner must agree with. */
function regexPairs(line: string): [string, string][] {
  const re = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
  return Array.from(line.matchAll(re), (m) => [m[1], m[2]] as [string, string]);
}

describe('findPairs', () => {
  it('agrees with the A1111 regex on 3,000 random lines', () => {
    // Characters that exercise every branch; \r and U+2028 are left out because JS '.' and
    // Python '.' disagree on them, which is a regex-engine difference, not a format one.
    const alphabet = [
      'a',
      'B',
      '7',
      '_',
      ' ',
      ' ',
      '-',
      '/',
      ':',
      ':',
      ',',
      ',',
      '"',
      '"',
      '\\',
      'é',
      '猫',
      '\t',
      '.',
      '!',
    ];
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let i = 0; i < 3000; i++) {
      const line = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join('');
      expect(findPairs(line), JSON.stringify(line)).toEqual(regexPairs(line));
    }
  });

  it('finishes on a 2 MB line without colons, where the regex would backtrack quadratically', () => {
    expect(findPairs('word '.repeat(400_000))).toEqual([]);
  });
});

describe('a1111ToSettings', () => {
  it('maps a real infotext onto normalised settings and keeps unknown keys', () => {
    const { settings, pairCount } = a1111ToSettings(REAL);
    expect(pairCount).toBe(15);
    expect(settings).toEqual({
      prompt: 'masterpiece, 1girl, (red scarf:1.2), snow',
      negativePrompt: 'lowres, bad anatomy, (worst quality:1.4)',
      steps: 30,
      sampler: 'DPM++ 2M Karras',
      cfg: 7,
      seed: 497551718,
      width: 512,
      height: 696,
      model: { name: 'mixProV4', hash: 'da86cc9d88' },
      clipSkip: 2,
      hires: { scale: 1.55, upscaler: 'R-ESRGAN 4x+ Anime6B', strength: 0.7 },
      control: [
        {
          module: 'canny',
          model: 'control_v11p_sd15_canny [d14c016b]',
          weight: 1.15,
          start: 0,
          end: 1,
        },
      ],
      generator: 'v1.6.0',
      extra: { 'Lora hashes': 'add_detail: 7c6bad76eb54', 'TI hashes': 'badimage: d70463f87042' },
    });
  });

  it('reads Schedule type, RNG CPU, img2img strength and the refiner', () => {
    const { settings } = a1111ToSettings(
      'p\nSteps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 9, Size: 1024x1024, ' +
        'Denoising strength: 0.45, RNG: CPU, Refiner: sdxl_refiner_1.0 [7440042bbd], Refiner switch at: 0.8, Version: f2.0.1',
    );
    expect(settings).toMatchObject({
      sampler: 'DPM++ 2M',
      scheduleType: 'Karras',
      cfg: 6.5,
      seedMode: 'torch-cpu',
      denoisingStrength: 0.45,
      refiner: { model: 'sdxl_refiner_1.0', hash: '7440042bbd', start: 0.8 },
      generator: 'f2.0.1',
    });
  });
});
