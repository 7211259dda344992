/**
 * The text encoder: input_ids [B,S] int64 (CLIP BPE ids) → last_hidden_state [B,S,768] and
 * pooler_output [B,768].
 *
 * Each token id maps to at most one concept (a shape, colour or background; design.ts), and a
 * concept's hidden state is the unit vector on hidden dimension k. Other tokens, BOS, EOS and
 * padding carry zeros, so the empty prompt is all zeros. One word of context: a colour word
 * followed by a background noun ("black background") names a background instead of a colour.
 * pooler_output is the sum over tokens (the bag of concepts), not CLIP's EOS-token state.
 *
 * Lookups use small uint8 tables over the 49 408-id vocabulary plus a [17,768] vector table,
 * instead of a full [49408,768] float table (150 MB).
 */
import { GraphBuilder } from '../onnx-builder/index.ts';
import {
  BACKGROUND_BEFORE_NOUN,
  BACKGROUND_NOUNS,
  CONCEPTS,
  HIDDEN_SIZE,
  SYNONYMS,
} from './design.ts';

export const VOCAB_SIZE = 49408;

export interface ConceptTables {
  /** id → 1 + concept index, 0 for none. */
  concept: Uint8Array;
  /** id → concept to use before a background noun (1-based, 0 none). */
  beforeNoun: Uint8Array;
  /** id → 1 when the token is a background noun. */
  noun: Uint8Array;
}

/** Builds the token tables from vocab.json (token string → id), `word</w>` for whole words. */
export function conceptTables(vocab: ReadonlyMap<string, number>): ConceptTables {
  const concept = new Uint8Array(VOCAB_SIZE);
  const beforeNoun = new Uint8Array(VOCAB_SIZE);
  const noun = new Uint8Array(VOCAB_SIZE);
  const idOf = (word: string): number | undefined => vocab.get(`${word}</w>`);
  for (const [name, words] of Object.entries(SYNONYMS)) {
    const k = CONCEPTS.indexOf(name) + 1;
    const alt = BACKGROUND_BEFORE_NOUN[name];
    for (const word of words) {
      const id = idOf(word);
      if (id === undefined) continue; // NOTE: multi-token words are not concepts (design.ts)
      concept[id] = k;
      beforeNoun[id] = alt === undefined ? 0 : CONCEPTS.indexOf(alt) + 1;
    }
  }
  for (const word of BACKGROUND_NOUNS) {
    const id = idOf(word);
    if (id !== undefined) noun[id] = 1;
  }
  return { concept, beforeNoun, noun };
}

export function buildTextEncoder(vocab: ReadonlyMap<string, number>): GraphBuilder {
  const tables = conceptTables(vocab);
  const k = CONCEPTS.length;
  const vectors = new Float32Array((k + 1) * HIDDEN_SIZE);
  for (let c = 0; c < k; c++) vectors[(c + 1) * HIDDEN_SIZE + c] = 1;

  const g = new GraphBuilder('emulsion_shapes_text_encoder');
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const lookup = (name: string, table: Uint8Array) =>
    g.op('Cast', [g.op('Gather', [g.initializer(name, table, [VOCAB_SIZE], 'uint8'), ids])], {
      to: 7,
    });
  const concept = lookup('tokens.concept', tables.concept);
  const beforeNoun = lookup('tokens.before_noun', tables.beforeNoun);
  const isNoun = lookup('tokens.background_noun', tables.noun);
  // nextIsNoun[b,s] = isNoun[b,s+1] (0 past the end).
  const shifted = g.op('Slice', [isNoun, g.i64([1]), g.i64([Number.MAX_SAFE_INTEGER]), g.i64([1])]);
  const nextIsNoun = g.op('Pad', [shifted, g.i64([0, 0, 0, 1])], { mode: 'constant' });
  const index = g.op('Where', [g.op('Cast', [nextIsNoun], { to: 9 }), beforeNoun, concept]);
  const hidden = g.op('Gather', [
    g.initializer('concept_vectors', vectors, [k + 1, HIDDEN_SIZE]),
    index,
  ]);
  g.output(hidden, 'last_hidden_state', 'float32', ['batch', 'sequence', HIDDEN_SIZE]);
  const pooled = g.op('ReduceSum', [hidden, g.i64([1])], { keepdims: 0 });
  g.output(pooled, 'pooler_output', 'float32', ['batch', HIDDEN_SIZE]);
  return g;
}
