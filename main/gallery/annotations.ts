/**
 * Favourites and tags live in a small JSON file inside the output folder
 * (`.emulsion/annotations.json`), keyed by the image's path relative to that folder. The database
 * copies them for querying, but this file is what a rebuild reads back, so deleting the database
 * loses neither. Trashed images keep their entry under `trash/<name>`.
 *
 * Writes are atomic (temp file + rename): a crash leaves the old file or the new one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../engine/log.ts';
import { isRecord } from '../metadata/settings.ts';

const log = createLogger('gallery');

export interface Annotation {
  favourite?: boolean;
  tags?: string[];
  /** Trash entries only: where the image was. */
  originalRelPath?: string;
  deletedAt?: number;
}

interface AnnotationFile {
  version: 1;
  images: Record<string, Annotation>;
}

export class Annotations {
  private images: Record<string, Annotation> = {};
  private batchDepth = 0;
  private dirty = false;

  constructor(readonly file: string) {
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return; // no file yet
    }
    try {
      const parsed = JSON.parse(text) as AnnotationFile;
      if (parsed?.version === 1 && isRecord(parsed.images)) this.images = parsed.images;
    } catch {
      log.warn('annotations file is not valid JSON; favourites and tags start empty', {
        file: this.file,
      });
    }
  }

  get(key: string): Annotation | undefined {
    return this.images[key];
  }

  /** Sets (or with an empty annotation, removes) an entry and saves the file. */
  set(key: string, value: Annotation): void {
    const clean: Annotation = {};
    if (value.favourite) clean.favourite = true;
    if (value.tags && value.tags.length > 0) clean.tags = value.tags;
    if (value.originalRelPath !== undefined) clean.originalRelPath = value.originalRelPath;
    if (value.deletedAt !== undefined) clean.deletedAt = value.deletedAt;
    if (Object.keys(clean).length === 0) delete this.images[key];
    else this.images[key] = clean;
    this.changed();
  }

  delete(key: string): void {
    if (!(key in this.images)) return;
    delete this.images[key];
    this.changed();
  }

  /** Runs several changes and writes the file once at the end. */
  batch<T>(fn: () => T): T {
    this.batchDepth++;
    try {
      return fn();
    } finally {
      if (--this.batchDepth === 0 && this.dirty) this.save();
    }
  }

  private changed(): void {
    this.dirty = true;
    if (this.batchDepth === 0) this.save();
  }

  private save(): void {
    this.dirty = false;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    const data: AnnotationFile = { version: 1, images: this.images };
    writeFileSync(temp, JSON.stringify(data, null, 1));
    renameSync(temp, this.file);
  }
}
