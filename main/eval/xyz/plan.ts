/** The cells of an XY/Z plot: every combination of the axes' values, Z slowest, X fastest. */
import { invalidArgument } from '../../../common/errors.ts';
import type { GenerateInput } from '../../engine/worker/types.ts';
import { applyAxis, valueLabel, type Axis } from './axes.ts';

export interface XyzSpec {
  base: GenerateInput;
  x: Axis;
  y?: Axis;
  z?: Axis;
}

export interface XyzCell {
  /** `z0-y1-x2`: also the file name of the cell's image. */
  id: string;
  x: number;
  y: number;
  z: number;
  request: GenerateInput;
  labels: { x: string; y?: string; z?: string };
}

export function validateXyz(spec: XyzSpec): void {
  const axes = [spec.x, spec.y, spec.z].filter((a): a is Axis => a !== undefined);
  const kinds = axes.map((a) => a.kind);
  if (new Set(kinds).size !== kinds.length)
    throw invalidArgument('axes', kinds, 'different kinds on each axis');
  if (spec.z && !spec.y)
    throw invalidArgument('z', spec.z.kind, 'a Z axis only together with a Y axis');
  if (typeof spec.base?.prompt !== 'string')
    throw invalidArgument('prompt', spec.base?.prompt, 'a prompt');
}

export function planXyz(spec: XyzSpec): XyzCell[] {
  validateXyz(spec);
  const one: Axis = { kind: 'seed', values: [NaN] };
  const cells: XyzCell[] = [];
  const zs = spec.z ?? one;
  const ys = spec.y ?? one;
  zs.values.forEach((zv, z) =>
    ys.values.forEach((yv, y) =>
      spec.x.values.forEach((xv, x) => {
        // Apply Z, then Y, then X, so a Prompt S/R axis always searches the user's prompt.
        let request = spec.base;
        if (spec.z) request = applyAxis(request, spec.z, zv);
        if (spec.y) request = applyAxis(request, spec.y, yv);
        request = applyAxis(request, spec.x, xv);
        cells.push({
          id: `z${z}-y${y}-x${x}`,
          x,
          y,
          z,
          request,
          labels: {
            x: valueLabel(spec.x, xv),
            y: spec.y ? valueLabel(spec.y, yv) : undefined,
            z: spec.z ? valueLabel(spec.z, zv) : undefined,
          },
        });
      }),
    ),
  );
  return cells;
}
