/**
 * The gallery service the Electron main process exposes to the studio over IPC.
 *
 *   const gallery = await Gallery.open({ appDataDir, outputDir });   // reconciles on open
 *   const item = await gallery.saveGenerated(result, result.images[0], { modelHashes });
 *   const page = gallery.query({ text: 'lighthouse', favourite: true, limit: 200 });
 *   await gallery.delete([item.id]);  await gallery.restore([trashId]);  await gallery.emptyTrash();
 *
 * Files are the source of truth: each image carries its settings, and favourites and tags are kept
 * in `<output>/.emulsion/annotations.json`. The SQLite index (WAL, in the app data folder) can be
 * deleted at any time; `open` and `rescan` rebuild it. A save writes the PNG (temp file, then
 * rename) before the row, and `open` indexes any PNG whose row is missing, so a crash between the
 * two loses nothing. Changes that move files (delete, restore) and switching folders happen whole
 * or not at all: a failure leaves files, index and folder as they were.
 *
 * Every method that touches files runs in one queue, so a rescan never races a delete.
 */
import type Database from 'better-sqlite3';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';
import type {
  GalleryItem,
  GalleryItemDetail,
  GalleryPage,
  GalleryQuery,
  ScanReport,
  TrashEntry,
} from '../../common/gallery.ts';
import type { GenerateResult, GeneratedImage } from '../../common/generation.ts';
import { createLogger } from '../engine/log.ts';
import type { ImageSettings } from '../metadata/settings.ts';
import { writeImageWithMetadata, type WriteOptions } from '../metadata/write.ts';
import type { Annotations } from './annotations.ts';
import {
  applyScan,
  openOutputFolder,
  planScan,
  upsertAnnotated,
  type OutputFolder,
} from './reconcile.ts';
import { readRecord, toRelPath } from './scan.ts';
import { compileQuery } from './search.ts';
import {
  indexedFolder,
  ITEM_COLUMNS,
  openDatabase,
  replaceIndex,
  rowToItem,
  setTags,
  type ImageRow,
} from './store.ts';
import { Trash } from './trash.ts';

const log = createLogger('gallery');

export interface GalleryOptions {
  /** Folder for gallery.db (Electron's app.getPath('userData')). */
  appDataDir: string;
  /** Folder the images are saved in and indexed from. */
  outputDir: string;
  /** Index files added or removed while the app was closed. Default true. */
  reconcile?: boolean;
}

const MAX_TAG_LENGTH = 100;

export class Gallery {
  private folder: OutputFolder;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly trash: Trash;

  private constructor(
    private readonly db: Database.Database,
    outputDir: string,
  ) {
    this.folder = openOutputFolder(path.resolve(outputDir));
    const gallery = this;
    this.trash = new Trash({
      db,
      get root() {
        return gallery.folder.root;
      },
      get trashDir() {
        return gallery.folder.trashDir;
      },
      get annotations() {
        return gallery.folder.annotations;
      },
      item: (id) => this.item(id),
    });
  }

  static async open(options: GalleryOptions): Promise<Gallery> {
    const gallery = new Gallery(openDatabase(options.appDataDir), options.outputDir);
    // The index covers one folder: a different folder than last time starts an empty index.
    const root = gallery.folder.root;
    if (indexedFolder(gallery.db) !== root)
      gallery.db.transaction(() => replaceIndex(gallery.db, root))();
    if (options.reconcile !== false) await gallery.reconcile();
    return gallery;
  }

  get outputDir(): string {
    return this.folder.root;
  }

  get trashDir(): string {
    return this.folder.trashDir;
  }

  private get root(): string {
    return this.folder.root;
  }

  private get annotations(): Annotations {
    return this.folder.annotations;
  }

  close(): void {
    this.db.close();
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  query(q: GalleryQuery = {}): GalleryPage {
    const c = compileQuery(q);
    const count = this.statement(`SELECT count(*) AS n FROM ${c.from} ${c.where}`);
    const total = (count.get(...c.params) as { n: number }).n;
    const page = this.statement(
      `SELECT ${ITEM_COLUMNS} FROM ${c.from} ${c.where} ORDER BY ${c.orderBy} LIMIT ? OFFSET ?`,
    );
    const rows = page.all(...c.params, c.limit, c.offset) as ImageRow[];
    return { items: rows.map((r) => rowToItem(this.root, r)), total, offset: c.offset };
  }

  /** Prepared statements by SQL text: queries come in a few shapes, typed over and over. */
  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  get(id: number): GalleryItemDetail | undefined {
    const row = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, images.settings, images.warnings FROM images WHERE id = ?`)
      .get(id) as ImageRow | undefined;
    if (!row) return undefined;
    return {
      ...rowToItem(this.root, row),
      settings: row.settings ? (JSON.parse(row.settings) as ImageSettings) : null,
      warnings: JSON.parse(row.warnings) as string[],
    };
  }

  /** Models with their image counts, most used first: the model filter's choices. */
  models(): { model: string; count: number }[] {
    return this.db
      .prepare(
        `SELECT model, count(*) AS count FROM images WHERE model IS NOT NULL
         GROUP BY model ORDER BY count DESC, model`,
      )
      .all() as { model: string; count: number }[];
  }

  tags(): { tag: string; count: number }[] {
    return this.db
      .prepare(
        'SELECT tag, count(*) AS count FROM image_tags GROUP BY tag ORDER BY count DESC, tag',
      )
      .all() as { tag: string; count: number }[];
  }

  listTrash(): TrashEntry[] {
    return this.trash.list();
  }

  // -------------------------------------------------------------------------------------------
  // Adding images

  /** Writes one generated image (both metadata chunks) into the output folder and indexes it. */
  saveGenerated(
    result: GenerateResult,
    image: GeneratedImage,
    options: WriteOptions = {},
  ): Promise<GalleryItem> {
    return this.serial(async () => {
      const file = await writeImageWithMetadata(this.root, result, image, options);
      return this.indexFile(file);
    });
  }

  /** Indexes an image file that is already inside the output folder (e.g. copied there). */
  addFile(file: string): Promise<GalleryItem> {
    return this.serial(() => this.indexFile(file));
  }

  private async indexFile(file: string): Promise<GalleryItem> {
    const abs = path.resolve(file);
    const rel = toRelPath(this.root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.startsWith('.')) {
      throw invalidArgument('file', file, `a file inside the output folder ${this.root}`);
    }
    const s = await stat(abs);
    const record = await readRecord({
      relPath: rel,
      absPath: abs,
      size: s.size,
      mtimeMs: Math.floor(s.mtimeMs),
    });
    const id = this.db.transaction(() => upsertAnnotated(this.db, this.annotations, record))();
    return this.item(id);
  }

  private item(id: number): GalleryItem {
    const row = this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM images WHERE id = ?`).get(id) as
      ImageRow | undefined;
    if (!row) throw invalidArgument('id', id, 'the id of an image in the gallery');
    return rowToItem(this.root, row);
  }

