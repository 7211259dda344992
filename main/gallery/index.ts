/** The gallery service and its IPC-facing types. */
export { Gallery, type GalleryOptions } from './gallery.ts';
export { benchGallerySearch, type GallerySearchBench } from './bench.ts';
export type {
  GalleryItem,
  GalleryItemDetail,
  GalleryOrder,
  GalleryPage,
  GalleryQuery,
  ScanReport,
  TrashEntry,
} from '../../common/gallery.ts';
