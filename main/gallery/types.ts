/**
 * The gallery's plain-JSON shapes. They cross IPC to the renderer, so they live in
 * common/gallery.ts; this module keeps the gallery's own import paths working.
 */
export type {
  GalleryItem,
  GalleryItemDetail,
  GalleryOrder,
  GalleryPage,
  GalleryQuery,
  ScanReport,
  TrashEntry,
} from '../../common/gallery.ts';
