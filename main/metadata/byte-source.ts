/**
 * Random access to image bytes, whether they sit in memory (drag and drop, paste) or in a file
 * (gallery scan, CLI). The container readers ask only for the ranges they need, so scanning a
 * folder of 10,000 PNGs reads chunk headers and text chunks, never the pixel data.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Up to `length` bytes from `offset`; shorter at the end of the data, empty past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(file: string): Promise<FileSource> {
  const handle: FileHandle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (offset, length) => {
        const end = Math.min(size, offset + length);
        if (end <= offset) return new Uint8Array(0);
        const buffer = new Uint8Array(end - offset);
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(
            buffer,
            done,
            buffer.length - done,
            offset + done,
          );
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === buffer.length ? buffer : buffer.subarray(0, done);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads a file through a FileSource and always closes it. */
export async function withFileSource<T>(
  file: string,
  fn: (src: ByteSource) => Promise<T>,
): Promise<T> {
  const src = await openFileSource(file);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}
