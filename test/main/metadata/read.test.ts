import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_SETTINGS_MESSAGE, readImageSettings } from '../../../main/metadata/read.ts';
import {
  iTXt,
  jpegWithExif,
  plainPng,
  tEXt,
  tiffWithUserComment,
  userCommentAscii,
  userCommentUnicodeBE,
  userCommentUnicodeLE,
  webpWithExif,
  withChunks,
} from '../../fixtures/metadata/builders.ts';
import {
  A1111_UNICODE,
  COMFY_CUSTOM,
  COMFY_DEFAULT,
  FOOOCUS_A1111,
  INVOKE_CORE,
  INVOKE_LEGACY,
} from '../../fixtures/metadata/samples.ts';

/** Python's json.dumps default (ensure_ascii): non-ASCII as \uXXXX, as ComfyUI writes it. */
const pyJson = (v: unknown) =>
  JSON.stringify(v).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const A1111_UNICODE_SETTINGS = {
  prompt: '一只猫, 坐在"窗台"上\nsecond line: watercolor',
  negativePrompt: '模糊, lowres',
  steps: 28,
  sampler: 'DPM++ 2M',
  scheduleType: 'Karras',
  cfg: 6.5,
  seed: 3928475,
  width: 640,
  height: 960,
  model: { name: 'v1-5, pruned: ema', hash: '6ce0161689' },
  generator: 'v1.10.1',
  extra: {},
};

let dir: string;
let png: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulsion-read-'));
  png = await plainPng();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readImageSettings: A1111, Forge, Fooocus', () => {
  it('reads a PNG iTXt "parameters" chunk with a non-Latin, multi-line prompt', async () => {
    const result = await readImageSettings(withChunks(png, [iTXt('parameters', A1111_UNICODE)]));
    expect(result.source).toBe('a1111');
    expect(result.format).toBe('png');
    expect(result.settings).toEqual(A1111_UNICODE_SETTINGS);
    expect(result.message).toBe('Settings read from the PNG "parameters" chunk (A1111 format).');
    expect(result.warnings).toEqual([]);
  });

  it('reads a Latin-1 tEXt "parameters" chunk placed after IDAT', async () => {
    const text = 'café au lait\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512';
    const result = await readImageSettings(withChunks(png, [tEXt('parameters', text)], true));
    expect(result.settings).toMatchObject({ prompt: 'café au lait', sampler: 'Euler a', seed: 5 });
  });

  it("reads Fooocus's A1111 scheme, taking its Scheduler as the schedule type", async () => {
    const result = await readImageSettings(withChunks(png, [tEXt('parameters', FOOOCUS_A1111)]));
    expect(result.settings).toEqual({
      prompt: 'a lighthouse at dusk, cinematic',
      negativePrompt: '(worst quality:1.3)',
      steps: 30,
      sampler: 'dpmpp_2m_sde_gpu',
      scheduleType: 'karras',
      cfg: 4,
      seed: 1234567,
      width: 1152,
      height: 896,
      model: { name: 'juggernautXL_v8Rundiffusion', hash: 'aeb7e9e689' },
      refiner: { model: 'None' },
      generator: 'Fooocus v2.5.5',
      extra: { Sharpness: '2', Styles: "['Fooocus V2', 'Fooocus Enhance']" },
    });
  });

  it('reads JPEG EXIF UserComment written by piexif: UNICODE, big-endian TIFF, UTF-16BE', async () => {
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentUnicodeBE(A1111_UNICODE), 'MM'));
    const result = await readImageSettings(jpeg);
    expect(result.source).toBe('a1111');
    expect(result.format).toBe('jpeg');
    expect(result.settings).toEqual(A1111_UNICODE_SETTINGS);
    expect(result.message).toBe('Settings read from the JPEG EXIF UserComment (A1111 format).');
  });

  it('reads UNICODE UserComment in little-endian TIFF as UTF-16LE', async () => {
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentUnicodeLE(A1111_UNICODE), 'II'));
    expect((await readImageSettings(jpeg)).settings).toEqual(A1111_UNICODE_SETTINGS);
  });

  it('reads piexif-style UTF-16BE even inside a little-endian TIFF', async () => {
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentUnicodeBE(A1111_UNICODE), 'II'));
    expect((await readImageSettings(jpeg)).settings).toEqual(A1111_UNICODE_SETTINGS);
  });

  it('reads WebP EXIF with and without the "Exif\\0\\0" prefix', async () => {
    const tiff = tiffWithUserComment(userCommentUnicodeBE(A1111_UNICODE), 'MM');
    for (const prefix of [false, true]) {
      const result = await readImageSettings(await webpWithExif(tiff, prefix));
      expect(result.format).toBe('webp');
      expect(result.settings).toEqual(A1111_UNICODE_SETTINGS);
    }
  });

  it('reads the ASCII-coded UserComment libvips (sharp) writes', async () => {
    // libvips transliterates to 7-bit ASCII, so this interop check uses ASCII text.
    const text = 'a quiet harbour\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 8x8';
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .withExif({ IFD2: { UserComment: text } })
      .toBuffer();
    const result = await readImageSettings(jpeg);
    expect(result.settings).toMatchObject({ prompt: 'a quiet harbour', steps: 20, width: 8 });
  });

  it('reads UTF-8 bytes behind an ASCII character code leniently', async () => {
    const text = 'héllo 猫\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 8x8';
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentAscii(text), 'MM'));
    expect((await readImageSettings(jpeg)).settings).toMatchObject({ prompt: 'héllo 猫' });
  });

  it('does not mistake a camera comment for settings', async () => {
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentAscii('Holiday 2019'), 'II'));
    const result = await readImageSettings(jpeg);
    expect(result.source).toBe('none');
    expect(result.warnings).toEqual(['The JPEG EXIF UserComment is not an A1111 infotext.']);
  });
});

