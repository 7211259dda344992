/** Statistics for audits and quality evaluation. Pure functions; every bootstrap is seeded. */
export {
  wilsonInterval,
  wilsonHalfWidth,
  trialsForHalfWidth,
  Z95,
  type Interval,
} from './wilson.ts';
export {
  shannonEntropy,
  normalizedEntropy,
  bootstrapEntropy,
  uniformEntropyInterval,
  consistentWithUniform,
  type BootstrapOptions,
  type EntropyInterval,
  type UniformEntropyInterval,
} from './entropy.ts';
export {
  proportions,
  madFromUniform,
  totalVariation,
  totalVariationFromUniform,
  klDivergence,
  amplification,
} from './distance.ts';
export { cohensKappa, CANT_TELL, type KappaResult, type KappaOptions } from './kappa.ts';
export {
  fitBradleyTerry,
  bradleyTerryRatings,
  winProbability,
  type Comparison,
  type Outcome,
  type BradleyTerryFit,
  type Rating,
  type RatingOptions,
} from './bradley-terry.ts';
export { winRatesByCategory, type CategorisedComparison, type WinRate } from './win-rates.ts';
export { quantile } from './bootstrap.ts';
export { newcombeDifference } from './difference.ts';
