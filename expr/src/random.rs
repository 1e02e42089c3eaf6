//! Counter-based random numbers: `rand` and `randn` as virtual arrays.
//!
//! Every value is a pure function of a seed and the element's flat (C-order) index, so a
//! random array is never materialised: a kernel computes each element where it needs it,
//! any slice or broadcast of it reads the same values, and every backend (the interpreter,
//! the JIT, a GPU later) produces the same bits.
//!
//! The generator is Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random
//! numbers: as easy as 1, 2, 3", SC 2011; the Random123 library): ten rounds of 32×32→64
//! bit multiplications and xors turn a 128-bit counter and a 64-bit key into 128 random
//! bits. It needs 32-bit integer operations only, which a WGSL shader has. Here the key is
//! the seed (`(seed mod 2^32, seed >> 32)`) and the counter `(index mod 2^32, index >> 32,
//! stream, 0)`: `rand` and `randn` use different streams, so arrays of one seed drawn by
//! the two functions are independent.
//!
//! A [`Uniform`] draw takes 64 of the 128 bits (words `2h` and `2h+1` as the low and high
//! halves, for half `h`), keeps the top 53 and scales them: `k·2^-53` in `[0, 1)` for
//! `rand`, or `(k+1)·2^-53` in `(0, 1]` where a logarithm follows. `randn` is Box–Muller
//! on the two halves of one block (`sqrt(-2·log(u1))·cos(2π·u2)`); it is built from
//! ordinary `log`, `sqrt` and `cos` nodes when lowering (see `lower`), so each backend
//! evaluates them as it evaluates those functions anywhere: the interpreter with the
//! platform's libm, the JIT with its own vector-math algorithms where it has them. `rand`
//! is therefore bit-identical on every backend and `randn` within the few ULPs those
//! functions may differ by.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Philox4x32 multipliers.
pub const PHILOX_M: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
/// Philox4x32 key increments (the golden ratio and `sqrt(3) - 1`, as 32-bit fractions).
pub const PHILOX_W: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];
/// Rounds of Philox4x32-10.
pub const PHILOX_ROUNDS: u32 = 10;

/// The stream of `rand`.
pub const STREAM_RAND: u32 = 0;
/// The stream of `randn`.
pub const STREAM_RANDN: u32 = 1;

/// Philox4x32-10 of `counter` under `key`.
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    for round in 0..PHILOX_ROUNDS {
        if round > 0 {
            k = [
                k[0].wrapping_add(PHILOX_W[0]),
                k[1].wrapping_add(PHILOX_W[1]),
            ];
        }
        let p0 = u64::from(PHILOX_M[0]) * u64::from(c[0]);
        let p1 = u64::from(PHILOX_M[1]) * u64::from(c[2]);
        let (hi0, lo0) = ((p0 >> 32) as u32, p0 as u32);
        let (hi1, lo1) = ((p1 >> 32) as u32, p1 as u32);
        c = [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0];
    }
    c
}

/// One uniform draw per element: which bits of the element's Philox block, scaled to
/// which interval. See the [module documentation](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Uniform {
    /// The generator's key (`seed=`).
    pub seed: u64,
    /// Counter word 2: [`STREAM_RAND`] or [`STREAM_RANDN`].
    pub stream: u32,
    /// Which 64 bits of the 128-bit block: 0 (words 0 and 1) or 1 (words 2 and 3).
    pub half: u8,
    /// `false`: `k·2^-53` in `[0, 1)`; `true`: `(k+1)·2^-53` in `(0, 1]`.
    pub open_low: bool,
}

impl Uniform {
    /// The Philox key of the seed.
    pub fn key(&self) -> [u32; 2] {
        [self.seed as u32, (self.seed >> 32) as u32]
    }

    /// The Philox counter of element `index`.
    pub fn counter(&self, index: u64) -> [u32; 4] {
        [index as u32, (index >> 32) as u32, self.stream, 0]
    }

    /// The 53-bit integer `k` of element `index`.
    pub fn bits(&self, index: u64) -> u64 {
        let w = philox4x32_10(self.counter(index), self.key());
        let h = usize::from(self.half & 1) * 2;
        let x = u64::from(w[h]) | (u64::from(w[h + 1]) << 32);
        x >> 11
    }

    /// The value of element `index`.
    pub fn at(&self, index: u64) -> f64 {
        let k = self.bits(index) + u64::from(self.open_low);
        // Exact: k ≤ 2^53, and the scaling is by a power of two.
        k as f64 * TWO_POW_M53
    }
}

/// `2^-53`, the spacing of the uniform values.
pub const TWO_POW_M53: f64 = 1.0 / (1u64 << 53) as f64;

/// A seed for a `rand`/`randn` call without `seed=`: different for every call, from the
/// standard library's per-process random hash keys (seeded by the operating system), the
/// clock and a counter.
pub fn fresh_seed() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.write_u128(now);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's known-answer vectors for Philox4x32-10 (`tests/kat_vectors`):
    /// counter, key, result.
    #[test]
    fn philox_matches_the_published_test_vectors() {
        let cases: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0, 0, 0, 0],
                [0, 0],
                [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
            ),
            (
                [0xffffffff; 4],
                [0xffffffff; 2],
                [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
            ),
            (
                [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
                [0xa4093822, 0x299f31d0],
                [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
            ),
        ];
        for (counter, key, want) in cases {
            assert_eq!(philox4x32_10(counter, key), want, "{counter:x?} {key:x?}");
        }
    }

    #[test]
    fn uniform_draws_take_the_top_53_bits_of_one_half() {
        let u = Uniform {
            seed: 0,
            stream: 0,
            half: 0,
            open_low: false,
        };
        // Counter (0, 0, 0, 0), key (0, 0): the first vector above.
        let x = 0xe169c58d_6627e8d5u64;
        assert_eq!(u.bits(0), x >> 11);
        assert_eq!(u.at(0), (x >> 11) as f64 / 2f64.powi(53));
        let hi = Uniform { half: 1, ..u };
        assert_eq!(hi.bits(0), 0x9b00dbd8_bc57ac4cu64 >> 11);
        let open = Uniform {
            open_low: true,
            ..u
        };
        assert_eq!(open.at(0), ((x >> 11) + 1) as f64 / 2f64.powi(53));
        // The extremes of the two intervals.
        assert_eq!(0.0 * TWO_POW_M53, 0.0);
        assert!((((1u64 << 53) - 1) as f64 * TWO_POW_M53) < 1.0);
        assert_eq!((1u64 << 53) as f64 * TWO_POW_M53, 1.0);
    }

    #[test]
    fn fresh_seeds_differ() {
        let seeds: Vec<u64> = (0..64).map(|_| fresh_seed()).collect();
        let mut distinct = seeds.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), seeds.len());
    }
}
