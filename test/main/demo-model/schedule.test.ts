import { describe, expect, it } from 'vitest';
import { alphaBarAt, alphasCumprod, sigmas } from '../../../main/demo-model/schedule.ts';

describe('demo model noise schedule', () => {
  it("matches Stable Diffusion's published scaled-linear values", () => {
    const ab = alphasCumprod();
    // ᾱ_0 = 1 − β_0 = 1 − 0.00085.
    expect(ab[0]).toBeCloseTo(0.99915, 10);
    // SD's terminal ᾱ ≈ 0.0047 (Lin et al. 2024, Table 1: terminal SNR 0.0047).
    expect(ab[999]).toBeCloseTo(0.00466, 5);
    // Euler's σ_max for SD is 14.6146 and σ_min 0.0292 (k-diffusion / diffusers Euler docs).
    const s = sigmas();
    expect(s[999]).toBeCloseTo(14.6146, 3);
    expect(s[0]).toBeCloseTo(0.029168, 5);
  });

  it('interpolates σ linearly for fractional timesteps and is exact at integers', () => {
    const s = sigmas();
    const ab = alphasCumprod();
    expect(alphaBarAt(500)).toBeCloseTo(ab[500], 12);
    const mid = (s[500] + s[501]) / 2;
    expect(alphaBarAt(500.5)).toBeCloseTo(1 / (1 + mid * mid), 12);
    const q = s[10] + 0.25 * (s[11] - s[10]);
    expect(alphaBarAt(10.25)).toBeCloseTo(1 / (1 + q * q), 12);
    expect(alphaBarAt(-3)).toBe(alphaBarAt(0));
    expect(alphaBarAt(1200)).toBe(alphaBarAt(999));
  });
});
