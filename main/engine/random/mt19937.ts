/**
 * MT19937: Matsumoto & Nishimura 1998, "Mersenne Twister: a 623-dimensionally equidistributed
 * uniform pseudo-random number generator". Seeded like torch's CPU generator
 * (aten/src/ATen/core/MT19937RNGEngine.h, `init_with_uint32`): only the low 32 bits of the seed
 * are used, with the 2002 initialisation multiplier 1812433253.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed32: number) {
    this.state[0] = seed32 >>> 0;
    for (let j = 1; j < N; j++) {
      const prev = this.state[j - 1];
      this.state[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextU32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = (s[k] & UPPER) | (s[(k + 1) % N] & LOWER);
      s[k] = s[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
