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
 * two loses nothing.
 *
 * Every method that touches files runs in one queue, so a rescan never races a delete.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { GenerateResult, GeneratedImage } from '../../common/generation.ts';
import { createLogger } from '../engine/log.ts';
import type { ImageSettings } from '../metadata/settings.ts';
import {
  recoverInterruptedSaves,
  writeImageWithMetadata,
  type WriteOptions,
} from '../metadata/write.ts';
import { Annotations } from './annotations.ts';
import {
  listImageFiles,
  mapLimit,
  PRIVATE_DIR,
  readRecord,
  toRelPath,
  type FileInfo,
  type ImageRecord,
} from './scan.ts';
import { compileQuery } from './search.ts';
import { Trash } from './trash.ts';
import {
  ITEM_COLUMNS,
  openDatabase,
  rowToItem,
  setTags,
  upsertRecord,
  type ImageRow,
} from './store.ts';
import type {
  GalleryItem,
  GalleryItemDetail,
  GalleryPage,
  GalleryQuery,
  ScanReport,
  TrashEntry,
} from './types.ts';

const log = createLogger('gallery');

export interface GalleryOptions {
  /** Folder for gallery.db (Electron's app.getPath('userData')). */
  appDataDir: string;
  /** Folder the images are saved in and indexed from. */
  outputDir: string;
  /** Index files added or removed while the app was closed. Default true. */
  reconcile?: boolean;
}

/** Files read in parallel during a scan: enough to hide disk latency, few enough for 2 cores. */
const SCAN_CONCURRENCY = 8;
/** Rows per write transaction during a scan. */
const SCAN_BATCH = 500;
const MAX_TAG_LENGTH = 100;

export class Gallery {
  private root: string;
  private annotations: Annotations;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly trash: Trash;

  private constructor(
    private readonly db: Database.Database,
    outputDir: string,
  ) {
    this.root = path.resolve(outputDir);
    this.annotations = this.prepareFolder();
    const gallery = this;
    this.trash = new Trash({
      db,
      get root() {
        return gallery.root;
      },
      get trashDir() {
        return gallery.trashDir;
      },
      get annotations() {
        return gallery.annotations;
      },
      item: (id) => this.item(id),
      readRecord: (file, errors) => this.tryRead(file, errors),
    });
  }

  static async open(options: GalleryOptions): Promise<Gallery> {
    const gallery = new Gallery(openDatabase(options.appDataDir), options.outputDir);
    gallery.adoptFolder();
    if (options.reconcile !== false) await gallery.reconcile();
    return gallery;
  }

  get outputDir(): string {
    return this.root;
  }

  get trashDir(): string {
    return path.join(this.root, PRIVATE_DIR, 'trash');
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
    const id = this.db.transaction(() => this.upsert(record))();
    return this.item(id);
  }

  private upsert(record: ImageRecord): number {
    const note = this.annotations.get(record.relPath);
    return upsertRecord(this.db, record, note?.favourite === true, note?.tags ?? []);
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
   * Moves images to the trash folder. For each, the row moves to the trash table and the file is
   * renamed inside one transaction: if the rename fails, the row stays.
   */
  delete(ids: number[]): Promise<TrashEntry[]> {
    return this.serial(async () => {
      this.trash.ensureFolder();
      const entries: TrashEntry[] = [];
      this.annotations.batch(() => {
        for (const id of ids) {
          const entry = this.trash.moveToTrash(id);
          if (entry) entries.push(entry);
        }
      });
      return entries;
    });
  }

  /** Puts trashed images back where they were (or beside, if that name is taken now). */
  restore(trashIds: number[]): Promise<GalleryItem[]> {
    return this.serial(async () => {
      const items: GalleryItem[] = [];
      this.annotations.batch(() => {
        for (const trashId of trashIds) items.push(this.trash.restore(trashId));
      });
      return items;
    });
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
    return this.serial(() => this.scan(false));
  }

  /** Rebuilds the whole index from the images' own metadata. */
  rescan(): Promise<ScanReport> {
    return this.serial(() => this.scan(true));
  }

  /** Switches to another output folder and indexes it. */
  setOutputFolder(outputDir: string): Promise<ScanReport> {
    if (typeof outputDir !== 'string' || outputDir.trim() === '') {
      throw invalidArgument('outputDir', outputDir, 'a folder path');
    }
    return this.serial(async () => {
      this.root = path.resolve(outputDir);
      this.annotations = this.prepareFolder();
      this.adoptFolder();
      return this.scan(false);
    });
  }

  private prepareFolder(): Annotations {
    try {
      mkdirSync(this.trashDir, { recursive: true });
    } catch (err) {
      throw ioError('create the output folder', this.root, err);
    }
    return new Annotations(path.join(this.root, PRIVATE_DIR, 'annotations.json'));
  }

  /** The index covers one folder: a different folder than last time starts an empty index. */
  private adoptFolder(): void {
    const stored = this.db.prepare("SELECT value FROM meta WHERE key = 'outputDir'").get() as
      { value: string } | undefined;
    if (stored?.value === this.root) return;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM images; DELETE FROM trash;');
      this.db
        .prepare(
          "INSERT INTO meta (key, value) VALUES ('outputDir', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .run(this.root);
    })();
  }

  private async scan(full: boolean): Promise<ScanReport> {
    const started = Date.now();
    const errors: string[] = [];
    if (full) this.db.exec('DELETE FROM images; DELETE FROM trash;');
    const recovered = (await recoverInterruptedSaves(this.root)).length;
    const files = await listImageFiles(this.root);
    const known = new Map(
      (
        this.db.prepare('SELECT rel_path, file_size, file_mtime FROM images').all() as ImageRow[]
      ).map((r) => [r.rel_path, r]),
    );
    const changed = files.filter((f) => {
      const row = known.get(f.relPath);
      return !row || row.file_size !== f.size || row.file_mtime !== f.mtimeMs;
    });
    let added = 0;
    for (let i = 0; i < changed.length; i += SCAN_BATCH) {
      const batch = changed.slice(i, i + SCAN_BATCH);
      const records = await mapLimit(batch, SCAN_CONCURRENCY, (f) => this.tryRead(f, errors));
      this.db.transaction(() => {
        for (const r of records) if (r) this.upsert(r);
      })();
      added += batch.filter((f) => !known.has(f.relPath)).length;
    }
    const present = new Set(files.map((f) => f.relPath));
    const gone = [...known.keys()].filter((rel) => !present.has(rel));
    this.db.transaction(() => {
      const del = this.db.prepare('DELETE FROM images WHERE rel_path = ?');
      for (const rel of gone) del.run(rel);
    })();
    const trash = await this.trash.reconcile(errors);
    const report: ScanReport = {
      files: files.length,
      added,
      updated: changed.length - added,
      removed: gone.length,
      recovered,
      trash,
      durationMs: Date.now() - started,
      errors,
    };
    log.info(full ? 'rescan done' : 'reconcile done', { ...report, errors: errors.length });
    return report;
  }

  private async tryRead(file: FileInfo, errors: string[]): Promise<ImageRecord | undefined> {
    try {
      return await readRecord(file);
    } catch (err) {
      errors.push(`${file.relPath}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const job = this.queue.catch(() => undefined).then(fn);
    this.queue = job;
    return job;
  }
}

function ioError(action: string, file: string, err: unknown): EmulsionError {
  return new EmulsionError('IO_ERROR', `Cannot ${action} ${file}: ${(err as Error).message}`, {
    file,
  });
}
