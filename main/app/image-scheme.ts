/** The custom protocol that serves images from the app's own folders to the renderer. */
export const IMAGE_SCHEME = 'emulsion-image';

/** `emulsion-image://local/<encoded absolute path>`; the host part is fixed, the path is data. */
export function imageUrl(absolutePath: string): string {
  return `${IMAGE_SCHEME}://local/${encodeURIComponent(absolutePath)}`;
}
