import { describe, expect, it } from 'vitest';
import { endOfDay, startOfDay } from '../../../renderer/lib/dates.ts';

describe('startOfDay() / endOfDay()', () => {
  it('bounds a local day inclusively: midnight to one millisecond before the next midnight', () => {
    expect(startOfDay('2025-03-09')).toBe(new Date(2025, 2, 9, 0, 0, 0, 0).getTime());
    expect(endOfDay('2025-03-09')).toBe(new Date(2025, 2, 9, 23, 59, 59, 999).getTime());
  });

  it('treats an empty, malformed or impossible date as no bound', () => {
    for (const value of ['', '2025-3-9', '09/03/2025', '2025-02-30', '2025-13-01']) {
      expect(startOfDay(value)).toBeUndefined();
      expect(endOfDay(value)).toBeUndefined();
    }
  });
});
