/** Prompt side of the engine: the CLIP tokenizer and A1111 prompt weighting. */
export {
  ClipTokenizer,
  clearTokenizerCache,
  loadTokenizer,
  type TokenizedPrompt,
} from './tokenizer.ts';
export {
  CLIP_MERGE_COUNT,
  DEFAULT_MAX_LENGTH,
  DEFAULT_TOKENS,
  type ReadTokenizerOptions,
} from './tokenizer-files.ts';
export { cleanText, END_OF_TEXT, splitWords, START_OF_TEXT } from './clip-text.ts';
export {
  BRACKET_FACTOR,
  parsePromptAttention,
  tokenizeWeighted,
  type PromptFragment,
  type WeightedTokens,
} from './prompt-weights.ts';
