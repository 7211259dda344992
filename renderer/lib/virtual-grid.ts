/**
 * Layout of a virtualised grid: how many columns fit, how tall a row is, and which rows (and so
 * which items) are on screen plus an overscan margin. Only those items are rendered; the rest of
 * the scroll height is an empty box. Pure, so it is tested on its own.
 */

export interface GridInput {
  /** Inner width and height of the scrolling viewport, px. */
  width: number;
  height: number;
  scrollTop: number;
  itemCount: number;
  /** Cells are at least this wide; spare width is shared out so rows fill the viewport. */
  minCellWidth: number;
  gap: number;
  /** Cell height = cell width × aspect + extra (e.g. a caption). */
  aspect: number;
  extraHeight?: number;
  /** Rows rendered above and below the visible ones, so a fast scroll shows no blank rows. */
  overscanRows: number;
}

export interface GridLayout {
  columns: number;
  cellWidth: number;
  cellHeight: number;
  /** Cell height plus the gap: the distance from one row's top to the next. */
  rowPitch: number;
  rowCount: number;
  totalHeight: number;
  /** Rendered rows [firstRow, lastRow) and items [firstIndex, lastIndex). */
  firstRow: number;
  lastRow: number;
  firstIndex: number;
  lastIndex: number;
}

export function gridLayout(input: GridInput): GridLayout {
  const { width, height, itemCount, gap, overscanRows } = input;
  const columns = Math.max(1, Math.floor((width + gap) / (input.minCellWidth + gap)));
  const cellWidth = Math.max(1, (width - gap * (columns - 1)) / columns);
  const cellHeight = Math.round(cellWidth * input.aspect + (input.extraHeight ?? 0));
  const rowPitch = cellHeight + gap;
  const rowCount = Math.ceil(itemCount / columns);
  const totalHeight = rowCount > 0 ? rowCount * rowPitch - gap : 0;
  // A scroll position past the end (the list shrank) still shows the last rows.
  const scrollTop = Math.min(Math.max(0, input.scrollTop), Math.max(0, totalHeight - height));
  const firstVisible = Math.floor(scrollTop / rowPitch);
  const lastVisible = Math.ceil((scrollTop + height) / rowPitch);
  const firstRow = Math.max(0, firstVisible - overscanRows);
  const lastRow = Math.min(rowCount, lastVisible + overscanRows);
  return {
    columns,
    cellWidth,
    cellHeight,
    rowPitch,
    rowCount,
    totalHeight,
    firstRow,
    lastRow,
    firstIndex: Math.min(itemCount, firstRow * columns),
    lastIndex: Math.min(itemCount, lastRow * columns),
  };
}

/** The scrollTop that brings row `row` fully into view, or null when it already is. */
export function scrollToRow(
  row: number,
  layout: Pick<GridLayout, 'rowPitch' | 'cellHeight'>,
  scrollTop: number,
  height: number,
): number | null {
  const top = row * layout.rowPitch;
  const bottom = top + layout.cellHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + height) return Math.max(0, bottom - height);
  return null;
}

/** The index a navigation key moves to from `index`, or null for keys the grid does not use. */
export function moveIndex(
  key: string,
  index: number,
  columns: number,
  itemCount: number,
  pageRows: number,
): number | null {
  const last = itemCount - 1;
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  switch (key) {
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowDown':
      return index + columns <= last ? index + columns : index;
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'PageDown':
      return clamp(index + columns * pageRows);
    case 'PageUp':
      return clamp(index - columns * pageRows);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
