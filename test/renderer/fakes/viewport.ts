/**
 * happy-dom lays nothing out, so every element is 0 × 0. The virtual grid measures its scroller
 * (class `vgrid`); this makes that one element report a window-like size. Returns the undo.
 */
export function stubGridViewport(width: number, height: number): () => void {
  const saved: [string, PropertyDescriptor | undefined][] = [];
  for (const key of ['clientWidth', 'clientHeight'] as const) {
    saved.push([key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key)]);
    Object.defineProperty(HTMLElement.prototype, key, {
      configurable: true,
      get(this: HTMLElement) {
        if (!this.classList.contains('vgrid')) return 0;
        return key === 'clientWidth' ? width : height;
      },
    });
  }
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, key, descriptor);
      else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key];
    }
  };
}
