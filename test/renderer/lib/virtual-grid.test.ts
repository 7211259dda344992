import { describe, expect, it } from 'vitest';
import { gridLayout, moveIndex, scrollToRow } from '../../../renderer/lib/virtual-grid.ts';

// 1000 px wide, 10 px gaps, cells at least 190 px: floor(1010 / 200) = 5 columns of
// (1000 − 4·10) / 5 = 192 px, square, so a row pitch of 202 px. 10,000 items make 2,000 rows.
const base = {
  width: 1000,
  height: 600,
  itemCount: 10_000,
  minCellWidth: 190,
  gap: 10,
  aspect: 1,
  overscanRows: 2,
};

describe('gridLayout()', () => {
  it('fits whole columns and shares the spare width out', () => {
    const l = gridLayout({ ...base, scrollTop: 0 });
    expect([l.columns, l.cellWidth, l.cellHeight, l.rowPitch]).toEqual([5, 192, 192, 202]);
    expect(l.rowCount).toBe(2000);
    expect(l.totalHeight).toBe(2000 * 202 - 10);
  });

  it('renders the visible rows plus the overscan at the top of the list', () => {
    // Rows 0..2 are visible (ceil(600 / 202) = 3), plus 2 below: rows 0..4, items 0..24.
    const l = gridLayout({ ...base, scrollTop: 0 });
    expect([l.firstRow, l.lastRow, l.firstIndex, l.lastIndex]).toEqual([0, 5, 0, 25]);
  });

  it('renders the window around the scroll position in the middle of the list', () => {
    // scrollTop 20200 = row 100; the bottom edge 20800 / 202 = 102.97 → rows 100..102 visible.
    const l = gridLayout({ ...base, scrollTop: 20_200 });
    expect([l.firstRow, l.lastRow, l.firstIndex, l.lastIndex]).toEqual([98, 105, 490, 525]);
  });

  it('shows the last rows when the scroll position is past the end', () => {
    // Clamped to 403990 − 600 = 403390: 403390 / 202 = 1996.98 → first visible row 1996.
    const l = gridLayout({ ...base, scrollTop: 1e9 });
    expect([l.firstRow, l.lastRow, l.firstIndex, l.lastIndex]).toEqual([1994, 2000, 9970, 10_000]);
  });

  it('adds the caption height to the cell and keeps one column when the viewport is narrow', () => {
    const l = gridLayout({ ...base, width: 100, extraHeight: 44, scrollTop: 0 });
    expect([l.columns, l.cellWidth, l.cellHeight]).toEqual([1, 100, 144]);
  });

  it('is empty for no items', () => {
    const l = gridLayout({ ...base, itemCount: 0, scrollTop: 0 });
    expect([l.rowCount, l.totalHeight, l.firstIndex, l.lastIndex]).toEqual([0, 0, 0, 0]);
  });
});

describe('scrollToRow()', () => {
  const layout = { rowPitch: 202, cellHeight: 192 };
  it('scrolls just enough to show a row below or above the viewport, and not at all otherwise', () => {
    expect(scrollToRow(5, layout, 0, 600)).toBe(5 * 202 + 192 - 600);
    expect(scrollToRow(0, layout, 500, 600)).toBe(0);
    expect(scrollToRow(2, layout, 0, 600)).toBeNull();
  });
});

describe('moveIndex()', () => {
  it('moves by one, by a row, by a page, and to either end', () => {
    expect(moveIndex('ArrowRight', 3, 5, 12, 2)).toBe(4);
    expect(moveIndex('ArrowLeft', 0, 5, 12, 2)).toBe(0);
    expect(moveIndex('ArrowDown', 3, 5, 12, 2)).toBe(8);
    expect(moveIndex('ArrowUp', 8, 5, 12, 2)).toBe(3);
    expect(moveIndex('PageDown', 0, 5, 12, 2)).toBe(10);
    expect(moveIndex('PageUp', 11, 5, 12, 2)).toBe(1);
    expect(moveIndex('Home', 7, 5, 12, 2)).toBe(0);
    expect(moveIndex('End', 0, 5, 12, 2)).toBe(11);
  });

  it('stays put at the edges and ignores other keys', () => {
    expect(moveIndex('ArrowRight', 11, 5, 12, 2)).toBe(11);
    // Item 8 has no item below it (13 > 11): the focus stays rather than jumping sideways.
    expect(moveIndex('ArrowDown', 8, 5, 12, 2)).toBe(8);
    expect(moveIndex('ArrowUp', 2, 5, 12, 2)).toBe(2);
    expect(moveIndex('Enter', 2, 5, 12, 2)).toBeNull();
  });
});
