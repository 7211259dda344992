// Speed of the CLIP tokenizer: `npx vitest bench test/main/engine/text/tokenizer.bench.ts`.
import { bench, describe } from 'vitest';
import { loadTokenizer, tokenizeWeighted } from '../../../../main/engine/text/index.ts';
import { makeTokenizerFolder } from './clip-folder.ts';

const folder = makeTokenizerFolder('sd1');
const tokenizer = await loadTokenizer(folder);
const prompt =
  'a highly detailed photograph of an ancient stone castle on a misty hill at dawn, surrounded ' +
  'by pine forests and a winding river, golden light breaking through the clouds, flocks of ' +
  'birds in the sky, cinematic composition, volumetric fog, 35mm film grain, award winning';
let counter = 0;
const fresh = () => prompt.replace('castle', `castle${(counter++).toString(36)}`);

describe('CLIP tokenizer', () => {
  bench('encode a ~70-token prompt (cached words)', () => {
    tokenizer.encode(prompt);
  });
  bench('encode a ~70-token prompt with one new word', () => {
    tokenizer.encode(fresh());
  });
  bench('tokenizeWeighted a ~70-token prompt', () => {
    tokenizeWeighted(tokenizer, '(' + prompt + ':1.2)');
  });
  bench(
    'load a tokenizer folder (uncached)',
    async () => {
      const { readTokenizerFiles } =
        await import('../../../../main/engine/text/tokenizer-files.ts');
      await readTokenizerFiles(folder);
    },
    { iterations: 5 },
  );
});
