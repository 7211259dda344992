import { describe, expect, it } from 'vitest';
import { benchGallerySearch } from '../../../main/gallery/bench.ts';

// Speed is measured by `npm run bench`; this only checks that the benchmark runs and reports.
describe('benchGallerySearch', () => {
  it('indexes the requested rows and reports a timing and a match count per query', async () => {
    const report = await benchGallerySearch(300, 1);
    expect(report.rows).toBe(300);
    expect(report.targetMs).toBe(50);
    expect(report.queries.map((q) => q.name)).toContain('common word');
    const browse = report.queries.find((q) => q.name === 'browse, newest first');
    expect(browse?.total).toBe(300);
    for (const q of report.queries) {
      expect(q.medianMs).toBeGreaterThanOrEqual(0);
      expect(q.total).toBeLessThanOrEqual(300);
    }
    expect(report.queries.find((q) => q.name === 'common word')?.total).toBeGreaterThan(0);
  });
});
