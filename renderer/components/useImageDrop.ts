import { useState, type DragEvent } from 'react';
import { firstFile, readImageFile } from '../lib/files.ts';
import type { ImageInput } from '../store/types.ts';

/** Drag-and-drop handlers for one drop zone, plus whether a file is hovering over it. */
export function useImageDrop(onImage: (image: ImageInput) => void) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  return {
    dragging,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      },
      onDragOver(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave(e: DragEvent) {
        if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
        setDragging(false);
      },
      async onDrop(e: DragEvent) {
        e.preventDefault();
        e.stopPropagation();
        setDragging(false);
        const file = firstFile(e.dataTransfer?.files);
        if (file) onImage(await readImageFile(file));
      },
    },
  };
}