describe('readImageSettings: InvokeAI', () => {
  it('reads invokeai_metadata (5.x CoreMetadata) with its ControlNet', async () => {
    const result = await readImageSettings(
      withChunks(png, [
        iTXt('invokeai_metadata', JSON.stringify(INVOKE_CORE)),
        tEXt('invokeai_graph', '{}'),
      ]),
    );
    expect(result.source).toBe('invokeai');
    expect(result.settings).toEqual({
      prompt: 'a lighthouse, "storm", night\nwaves crashing',
      negativePrompt: 'blurry, 低质量',
      width: 1024,
      height: 768,
      seed: 2048,
      cfg: 7.5,
      steps: 30,
      sampler: 'dpmpp_3m_k',
      model: { name: 'Juggernaut XL v9', hash: 'blake3:0f1e2d' },
      control: [{ model: 'controlnet-canny-sdxl', weight: 0.75, start: 0, end: 0.8 }],
      generator: 'InvokeAI 5.6.0',
      extra: { generation_mode: 'sdxl_txt2img', rand_device: 'cpu', cfg_rescale_multiplier: 0 },
    });
  });

  it('reads the 2.x sd-metadata chunk', async () => {
    const result = await readImageSettings(
      withChunks(png, [tEXt('sd-metadata', JSON.stringify(INVOKE_LEGACY))]),
    );
    expect(result.source).toBe('invokeai');
    expect(result.settings).toEqual({
      prompt: 'a red fox in the snow',
      negativePrompt: '',
      steps: 50,
      cfg: 7.5,
      seed: 42,
      width: 512,
      height: 512,
      sampler: 'k_lms',
      model: { name: 'stable-diffusion-1.5', hash: INVOKE_LEGACY.model_hash },
      generator: 'InvokeAI 2.3.5',
      extra: {},
    });
  });

  it('reports invalid JSON and finds no settings', async () => {
    const result = await readImageSettings(
      withChunks(png, [tEXt('invokeai_metadata', '{"positive_prompt": ')]),
    );
    expect(result.source).toBe('none');
    expect(result.message).toBe(NO_SETTINGS_MESSAGE);
    expect(result.warnings[0]).toMatch(/^The "invokeai_metadata" chunk is not valid JSON/);
  });
});

describe('readImageSettings: ComfyUI', () => {
  it("reads ComfyUI's default graph through the KSampler's links", async () => {
    const result = await readImageSettings(
      withChunks(png, [tEXt('prompt', pyJson(COMFY_DEFAULT)), tEXt('workflow', '{"nodes":[]}')]),
    );
    expect(result.source).toBe('comfyui');
    expect(result.settings).toEqual({
      prompt: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,',
      negativePrompt: 'text, watermark',
      seed: 156680208700286,
      steps: 20,
      cfg: 8,
      sampler: 'euler',
      scheduleType: 'normal',
      model: { name: 'v1-5-pruned-emaonly.safetensors' },
      width: 512,
      height: 512,
      generator: 'ComfyUI',
      extra: { comfyNode: '3', comfyClass: 'KSampler' },
    });
    expect(result.warnings).toEqual([]);
  });

  it('follows custom sampling helpers, ControlNet and LoRA nodes, and picks the first pass', async () => {
    const result = await readImageSettings(withChunks(png, [tEXt('prompt', pyJson(COMFY_CUSTOM))]));
    expect(result.settings).toEqual({
      prompt: '東京の夜景, neon "rain"\nwide shot',
      negativePrompt: 'blurry, watermark',
      seed: 777,
      steps: 24,
      cfg: 5.5,
      sampler: 'dpmpp_2m',
      scheduleType: 'karras',
      model: { name: 'sd_xl_base_1.0.safetensors' },
      width: 832,
      height: 1216,
      generator: 'ComfyUI',
      extra: { comfyNode: '22', comfyClass: 'SamplerCustomAdvanced' },
    });
    expect(result.warnings).toEqual([
      'The ComfyUI graph has 2 sampler nodes (5, 22); settings come from node 22 (SamplerCustomAdvanced), the first pass.',
    ]);
  });

  it('reads ComfyUI\'s WebP saver, which puts the graph in EXIF Make as "prompt:{...}"', async () => {
    const tiff = tiffWithUserComment(undefined, 'II', `prompt:${JSON.stringify(COMFY_DEFAULT)}`);
    const result = await readImageSettings(await webpWithExif(tiff));
    expect(result.source).toBe('comfyui');
    expect(result.settings?.seed).toBe(156680208700286);
    expect(result.message).toBe('Settings read from the WebP EXIF Make tag (ComfyUI).');
  });

  it('finds no settings in a graph without a sampler, and says so', async () => {
    const graph = { '1': { class_type: 'LoadImage', inputs: { image: 'x.png' } } };
    const result = await readImageSettings(
      withChunks(png, [tEXt('prompt', JSON.stringify(graph))]),
    );
    expect(result.source).toBe('none');
    expect(result.warnings).toEqual(['The ComfyUI graph has no sampler node.']);
  });
});

