import { useEffect, useState } from 'react';
import { firstFile, readImageFile } from '../lib/files.ts';
import type { ImageInput } from '../store/types.ts';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/**
 * The app-wide drop target. Files dragged over the window are always accepted, so a drop outside
 * every drop zone never makes the browser open the file in place of the studio. A drop that no
 * inner zone took (they stop propagation) goes to `onImage`.
 *
 * Whether a file hovers is tracked on the window in the capture phase, so a drop an inner zone
 * stops still ends the hover state here.
 */
export function useAppDrop(onImage: (image: ImageInput) => void): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const end = () => {
      depth = 0;
      setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      const file = firstFile(e.dataTransfer?.files);
      if (file) void readImageFile(file).then(onImage);
    };
    window.addEventListener('dragenter', enter, true);
    window.addEventListener('dragleave', leave, true);
    window.addEventListener('drop', end, true);
    window.addEventListener('dragend', end, true);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter, true);
      window.removeEventListener('dragleave', leave, true);
      window.removeEventListener('drop', end, true);
      window.removeEventListener('dragend', end, true);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [onImage]);
  return dragging;
}
