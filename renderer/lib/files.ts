/** Reading dropped, pasted or picked files into the store's image input shape. */
import type { ImageInput } from '../store/types.ts';

export async function readImageFile(file: File): Promise<ImageInput> {
  return {
    data: new Uint8Array(await file.arrayBuffer()),
    name: file.name || 'image',
    type: file.type,
  };
}

/** The first file of a drop or paste, if any. */
export function firstFile(list: FileList | null | undefined): File | null {
  return list && list.length > 0 ? list[0] : null;
}
