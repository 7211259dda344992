/**
 * SDXL's two text encoders (docs/onnx-contract.md §2.2–2.3). optimum exports every hidden state
 * (`hidden_states.0` … `hidden_states.L`); SDXL conditions on the penultimate one of each encoder
 * without the final layer norm (CLIP-L `hidden_states.11`, OpenCLIP bigG `hidden_states.31`), and
 * on text_encoder_2's projected pooled output `text_embeds`.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedSession } from '../ort/session.ts';
import { fixedLastDim, requireInput, requireOutput } from './contract.ts';

export interface SdxlTextEncoderContract {
  idsType: string;
  /** `hidden_states.{L−1}`: the penultimate layer (diffusers `hidden_states[-2]`). */
  hiddenOutput: string;
  width?: number;
  /** `text_embeds` [B,1280], text_encoder_2 only. */
  pooledOutput?: string;
}

/** The penultimate `hidden_states.N` output, or a MODEL_CONTRACT error naming what is missing. */
function penultimate(session: LoadedSession): { name: string; width?: number } {
  const layers = session.outputs
    .map((m) => ({ meta: m, index: /^hidden_states\.(\d+)$/.exec(m.name)?.[1] }))
    .filter((x) => x.index !== undefined)
    .map((x) => ({ meta: x.meta, index: Number(x.index) }));
  const last = Math.max(-1, ...layers.map((l) => l.index));
  const found = layers.find((l) => l.index === last - 1);
  if (!found) {
    const outputs = session.outputs.map((m) => m.name).join(', ');
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) has no per-layer outputs hidden_states.0…N; SDXL ` +
        `conditions on the penultimate layer, so export it with output_hidden_states (optimum ` +
        `does this for SDXL). Its outputs are: ${outputs}.`,
      { file: session.file },
    );
  }
  return { name: found.meta.name, width: fixedLastDim(found.meta) };
}

export function checkSdxlTextEncoder(
  session: LoadedSession,
  withPooled: boolean,
): SdxlTextEncoderContract {
  const ids = requireInput(session, 'input_ids', ['int32', 'int64'], 2);
  const hidden = penultimate(session);
  const pooled = withPooled ? requireOutput(session, ['text_embeds']).name : undefined;
  return {
    idsType: ids.type,
    hiddenOutput: hidden.name,
    width: hidden.width,
    pooledOutput: pooled,
  };
}
