/** Window key handling for keyboard-driven views; keys typed into form fields are left alone. */
import { useEffect } from 'react';

export function useKeys(onKey: (key: string) => void, active = true): void {
  useEffect(() => {
    if (!active) return;
    const listener = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      onKey(e.key);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onKey, active]);
}
