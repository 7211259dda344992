/**
 * Runs an XY/Z plot into a folder:
 *
 *   xyz.json                      the spec (axes and base settings)
 *   cells/<z-y-x>.png             each cell as its own image, with A1111 `parameters` and
 *                                 `emulsion` metadata chunks when the engine's result is at hand
 *   cells/<z-y-x>.json            the cell's settings: axis labels, request, resolved request
 *   grid.png                      the labelled grid (all Z grids side by side)
 *   grid-z<k>.png                 one grid per Z value, when there is a Z axis
 *
 * A cell whose .json exists is done (the PNG is renamed into place first), so a rerun into the
 * same folder resumes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { withMetadata } from '../../metadata/write.ts';
import type { GenerateFn } from '../generator.ts';
import { canonicalJson } from '../audit/store.ts';
import { EmulsionError } from '../../../common/errors.ts';
import { exists, readJsonFile, writeFileAtomic } from '../store/files.ts';
import { AXIS_TITLES } from './axes.ts';
import { composeGrid, joinHorizontally } from './grid.ts';
import { planXyz, type XyzSpec } from './plan.ts';

export interface XyzRunOptions {
  generate: GenerateFn;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface XyzResult {
  status: 'complete' | 'cancelled';
  cells: { id: string; file: string; settings: string }[];
  grid?: string;
  zGrids: string[];
  generated: number;
}

export async function runXyzPlot(
  spec: XyzSpec,
  outDir: string,
  options: XyzRunOptions,
): Promise<XyzResult> {
  const cells = planXyz(spec);
  const specFile = path.join(outDir, 'xyz.json');
  const previous = await readJsonFile<XyzSpec>(specFile);
  if (previous && canonicalJson(previous) !== canonicalJson(spec))
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${outDir} holds a different XY/Z plot; choose a new folder.`,
      {
        field: 'out',
        received: outDir,
        allowed: 'an empty folder or one holding the same plot',
      },
    );
  if (!previous) await writeFileAtomic(specFile, JSON.stringify(spec, null, 2) + '\n');
  const out: XyzResult = { status: 'complete', cells: [], zGrids: [], generated: 0 };
  let done = 0;
  for (const cell of cells) {
    const file = path.join(outDir, 'cells', `${cell.id}.png`);
    const settings = path.join(outDir, 'cells', `${cell.id}.json`);
    out.cells.push({ id: cell.id, file, settings });
    if (!(await exists(settings))) {
      if (options.signal?.aborted) {
        out.status = 'cancelled';
        return out;
      }
      const image = await options.generate(cell.request, options.signal);
      const png = image.result ? withMetadata(image.result, image.result.images[0]).png : image.png;
      await writeFileAtomic(file, png);
      const record = {
        id: cell.id,
        labels: cell.labels,
        request: cell.request,
        resolved: image.request,
        scheduler: image.scheduler,
        model: image.modelName,
        width: image.width,
        height: image.height,
      };
      await writeFileAtomic(settings, JSON.stringify(record, null, 2) + '\n');
      out.generated++;
    }
    options.onProgress?.(++done, cells.length);
  }
  const zCount = spec.z?.values.length ?? 1;
  const yCount = spec.y?.values.length ?? 1;
  const xCount = spec.x.values.length;
  const grids: Buffer[] = [];
  for (let z = 0; z < zCount; z++) {
    const rows: Uint8Array[][] = [];
    for (let y = 0; y < yCount; y++) {
      const row: Uint8Array[] = [];
      for (let x = 0; x < xCount; x++)
        row.push(await fs.readFile(path.join(outDir, 'cells', `z${z}-y${y}-x${x}.png`)));
      rows.push(row);
    }
    const first = cells.find((c) => c.z === z)!;
    const { png } = await composeGrid({
      rows,
      xLabels: cells.filter((c) => c.z === z && c.y === 0).map((c) => c.labels.x),
      yLabels: spec.y
        ? cells.filter((c) => c.z === z && c.x === 0).map((c) => c.labels.y!)
        : undefined,
      xTitle: AXIS_TITLES[spec.x.kind],
      yTitle: spec.y ? AXIS_TITLES[spec.y.kind] : undefined,
      title: spec.z ? `${AXIS_TITLES[spec.z.kind]}: ${first.labels.z}` : undefined,
    });
    grids.push(png);
    if (spec.z) {
      const zFile = path.join(outDir, `grid-z${z}.png`);
      await writeFileAtomic(zFile, png);
      out.zGrids.push(zFile);
    }
  }
  out.grid = path.join(outDir, 'grid.png');
  await writeFileAtomic(out.grid, grids.length === 1 ? grids[0] : await joinHorizontally(grids));
  return out;
}
