/** Size presets: the native resolutions of SD 1.x (512), SD 2.x (768) and SDXL (1024 and its buckets). */
export interface SizePreset {
  label: string;
  width: number;
  height: number;
}

export const SIZE_PRESETS: readonly SizePreset[] = [
  { label: 'Square 512', width: 512, height: 512 },
  { label: 'Portrait 512 × 768', width: 512, height: 768 },
  { label: 'Landscape 768 × 512', width: 768, height: 512 },
  { label: 'Square 768', width: 768, height: 768 },
  { label: 'Square 1024 (SDXL)', width: 1024, height: 1024 },
  // SDXL's training buckets closest to 2:3 and 3:2 (SDXL report, Podell et al. 2023, App. I).
  { label: 'Portrait 832 × 1216 (SDXL)', width: 832, height: 1216 },
  { label: 'Landscape 1216 × 832 (SDXL)', width: 1216, height: 832 },
];

export const sizeKey = (width: number, height: number) => `${width}x${height}`;

/** The presets plus the model's own default size first when it is not one of them. */
export function presetsFor(modelDefault?: { width: number; height: number }): SizePreset[] {
  const list = [...SIZE_PRESETS];
  if (
    modelDefault &&
    !list.some((p) => p.width === modelDefault.width && p.height === modelDefault.height)
  ) {
    list.unshift({
      label: `Model default ${modelDefault.width} × ${modelDefault.height}`,
      ...modelDefault,
    });
  }
  return list;
}
