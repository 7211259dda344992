import { describe, expect, it } from 'vitest';
import { formatEta, formatMs, formatWeight } from '../../../renderer/lib/format.ts';
import { presetsFor } from '../../../renderer/lib/sizes.ts';

describe('formatEta()', () => {
  it('multiplies the remaining steps by the time per step', () => {
    expect(formatEta(5, 25, 600)).toBe('about 12 s left'); // 20 × 0.6 s
    expect(formatEta(1, 101, 1200)).toBe('about 2 min left'); // 100 × 1.2 s = 120 s
    expect(formatEta(9, 10, 300)).toBe('less than a second left');
  });
  it('has nothing to say before the first step', () => {
    expect(formatEta(0, 20, 0)).toBeNull();
  });
});

describe('formatMs() and formatWeight()', () => {
  it('formats durations and weights compactly', () => {
    expect(formatMs(420)).toBe('420 ms');
    expect(formatMs(1530)).toBe('1.5 s');
    expect(formatWeight(1.21)).toBe('×1.21');
    expect(formatWeight(1.5)).toBe('×1.5');
    expect(formatWeight(2)).toBe('×2');
  });
});

describe('presetsFor()', () => {
  it('puts the model default first when no preset matches it', () => {
    expect(presetsFor({ width: 64, height: 64 })[0]).toEqual({
      label: 'Model default 64 × 64',
      width: 64,
      height: 64,
    });
    expect(presetsFor({ width: 512, height: 512 })[0].label).toBe('Square 512');
  });
});
