/**
 * `emulsion audit label`: keyboard labelling in a terminal. Keys come from stdin in raw mode when
 * it is a TTY, or from a scripted sequence (`--keys`, one character per key) for scripts and
 * tests. Each image is shown as a small true-colour preview drawn with half-block characters
 * (one character cell = two pixels stacked), plus its file path for a full-size look.
 */
import path from 'node:path';
import sharp from 'sharp';
import { invalidArgument } from '../../../common/errors.ts';
import type { AuditAttribute } from '../audit/attributes.ts';
import { LabelWriter, readLabelSet } from '../audit/labels.ts';
import { keyHelp, labellingQueue, LabellingSession } from '../audit/labelling.ts';
import { readAudit, readImages } from '../audit/store.ts';

export interface TerminalIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface RawInput {
  isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export async function* scriptedKeys(sequence: string): AsyncGenerator<string> {
  for (const key of sequence) yield key;
}

/** Keys from a TTY in raw mode; restores cooked mode when the consumer stops. */
export async function* ttyKeys(input: RawInput): AsyncGenerator<string> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer | string) => {
    const text = chunk.toString();
    // An escape sequence (arrow keys) is one key; plain characters are one key each.
    if (text.startsWith('\u001b')) queue.push(text);
    else queue.push(...text);
    wake?.();
  };
  input.setRawMode?.(true);
  input.on('data', onData);
  input.resume();
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      yield queue.shift()!;
    }
  } finally {
    input.off('data', onData);
    input.setRawMode?.(false);
    input.pause();
  }
}

/** A true-colour preview `columns` characters wide (and columns/2 rows of two pixels each). */
export async function ansiPreview(file: string, columns = 32): Promise<string> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .resize(columns, columns, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const lines: string[] = [];
  for (let y = 0; y < info.height; y += 2) {
    let line = '';
    for (let x = 0; x < info.width; x++) {
      const top = (y * info.width + x) * 3;
      const bottom = y + 1 < info.height ? ((y + 1) * info.width + x) * 3 : top;
      line += `\u001b[38;2;${data[top]};${data[top + 1]};${data[top + 2]}m\u001b[48;2;${data[bottom]};${data[bottom + 1]};${data[bottom + 2]}m▀`;
    }
    lines.push(line + '\u001b[0m');
  }
  return lines.join('\n') + '\n';
}

export interface TerminalLabelOptions {
  annotator: string;
  attributes?: string[];
  keys: AsyncIterable<string>;
  io: TerminalIo;
  preview?: boolean;
  includeLabelled?: boolean;
}

export interface TerminalLabelResult {
  labelled: number;
  remaining: number;
  quit: boolean;
}

export async function labelInTerminal(
  dir: string,
  options: TerminalLabelOptions,
): Promise<TerminalLabelResult> {
  const def = await readAudit(dir);
  const attributes: AuditAttribute[] = options.attributes?.length
    ? options.attributes.map((name) => {
        const found = def.attributes.find((a) => a.name === name);
        if (!found)
          throw invalidArgument(
            '--attribute',
            name,
            def.attributes.map((a) => a.name),
          );
        return found;
      })
    : def.attributes;
  const { byKey } = await readImages(dir);
  const existing = await readLabelSet(dir, options.annotator, 'human');
  const queue = labellingQueue(def, byKey, existing, {
    annotator: options.annotator,
    attributes: attributes.map((a) => a.name),
    includeLabelled: options.includeLabelled,
  });
  const { io } = options;
  if (queue.length === 0) {
    io.stdout(
      `Nothing to label: every image has ${attributes.map((a) => a.name).join(' and ')} from ${options.annotator}.\n`,
    );
    return { labelled: 0, remaining: 0, quit: false };
  }
  const session = new LabellingSession(queue, attributes);
  const writer = await LabelWriter.open(dir, options.annotator, 'human');
  const labelled = new Set<string>();
  let quit = false;
  let shownItem = -1;
  const show = async () => {
    const step = session.current;
    if (!step) return;
    if (step.index !== shownItem) {
      shownItem = step.index;
      const cells = new Set(queue.map((q) => `${q.variant}/${q.cell}`));
      const cellIndex = [...cells].indexOf(`${step.item.variant}/${step.item.cell}`) + 1;
      io.stdout(`\nCell ${cellIndex}/${cells.size} · image ${step.index + 1}/${step.total}\n`);
      const file = path.join(dir, step.item.file);
      if (options.preview !== false) io.stdout(await ansiPreview(file));
      io.stdout(`${file}\n`);
    }
    io.stdout(`${step.attribute.name}: ${keyHelp(step.attribute)}\n> `);
  };
  try {
    await show();
    for await (const key of options.keys) {
      const action = session.press(key);
      if (action.type === 'set') {
        await writer.write({
          image: action.image,
          attribute: action.attribute,
          value: action.value,
        });
        labelled.add(action.image);
        io.stdout(`${action.value}\n`);
      } else if (action.type === 'clear') {
        await writer.write({ image: action.image, attribute: action.attribute, value: null });
        io.stdout(`undo ${action.attribute}\n`);
        shownItem = -1;
      } else if (action.type === 'skip') io.stdout('skipped\n');
      else if (action.type === 'quit') {
        quit = true;
        io.stdout('quit\n');
        break;
      } else {
        io.stdout(`(key ${JSON.stringify(action.key)} does nothing here)\n> `);
        continue;
      }
      if (session.finished) break;
      await show();
    }
  } finally {
    await writer.close();
  }
  const after = await readLabelSet(dir, options.annotator, 'human');
  const remaining = labellingQueue(def, byKey, after, {
    annotator: options.annotator,
    attributes: attributes.map((a) => a.name),
  }).length;
  io.stdout(
    `\n${labelled.size} images labelled by ${options.annotator}; ${remaining} left to label.\n`,
  );
  return { labelled: labelled.size, remaining, quit };
}