describe('readImageSettings: damaged and foreign files', () => {
  it('falls back to the parameters chunk when the emulsion chunk is damaged', async () => {
    const result = await readImageSettings(
      withChunks(png, [
        iTXt('parameters', A1111_UNICODE),
        tEXt('emulsion', '{"format": "emulsion.image-settings", '),
      ]),
    );
    expect(result.source).toBe('a1111');
    expect(result.settings).toEqual(A1111_UNICODE_SETTINGS);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^The "emulsion" chunk is not valid JSON \(.*\)\. Falling back to the other chunks\.$/,
    );
  });

  it('uses the first of two chunks with the same keyword and says so', async () => {
    const result = await readImageSettings(
      withChunks(png, [
        iTXt('parameters', A1111_UNICODE),
        tEXt('parameters', 'other\nSteps: 1, Sampler: a, Seed: 2'),
      ]),
    );
    expect(result.settings?.seed).toBe(3928475);
    expect(result.warnings).toEqual([
      'The PNG has more than one "parameters" chunk; the first was used.',
    ]);
  });

  it('answers "no settings found" for a PNG without text chunks', async () => {
    const result = await readImageSettings(png);
    expect(result).toEqual({
      source: 'none',
      format: 'png',
      settings: null,
      message: NO_SETTINGS_MESSAGE,
      warnings: [],
    });
  });

  it('answers clearly for a non-image file named .png', async () => {
    const file = path.join(dir, 'fake.png');
    await writeFile(file, 'This is a text file, not a picture.\n');
    const result = await readImageSettings(file);
    expect(result.source).toBe('none');
    expect(result.format).toBe('unknown');
    expect(result.message).toMatch(/^No settings found/);
    expect(result.warnings).toEqual([
      'Not a PNG, JPEG or WebP image (it starts with bytes 54 68 69 73 20 69 73 20).',
    ]);
  });

  it('reads a JPEG named .png as the JPEG it is', async () => {
    const file = path.join(dir, 'really-a-jpeg.png');
    await writeFile(
      file,
      await jpegWithExif(tiffWithUserComment(userCommentUnicodeBE(A1111_UNICODE), 'MM')),
    );
    const result = await readImageSettings(file);
    expect(result.format).toBe('jpeg');
    expect(result.settings?.prompt).toBe(A1111_UNICODE_SETTINGS.prompt);
  });

  it('answers for an empty file and a truncated PNG', async () => {
    expect((await readImageSettings(new Uint8Array(0))).warnings).toEqual(['The file is empty.']);
    const cut = withChunks(png, [tEXt('parameters', 'x\nSteps: 1, Sampler: a, Seed: 2')]).subarray(
      0,
      40,
    );
    const result = await readImageSettings(cut);
    expect(result.source).toBe('none');
    expect(result.warnings[0]).toMatch(/truncated file/);
  });

  it('skips a 10 MB parameters chunk with a message and still reads the rest', async () => {
    const big = tEXt('parameters', 'x'.repeat(10 * 1024 * 1024));
    const result = await readImageSettings(
      withChunks(png, [big, tEXt('prompt', JSON.stringify(COMFY_DEFAULT))]),
    );
    expect(result.source).toBe('comfyui');
    expect(result.warnings).toEqual([
      'Text chunk tEXt at byte 33 is 10.0 MB, over the 4.0 MB limit for settings; it was skipped.',
    ]);
  });

  it('raises IO_ERROR naming the file when it does not exist', async () => {
    const file = path.join(dir, 'missing.png');
    await expect(readImageSettings(file)).rejects.toMatchObject({
      code: 'IO_ERROR',
      details: { file },
    });
  });
});
