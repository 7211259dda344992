/**
 * Which models can finish a base model's steps. A refiner continues the base's latents as they
 * are, so it must share the base's latent space: the same VAE latent channels and scaling factor
 * (main/engine/pipeline/refiner.ts checks this again when the job runs). By family, from the
 * diffusers AutoencoderKL configs: SD 1.x and 2.x share the SD VAE (4 channels, scaling 0.18215);
 * SDXL base and refiner share the SDXL VAE (4 channels, scaling 0.13025). An inpainting UNet takes
 * 9 channels and cannot continue plain latents; ControlNets ('unknown') are not image models.
 */
import type { StudioModel } from '../../common/ipc.ts';

const LATENT_SPACE: Record<StudioModel['family'], string | null> = {
  sd1: 'SD 1.x/2.x',
  sd2: 'SD 1.x/2.x',
  sdxl: 'SDXL',
  'sdxl-refiner': 'SDXL',
  unknown: null,
};

export const FAMILY_LABELS: Record<StudioModel['family'], string> = {
  sd1: 'SD 1.x',
  sd2: 'SD 2.x',
  sdxl: 'SDXL',
  'sdxl-refiner': 'SDXL refiner',
  unknown: 'other',
};

export interface RefinerChoices {
  /** The base's latent space in words, e.g. "SD 1.x/2.x"; null when the base is unknown. */
  space: string | null;
  /** Models made as refiners (SDXL refiner family). */
  refiners: StudioModel[];
  /** Any other model in the same latent space. */
  others: StudioModel[];
}

export function refinerChoices(models: readonly StudioModel[], basePath: string): RefinerChoices {
  const base = models.find((m) => m.path === basePath);
  const space = base ? LATENT_SPACE[base.family] : null;
  if (!base || !space) return { space, refiners: [], others: [] };
  const fits = models.filter(
    (m) => m.path !== base.path && LATENT_SPACE[m.family] === space && !m.traits?.inpaint,
  );
  return {
    space,
    refiners: fits.filter((m) => m.family === 'sdxl-refiner'),
    others: fits.filter((m) => m.family !== 'sdxl-refiner'),
  };
}
