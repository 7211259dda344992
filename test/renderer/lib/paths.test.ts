import { describe, expect, it } from 'vitest';
import { folderName, joinPath, timestamp } from '../../../renderer/lib/paths.ts';

describe('joinPath()', () => {
  it('joins with the separator the root uses', () => {
    expect(joinPath('/home/ana/eval/', 'xyz', 'p1')).toBe('/home/ana/eval/xyz/p1');
    expect(joinPath('C:\\Users\\ana\\eval', 'audits', 'a')).toBe('C:\\Users\\ana\\eval\\audits\\a');
  });
});

describe('folderName()', () => {
  it('keeps letters, digits, dots, dashes and underscores, never a hidden or empty name', () => {
    expect(folderName('Nurses & judges')).toBe('Nurses-judges');
    expect(folderName('../../etc')).toBe('etc');
    expect(folderName('.hidden')).toBe('hidden');
    expect(folderName('  ')).toBe('untitled');
    expect(folderName('a/b\\c')).toBe('a-b-c');
  });
});

describe('timestamp()', () => {
  it('writes local time as YYYYMMDD-HHMMSS', () => {
    expect(timestamp(new Date(2026, 2, 4, 5, 6, 7))).toBe('20260304-050607');
  });
});
