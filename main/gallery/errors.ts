/** The gallery's file errors: what it was doing, to which file, and what the system said. */
import { EmulsionError } from '../../common/errors.ts';

export function ioError(action: string, file: string, err: unknown): EmulsionError {
  return new EmulsionError('IO_ERROR', `Cannot ${action} ${file}: ${(err as Error).message}`, {
    file,
  });
}
