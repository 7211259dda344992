/**
 * Extra model inputs batched like the prompt embeddings: one item per row of the UNet batch, in
 * the [uncond×B; cond×B] order of classifier-free guidance (diffusers). SDXL's text_embeds and
 * time_ids, LCM's timestep_cond and ControlNet residuals all travel as BatchedFeeds.
 */
import type * as ort from 'onnxruntime-node';
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedSession } from '../ort/session.ts';
import { makeTensor } from '../ort/tensors.ts';

export interface BatchedFeed {
  name: string;
  /** `count` items of `itemDims` floats each, item-major. */
  data: Float32Array;
  /** Dims of one item, without the batch axis (e.g. [1280] for text_embeds). */
  itemDims: number[];
}

export function itemSize(feed: BatchedFeed): number {
  return feed.itemDims.reduce((a, b) => a * b, 1);
}

export function itemCount(feed: BatchedFeed): number {
  return feed.data.length / itemSize(feed);
}

/** Items [from, to) of a feed (for exports whose batch is fixed at 1). */
export function sliceItems(feed: BatchedFeed, from: number, to: number): BatchedFeed {
  const per = itemSize(feed);
  return { ...feed, data: feed.data.subarray(from * per, to * per) };
}

/** One item per row: `rows[i]` repeated `times[i]` times, in order. */
export function stackRows(
  name: string,
  rows: readonly (readonly number[] | Float32Array)[],
  times: readonly number[],
  itemDims: number[],
): BatchedFeed {
  const per = itemDims.reduce((a, b) => a * b, 1);
  const total = times.reduce((a, b) => a + b, 0);
  const data = new Float32Array(total * per);
  let at = 0;
  rows.forEach((row, i) => {
    for (let k = 0; k < times[i]; k++, at++) data.set(row, at * per);
  });
  return { name, data, itemDims };
}

/** Tensors of the declared dtype for every feed; a feed the session does not declare is an error. */
export function feedTensors(
  session: LoadedSession,
  feeds: readonly BatchedFeed[],
): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const feed of feeds) {
    const meta = session.inputs.find((m) => m.name === feed.name);
    if (!meta) {
      throw new EmulsionError(
        'MODEL_CONTRACT',
        `${session.component} (${session.file}) has no input \`${feed.name}\`, which this generation needs.`,
        { file: session.file },
      );
    }
    const dims = [itemCount(feed), ...feed.itemDims];
    out[feed.name] = makeTensor(meta.type, feed.data, dims, `${session.component} ${feed.name}`);
  }
  return out;
}
