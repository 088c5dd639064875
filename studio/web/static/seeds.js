// A seed's latent, exactly as the server draws it: torch.randn(1, n, generator=torch.Generator()
// .manual_seed(seed)) on the CPU. PyTorch fills n uniforms from MT19937 (24 bits each, float32),
// then turns each block of 16 into normals by Box-Muller (u1 = 1 - u[j], u2 = u[j + 8]); when n is
// not a multiple of 16 the last 16 are drawn again and transformed (torch's normal_fill).

function* mt19937(seed) {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    // 1812433253 * prev + i, modulo 2^32, without losing bits to floating point
    mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
  }
  let index = 624;
  while (true) {
    if (index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    yield y >>> 0;
  }
}

const f32 = Math.fround;

function boxMuller16(data, at) {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[at + j]);
    const u2 = data[at + j + 8];
    const radius = f32(Math.sqrt(f32(-2 * f32(Math.log(u1)))));
    const theta = f32(f32(2 * Math.PI) * u2);
    data[at + j] = f32(radius * f32(Math.cos(theta)));
    data[at + j + 8] = f32(radius * f32(Math.sin(theta)));
  }
}

export function seedLatent(seed, n) {
  if (n < 16) throw new Error("latents of fewer than 16 numbers are drawn another way by PyTorch");
  const rng = mt19937(seed);
  const uniform = () => f32((rng.next().value & 0xffffff) * 2 ** -24);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = uniform();
  for (let i = 0; i + 16 <= n; i += 16) boxMuller16(data, i);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) data[i] = uniform();
    boxMuller16(data, n - 16);
  }
  return data;
}
