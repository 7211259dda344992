/**
 * Text clean-up and pre-tokenization of the CLIP tokenizer, following the Hugging Face fast
 * CLIP tokenizer (transformers `convert_slow_tokenizer.py` `CLIPConverter`): NFC, every run of
 * white space to one space, lowercase; then the CLIP word pattern (onnx-contract.md §6).
 *
 * NOTE: openai's original also runs ftfy and unescapes HTML entities (`&amp;` → `&`); the
 * Hugging Face tokenizers that diffusers uses do not unescape, and neither do we. Without ftfy
 * the HF *slow* tokenizer falls back to BERT's BasicTokenizer, which also puts spaces around CJK
 * ideographs and drops control characters; the fast tokenizer and openai's keep both, as we do.
 */

export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';

// `\s` here means Unicode White_Space, as in the Rust (Oniguruma) regex the HF tokenizer runs:
// it includes U+0085 and excludes U+FEFF, unlike JavaScript's `\s`.
const WHITE_SPACE_RUN = /\p{White_Space}+/gu;

// The HF tokenizers cut special tokens out of the text before the word pattern runs, so
// "!<|endoftext|>" is "!" then the special, not one punctuation run.
const SPECIAL_TOKEN = /(<\|startoftext\|>|<\|endoftext\|>)/;

// English contractions, letter runs, single digits, and runs of everything else. White space
// matches nothing and so separates words.
const WORD_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/gu;

/**
 * NFC, white space runs to one space, lowercase. No trim: edge spaces never reach a word, and
 * JavaScript's trim() would also remove U+FEFF, which CLIP encodes.
 */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(WHITE_SPACE_RUN, ' ').toLowerCase();
}

/** Splits cleaned text into special tokens and the words that BPE encodes one at a time. */
export function splitWords(cleaned: string): string[] {
  const words: string[] = [];
  cleaned.split(SPECIAL_TOKEN).forEach((piece, i) => {
    // split() with a capture group puts the separators at odd indices.
    if (i % 2 === 1) words.push(piece);
    else for (const match of piece.matchAll(WORD_PATTERN)) words.push(match[0]);
  });
  return words;
}
