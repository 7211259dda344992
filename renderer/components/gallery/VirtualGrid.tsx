/**
 * A virtualised, keyboard-navigable grid: only the rows on screen plus `overscanRows` above and
 * below are in the DOM, each absolutely placed inside a box as tall as all rows together. ARIA grid
 * semantics (aria-rowcount, aria-rowindex) tell assistive technology how many rows exist.
 *
 * Focus is roving: one cell is in the tab order; arrow keys, Page Up/Down, Home and End move it,
 * scrolling its row into view first so the cell exists before it is focused.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { gridLayout, moveIndex, scrollToRow } from '../../lib/virtual-grid.ts';

export interface CellProps {
  /** 0 for the cell in the tab order, -1 for the others: put it on the cell's main control. */
  tabIndex: number;
  /** Put on the cell's main control; the grid focuses it when the arrow keys reach the cell. */
  'data-grid-focus': true;
  onFocus: () => void;
}

export interface VirtualGridProps {
  label: string;
  itemCount: number;
  getKey: (index: number) => string | number;
  renderCell: (index: number, props: CellProps) => ReactNode;
  minCellWidth?: number;
  gap?: number;
  /** Cell height = width × aspect + extraHeight. */
  aspect?: number;
  extraHeight?: number;
  overscanRows?: number;
  /** The rendered item range changed: the owner loads more when it nears the end. */
  onRangeChange?: (firstIndex: number, lastIndex: number) => void;
  /** Shown below the last row (e.g. "Loading more…"). */
  footer?: ReactNode;
}

export function VirtualGrid(props: VirtualGridProps) {
  const {
    itemCount,
    minCellWidth = 180,
    gap = 12,
    aspect = 1,
    extraHeight = 0,
    overscanRows = 2,
  } = props;
  const scroller = useRef<HTMLDivElement>(null);
  /** Content width (padding excluded), viewport height, and the padding above the rows. */
  const [size, setSize] = useState({ width: 0, height: 0, top: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const pendingFocus = useRef(false);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => {
      const style = getComputedStyle(el);
      const px = (v: string) => Number.parseFloat(v) || 0;
      setSize({
        width: el.clientWidth - px(style.paddingLeft) - px(style.paddingRight),
        height: el.clientHeight,
        top: px(style.paddingTop),
      });
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const layout = gridLayout({
    width: size.width,
    height: size.height,
    scrollTop: scrollTop - size.top,
    itemCount,
    minCellWidth,
    gap,
    aspect,
    extraHeight,
    overscanRows,
  });
  const current = Math.min(active, Math.max(0, itemCount - 1));

  const { onRangeChange } = props;
  useEffect(() => {
    if (size.height > 0) onRangeChange?.(layout.firstIndex, layout.lastIndex);
  }, [layout.firstIndex, layout.lastIndex, size.height, onRangeChange]);

  useEffect(() => {
    if (!pendingFocus.current) return;
    const target = scroller.current?.querySelector<HTMLElement>(
      `[data-index="${current}"] [data-grid-focus]`,
    );
    if (target) {
      pendingFocus.current = false;
      target.focus({ preventScroll: true });
    }
  });

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const pageRows = Math.max(1, Math.floor(size.height / layout.rowPitch));
      const next = moveIndex(e.key, current, layout.columns, itemCount, pageRows);
      if (next === null || itemCount === 0) return;
      e.preventDefault();
      const el = scroller.current;
      const row = Math.floor(next / layout.columns);
      const found = el ? scrollToRow(row, layout, el.scrollTop - size.top, size.height) : null;
      const top = found === null ? null : found + size.top;
      if (el && top !== null) {
        el.scrollTop = top;
        setScrollTop(top);
      }
      pendingFocus.current = true;
      setActive(next);
    },
    [current, itemCount, layout, size.height],
  );

  const rows: ReactNode[] = [];
  for (let row = layout.firstRow; row < layout.lastRow; row++) {
    const cells: ReactNode[] = [];
    for (let col = 0; col < layout.columns; col++) {
      const index = row * layout.columns + col;
      if (index >= itemCount) break;
      cells.push(
        <div
          key={props.getKey(index)}
          role="gridcell"
          data-index={index}
          className="vgrid__cell"
          style={{
            width: layout.cellWidth,
            height: layout.cellHeight,
            left: col * (layout.cellWidth + gap),
          }}
        >
          {props.renderCell(index, {
            tabIndex: index === current ? 0 : -1,
            'data-grid-focus': true,
            onFocus: () => setActive(index),
          })}
        </div>,
      );
    }
    rows.push(
      <div
        key={row}
        role="row"
        aria-rowindex={row + 1}
        className="vgrid__row"
        style={{ top: row * layout.rowPitch, height: layout.cellHeight }}
      >
        {cells}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="vgrid"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      data-testid="virtual-grid"
    >
      <div
        role="grid"
        aria-label={props.label}
        aria-rowcount={layout.rowCount}
        aria-colcount={layout.columns}
        className="vgrid__body"
        style={{ height: layout.totalHeight }}
        onKeyDown={onKeyDown}
      >
        {rows}
      </div>
      {props.footer}
    </div>
  );
}
