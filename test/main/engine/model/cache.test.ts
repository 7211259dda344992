// @vitest-environment node
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModels } from '../../../../main/demo-model/index.ts';
import { ModelCache } from '../../../../main/engine/model/loaded-model.ts';

let base: string;
let refiner: string;
let cache: ModelCache;

beforeAll(async () => {
  ({ base, refiner } = await ensureDemoModels());
});
afterEach(() => cache?.release());

describe('ModelCache', () => {
  it('keeps a base and its refiner loaded across base → refiner jobs', async () => {
    cache = new ModelCache();
    const a = await cache.get(base, 'cpu', undefined, refiner);
    const b = await cache.get(refiner, 'cpu', undefined, base);
    expect(await cache.get(base, 'cpu', undefined, refiner)).toBe(a);
    expect(await cache.get(refiner, 'cpu', undefined, base)).toBe(b);
    expect(cache.loaded).toBe(b);
  });

  it('releases the companion when a job does not need it', async () => {
    cache = new ModelCache();
    const a = await cache.get(base, 'cpu', undefined, refiner);
    const b = await cache.get(refiner, 'cpu', undefined, base);
    // A plain base job: the base comes back as it was, the refiner is released.
    expect(await cache.get(base, 'cpu')).toBe(a);
    expect(await cache.get(refiner, 'cpu')).not.toBe(b);
    // Switching without `keep` released the base too: it loads afresh.
    expect(await cache.get(base, 'cpu')).not.toBe(a);
  });

  it('releases every other model on a plain switch', async () => {
    cache = new ModelCache();
    const a = await cache.get(base, 'cpu');
    await cache.get(refiner, 'cpu');
    expect(await cache.get(base, 'cpu')).not.toBe(a);
  });
});
