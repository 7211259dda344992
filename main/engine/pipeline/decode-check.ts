/**
 * A decoded image with NaN or Inf pixels comes out black (or white) without any error from
 * onnxruntime. The usual cause is float16 overflow in a VAE decoder (SDXL's original VAE), so
 * the warning says how to get a float32 decode (model/upcast.ts).
 */
import type { LoadedModel } from '../model/loaded-model.ts';

export function warnIfNotFinite(
  decoded: readonly { data: Float32Array }[],
  model: LoadedModel,
  warn: (message: string) => void,
): void {
  let bad = 0;
  let total = 0;
  for (const image of decoded) {
    total += image.data.length;
    for (const v of image.data) if (!Number.isFinite(v)) bad++;
  }
  if (bad === 0) return;
  const fp16 = model.vaeDecoder.contract.latentType === 'float16';
  warn(
    `The VAE decoder returned ${bad} of ${total} values as NaN or Inf; those pixels are wrong.` +
      (fp16 || model.sdxlText
        ? ' This is float16 overflow in the VAE: use a float32 vae_decoder or the sdxl-vae-fp16-fix ' +
          'VAE, or set "force_upcast": true in vae_decoder/config.json so Emulsion decodes in float32.'
        : ''),
  );
}
