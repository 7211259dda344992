import { describe, expect, it } from 'vitest';
import { parseLabelsCsv, splitCsvLine } from '../../../main/safety/labels.ts';

describe('parseLabelsCsv', () => {
  it('skips a header, comments and blank lines, and keeps line numbers', () => {
    const rows = parseLabelsCsv(
      '\uFEFFfile,label,category\n# hand-labelled\n\na.png, unsafe ,nudity\nb.png,SAFE\n',
      'l.csv',
    );
    expect(rows).toEqual([
      { file: 'a.png', label: 'unsafe', category: 'nudity', line: 4 },
      { file: 'b.png', label: 'safe', line: 5 },
    ]);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('"a, ""b"".png",safe')).toEqual(['a, "b".png', 'safe']);
    expect(parseLabelsCsv('"x, y.png",unsafe,"gore, mild"', 'l.csv')[0]).toMatchObject({
      file: 'x, y.png',
      category: 'gore, mild',
    });
  });

  it('refuses an open quote, a path leaving the folder, and an empty file', () => {
    expect(() => parseLabelsCsv('"a.png,safe', 'l.csv')).toThrow(
      '`l.csv:1` must be a line whose quotes are closed',
    );
    expect(() => parseLabelsCsv('../secret.png,safe', 'l.csv')).toThrow(
      '`l.csv:1 file` must be a path relative to the images folder',
    );
    expect(() => parseLabelsCsv('/etc/x.png,safe', 'l.csv')).toThrow(/l\.csv:1 file/);
    expect(() => parseLabelsCsv('file,label\n', 'l.csv')).toThrow(
      '`l.csv` must be at least one file,label line',
    );
  });
});
