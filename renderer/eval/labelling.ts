/**
 * The labelling keys, as in `emulsion audit label`: 1–9 and 0 pick the 1st–10th value, c is
 * "can't tell", s skips the image, u or Backspace undoes the last label. Pure, so it is tested
 * on its own and the view stays thin.
 */
import type { AttributeDto, LabelDto } from './api.ts';

export const CANT_TELL = "can't tell";

export interface LabelCursor {
  index: number;
  attributeIndex: number;
  history: { index: number; attributeIndex: number }[];
}

export type LabelStep =
  | { type: 'save'; label: LabelDto; cursor: LabelCursor }
  | { type: 'move'; cursor: LabelCursor }
  | { type: 'none' };

export function valueForKey(attribute: AttributeDto, key: string): string | undefined {
  if (key === 'c' || key === 'C') return CANT_TELL;
  if (!/^[0-9]$/.test(key)) return undefined;
  return attribute.values[key === '0' ? 9 : Number(key) - 1];
}

export function keyLabel(index: number): string {
  return index === 9 ? '0' : String(index + 1);
}

/** What a key does at `cursor`; `images[i]` is the image key of item i. */
export function labelKey(
  key: string,
  cursor: LabelCursor,
  images: readonly string[],
  attributes: readonly AttributeDto[],
): LabelStep {
  if (cursor.index >= images.length) return { type: 'none' };
  if (key === 'u' || key === 'Backspace') {
    const previous = cursor.history.at(-1);
    if (!previous) return { type: 'none' };
    return {
      type: 'save',
      label: {
        image: images[previous.index],
        attribute: attributes[previous.attributeIndex].name,
        value: null,
      },
      cursor: { ...previous, history: cursor.history.slice(0, -1) },
    };
  }
  if (key === 's')
    return {
      type: 'move',
      cursor: { index: cursor.index + 1, attributeIndex: 0, history: cursor.history },
    };
  const attribute = attributes[cursor.attributeIndex];
  const value = valueForKey(attribute, key);
  if (value === undefined) return { type: 'none' };
  const last = cursor.attributeIndex + 1 >= attributes.length;
  return {
    type: 'save',
    label: { image: images[cursor.index], attribute: attribute.name, value },
    cursor: {
      index: last ? cursor.index + 1 : cursor.index,
      attributeIndex: last ? 0 : cursor.attributeIndex + 1,
      history: [...cursor.history, { index: cursor.index, attributeIndex: cursor.attributeIndex }],
    },
  };
}
