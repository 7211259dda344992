/**
 * Errors that cross a process boundary (worker, IPC, WebSocket) keep a stable `code`, so the UI
 * can place them next to the field they concern and tests can assert on them.
 */
export const ERROR_CODES = [
  /** A request field is missing, has the wrong type, or is out of range. */
  'INVALID_ARGUMENT',
  /** The model folder is missing, unreadable, or does not follow the diffusers ONNX layout. */
  'MODEL_INVALID',
  /** An ONNX file loads but its inputs or outputs do not match the contract. */
  'MODEL_CONTRACT',
  /** An image file could not be read or decoded. */
  'IMAGE_INVALID',
  /** An execution provider was asked for explicitly and could not start. */
  'PROVIDER_UNAVAILABLE',
  /** The job was cancelled by the caller. */
  'CANCELLED',
  /** The prompt was refused by the safety policy. */
  'SAFETY_BLOCKED',
  /** A file could not be written or read. */
  'IO_ERROR',
  /** Anything else: a bug or an onnxruntime failure during a run. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetails {
  /** The request field or CLI flag at fault, e.g. `width` or `init.strength`. */
  field?: string;
  /** The value received, as given. */
  received?: unknown;
  /** What would have been accepted, in words or as a list. */
  allowed?: string | readonly (string | number)[];
  /** The file concerned, for model and image errors. */
  file?: string;
}

/** The plain-object form that survives structured clone and JSON. */
export interface SerializedError extends ErrorDetails {
  code: ErrorCode;
  message: string;
}

export class EmulsionError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'EmulsionError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, ...this.details };
  }

  static fromJSON(data: SerializedError): EmulsionError {
    const { code, message, ...details } = data;
    return new EmulsionError(code, message, details);
  }
}

/** Builds the common "field got X, allowed Y" error in one consistent wording. */
export function invalidArgument(
  field: string,
  received: unknown,
  allowed: string | readonly (string | number)[],
  hint?: string,
): EmulsionError {
  const allowedText = typeof allowed === 'string' ? allowed : `one of ${allowed.join(', ')}`;
  const message =
    `\`${field}\` must be ${allowedText}; received ${formatValue(received)}.` +
    (hint ? ` ${hint}` : '');
  return new EmulsionError('INVALID_ARGUMENT', message, { field, received, allowed });
}

/** Turns anything thrown into a SerializedError without leaking a native stack trace. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof EmulsionError) return err.toJSON();
  if (isSerializedError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

export function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SerializedError).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as SerializedError).code) &&
    typeof (value as SerializedError).message === 'string'
  );
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value);
  if (value === undefined) return 'nothing';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  } catch {
    return String(value);
  }
}