  // -------------------------------------------------------------------------------------------
  // Favourites and tags

  setFavourite(id: number, favourite: boolean): GalleryItem {
    if (typeof favourite !== 'boolean')
      throw invalidArgument('favourite', favourite, 'true or false');
    const item = this.item(id);
    this.db.prepare('UPDATE images SET favourite = ? WHERE id = ?').run(favourite ? 1 : 0, id);
    this.annotations.set(item.relPath, { favourite, tags: item.tags });
    return this.item(id);
  }

  setTags(id: number, tags: string[]): GalleryItem {
    if (!Array.isArray(tags)) throw invalidArgument('tags', tags, 'an array of strings');
    const clean = [...new Set(tags.map((t) => (typeof t === 'string' ? t.trim() : t)))];
    for (const tag of clean) {
      if (typeof tag !== 'string' || tag === '' || tag.length > MAX_TAG_LENGTH) {
        throw invalidArgument(
          'tags',
          tag,
          `non-empty strings of at most ${MAX_TAG_LENGTH} characters`,
        );
      }
    }
    const item = this.item(id);
    this.db.transaction(() => setTags(this.db, id, clean as string[]))();
    this.annotations.set(item.relPath, { favourite: item.favourite, tags: clean as string[] });
    return this.item(id);
  }

  // -------------------------------------------------------------------------------------------
  // Trash

  /**
   * Moves images to the trash folder, all or none: every id is checked first, and if a file cannot
   * be moved, those already moved go back and no row changes (see Trash.moveToTrash).
   */
  delete(ids: number[]): Promise<TrashEntry[]> {
    return this.serial(async () => {
      this.trash.ensureFolder();
      return this.trash.moveToTrash(ids);
    });
  }

  /** Puts trashed images back where they were (or beside, if that name is taken now); all or none. */
  restore(trashIds: number[]): Promise<GalleryItem[]> {
    return this.serial(async () => this.trash.restore(trashIds));
  }

  /** Deletes every trashed file for good; returns how many. */
  emptyTrash(): Promise<number> {
    return this.serial(async () => this.trash.empty());
  }

  // -------------------------------------------------------------------------------------------
  // Scanning

  /**
   * Brings the index in line with the folder: names the PNGs of interrupted saves, indexes new or
   * changed files, drops rows of files that are gone, and rebuilds trash entries from the trash
   * folder. Unchanged files (same size and time) are not read again.
   */
  reconcile(): Promise<ScanReport> {
    return this.serial(() => this.scan(this.folder, false));
  }

  /** Rebuilds the whole index from the images' own metadata; the old one serves until then. */
  rescan(): Promise<ScanReport> {
    return this.serial(() => this.scan(this.folder, true));
  }

  /**
   * Switches to another output folder and indexes it. The new folder is created, scanned and
   * indexed before the switch, in one transaction: if any of that fails, the gallery stays on the
   * old folder with its index untouched, and the error is raised.
   */
  setOutputFolder(outputDir: string): Promise<ScanReport> {
    if (typeof outputDir !== 'string' || outputDir.trim() === '') {
      throw invalidArgument('outputDir', outputDir, 'a folder path');
    }
    return this.serial(async () => {
      const next = openOutputFolder(path.resolve(outputDir));
      return this.scan(next, next.root !== this.folder.root);
    });
  }

  /** Plans against `folder`, writes the plan in one transaction, and only then adopts `folder`. */
  private async scan(folder: OutputFolder, replace: boolean): Promise<ScanReport> {
    const started = Date.now();
    const plan = await planScan(this.db, folder, replace);
    const trash = applyScan(this.db, plan);
    this.folder = folder;
    const report: ScanReport = {
      files: plan.files,
      added: plan.added,
      updated: plan.updated,
      removed: plan.gone.length,
      recovered: plan.recovered,
      trash,
      durationMs: Date.now() - started,
      errors: plan.errors,
    };
    log.info(replace ? 'index rebuilt' : 'reconcile done', {
      ...report,
      errors: report.errors.length,
    });
    return report;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const job = this.queue.catch(() => undefined).then(fn);
    this.queue = job;
    return job;
  }
}
