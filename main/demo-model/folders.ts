/** Folder names of the three demo models inside the models directory. */
export const DEMO_FOLDERS = {
  base: 'emulsion-shapes',
  controlnet: 'emulsion-shapes-controlnet',
  refiner: 'emulsion-shapes-refiner',
} as const;

export type DemoKind = keyof typeof DEMO_FOLDERS;
