// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualGrid } from '../../../renderer/components/gallery/VirtualGrid.tsx';
import { stubGridViewport } from '../fakes/viewport.ts';

let restoreViewport: () => void;
beforeAll(() => {
  restoreViewport = stubGridViewport(1000, 600);
});
afterAll(() => restoreViewport());
afterEach(() => cleanup());

const COUNT = 10_000;

function renderGrid(onRangeChange = vi.fn()) {
  render(
    <VirtualGrid
      label="Images"
      itemCount={COUNT}
      getKey={(i) => i}
      minCellWidth={190}
      gap={10}
      aspect={1}
      overscanRows={2}
      onRangeChange={onRangeChange}
      renderCell={(i, cell) => (
        <button type="button" {...cell}>
          Item {i}
        </button>
      )}
    />,
  );
  return { scroller: screen.getByTestId('virtual-grid'), onRangeChange };
}

const renderedIndexes = () =>
  [...document.querySelectorAll('[role="gridcell"]')].map((c) =>
    Number(c.getAttribute('data-index')),
  );

// The expected windows are worked out by hand in test/renderer/lib/virtual-grid.test.ts:
// 5 columns of 192 px, rows 202 px apart, 2 rows of overscan.
describe('<VirtualGrid /> with 10,000 items', () => {
  it('puts only the visible rows and the overscan in the DOM', () => {
    renderGrid();
    expect(renderedIndexes()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(document.querySelectorAll('*').length).toBeLessThan(150);
    const grid = screen.getByRole('grid', { name: 'Images' });
    expect(grid.getAttribute('aria-rowcount')).toBe('2000');
    expect(grid.style.height).toBe(`${2000 * 202 - 10}px`);
  });

  it('renders the right window after a scroll, placed at its rows', () => {
    const { scroller, onRangeChange } = renderGrid();
    act(() => {
      scroller.scrollTop = 20_200;
      fireEvent.scroll(scroller);
    });
    expect(renderedIndexes()).toEqual(Array.from({ length: 35 }, (_, i) => 490 + i));
    expect(screen.queryByText('Item 0')).toBeNull();
    expect(screen.getByText('Item 500')).toBeTruthy();
    const row = screen.getByText('Item 500').closest('[role="row"]') as HTMLElement;
    expect(row.getAttribute('aria-rowindex')).toBe('101');
    expect(row.style.top).toBe(`${100 * 202}px`);
    expect(onRangeChange).toHaveBeenLastCalledWith(490, 525);
  });

  it('moves focus with the arrow keys and brings a far cell into view with End', () => {
    const { scroller } = renderGrid();
    const first = screen.getByText('Item 0');
    expect(first.tabIndex).toBe(0);
    expect(screen.getByText('Item 1').tabIndex).toBe(-1);
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByText('Item 5'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByText('Item 6'));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    // The last row's bottom (1999·202 + 192) lines up with the viewport's bottom edge.
    expect(scroller.scrollTop).toBe(1999 * 202 + 192 - 600);
    expect(document.activeElement).toBe(screen.getByText('Item 9999'));
    expect(renderedIndexes()).toContain(9999);
    expect(renderedIndexes()).not.toContain(0);
  });
});
