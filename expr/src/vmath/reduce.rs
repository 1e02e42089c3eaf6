//! Argument reduction for the trigonometric functions: `x = q·π/2 + r` with an integer
//! quadrant `q` (only `q mod 4` matters; the sine and cosine ask for an even or an odd one,
//! see [`Parity`]) and a double-double `r`, accurate to far below an ULP of `r` for every
//! finite float64, also where `x` lies within 2^-61 of a multiple of π/2.
//!
//! - [`cody_waite`], for `|x| < 2^30`, in every lane: `x − q·π/2` with π/2 split into three
//!   float64 parts, the first product exact inside a fused multiply-add, the second exact
//!   as a two-product (the structure of SLEEF's `u1` trigonometric functions).
//! - [`payne_hanek`], for `|x| >= 2^30` up to the largest float: `x·(2/π) mod 4` from the
//!   212 bits of 2/π that matter at `x`'s exponent (a `static` table of bits of 2/π, one
//!   row per exponent, read with [`Builder::lookup`]), as SLEEF's `rempi` does. Four table
//!   lookups and about 70 operations per lane: computed only where some lane needs it
//!   ([`Builder::when_any_lanewise`]: the JIT runs it out of line on [`super::Scalar`], a
//!   backend that cannot branch computes it always and selects).

use super::dd::{self, Dd};
use super::{Builder, LaneFn};

/// π/2 rounded to float64: the first part of the Cody-Waite reduction, and the high part
/// of π/2 as a double-double.
pub(crate) const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5444_2D18);
/// π/2 − [`PIO2_1`] rounded to float64 (≈ 6.1e-17).
pub(crate) const PIO2_2: f64 = f64::from_bits(0x3C91_A626_3314_5C07);
/// π/2 − [`PIO2_1`] − [`PIO2_2`] rounded to float64 (≈ −1.5e-33); what remains is below
/// 6e-50.
const PIO2_3: f64 = f64::from_bits(0xB91F_1976_B7ED_8FBC);
/// 2/π rounded to float64, for the quadrant estimate.
const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;

/// Below this `|x|` the Cody-Waite reduction is used: its error, `|q|·2^-158` from the
/// truncated π/2 plus roundings below that, stays under 2^-127 absolute, while the
/// reduced argument of a float64 is never below about 2^-61.
pub const CODY_WAITE_LIMIT: f64 = 1_073_741_824.0; // 2^30

/// The smallest binary exponent the Payne-Hanek table has a row for (that of
/// [`CODY_WAITE_LIMIT`]); smaller exponents read this row and are not selected.
const PH_MIN_EXP: i64 = 30;
/// Table rows: one per binary exponent from [`PH_MIN_EXP`] to 1023.
const PH_ROWS: usize = (1024 - PH_MIN_EXP) as usize;

/// 2/π in binary: bit `k` of this sequence (counting from 1, most significant first) has
/// the weight 2^-k. 1216 bits, more than the 1182 the last table row reaches.
const TWO_OVER_PI_BITS: [u64; 19] = [
    0xA2F9_836E_4E44_1529,
    0xFC27_57D1_F534_DDC0,
    0xDB62_9599_3C43_9041,
    0xFE51_63AB_DEBB_C561,
    0xB724_6E3A_424D_D2E0,
    0x0649_2EEA_09D1_921C,
    0xFE1D_EB1C_B129_A73E,
    0xE882_35F5_2EBB_4484,
    0xE99C_7026_B45F_7E41,
    0x3991_D639_8353_39F4,
    0x9C84_5F8B_BDF9_283B,
    0x1FF8_97FF_DE05_980F,
    0xEF2F_118B_5A0A_6D1F,
    0x6D36_7ECF_27CB_09B7,
    0x4F46_3F66_9E5F_EA2D,
    0x7527_BAC7_EBE5_F17B,
    0x3D07_39F7_8A52_92EA,
    0x6BFB_5FB1_1F8D_5D08,
    0x5603_3046_FC7B_6BAB,
];

/// The 53 bits of 2/π with weights 2^-start … 2^-(start+52) as an integer (bits of
/// non-positive index, left of the binary point, are zero).
const fn bits_of_two_over_pi(start: i64) -> u64 {
    let mut chunk = 0u64;
    let mut i = 0;
    while i < 53 {
        let k = start + i;
        let bit = if k >= 1 {
            let k = (k - 1) as usize;
            (TWO_OVER_PI_BITS[k / 64] >> (63 - k % 64)) & 1
        } else {
            0
        };
        chunk = (chunk << 1) | bit;
        i += 1;
    }
    chunk
}

/// `2^e` for a normal exponent.
const fn pow2(e: i64) -> f64 {
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// Row `e − PH_MIN_EXP` holds, for `x = m·2^e` with `1 <= |m| < 2`, the four 53-bit pieces
/// `T0..T3` of 2/π beginning at bit `e − 53`, scaled by `2^e` so that `m·Tj = x·(2/π)j`
/// with every piece a normal float64: `T0 = 2·C0`, `T1 = C1·2^-52`, `T2 = C2·2^-105`,
/// `T3 = C3·2^-158` for the integer chunks `Cj`. Bits of 2/π before bit `e − 53` only add
/// multiples of 4 to `x·2/π` and are left out; bits after the last piece add less than
/// 2^-158.
static PAYNE_HANEK_TABLE: [f64; 4 * PH_ROWS] = payne_hanek_table();

const fn payne_hanek_table() -> [f64; 4 * PH_ROWS] {
    let mut table = [0.0; 4 * PH_ROWS];
    let scales = [pow2(1), pow2(-52), pow2(-105), pow2(-158)];
    let mut row = 0;
    while row < PH_ROWS {
        let start = row as i64 + PH_MIN_EXP - 53;
        let mut j = 0;
        while j < 4 {
            let chunk = bits_of_two_over_pi(start + 53 * j as i64);
            table[4 * row + j] = chunk as f64 * scales[j];
            j += 1;
        }
        row += 1;
    }
    table
}

/// Which multiples of π/2 a reduction may take out of `x`: the quadrant `q` it returns has
/// this parity (any where it is [`Parity::Any`]), and the reduced argument is bounded
/// accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parity {
    /// `q = rint(x·2/π)`, `|r| <= π/4`: the tangent's reduction.
    Any,
    /// `q` even (`x = (q/2)·π + r`), `|r| <= π/2`: the sine's.
    Even,
    /// `q` odd (`x = (q/2)·π + r` with `q/2` a half-integer), `|r| <= π/2`: the cosine's.
    Odd,
}

/// `x = q·π/2 + r` for every float64 `x`: the quadrant `q` (of the requested parity; only
/// `q mod 4` is meaningful) and the double-double `r`, with `|r|` at most π/4 for
/// [`Parity::Any`] and π/2 otherwise, plus a hair where `x·2/π` rounds across a boundary
/// (up to `π·2^-24` near `2^30`). `r` is NaN for infinite and NaN
/// `x`, so whatever is computed from it is too.
///
/// The Cody-Waite reduction is computed in every lane; the Payne-Hanek one, an order of
/// magnitude dearer, only where some lane of the vector is finite and `|x| >= 2^30`
/// ([`Builder::when_any`]).
#[inline(always)]
pub fn pio2<B: Builder>(b: &mut B, x: B::F, parity: Parity) -> (B::I, Dd<B::F>) {
    let qf = match parity {
        Parity::Any => {
            let q = b.mul_c(x, TWO_OVER_PI);
            b.rint(q)
        }
        Parity::Even => {
            let k = b.mul_c(x, TWO_OVER_PI / 2.0);
            let k = b.rint(k);
            b.add(k, k)
        }
        Parity::Odd => {
            // q = 2·rint(x/π − 1/2) + 1.
            let k = b.mul_c(x, TWO_OVER_PI / 2.0);
            let k = b.add_c(k, -0.5);
            let k = b.rint(k);
            let k = b.add(k, k);
            b.add_c(k, 1.0)
        }
    };
    let r = cody_waite(b, x, qf, parity == Parity::Odd);

    let ax = b.abs(x);
    let limit = b.splat(CODY_WAITE_LIMIT);
    let max = b.splat(f64::MAX);
    let large = b.le(limit, ax);
    let finite = b.le(ax, max);
    let huge = b.and(large, finite);
    let skip = [qf, r.hi, r.lo];
    let slow = match parity {
        Parity::Any => b.when_any_lanewise::<Huge<0>, 1, 3>(huge, skip, [x]),
        Parity::Even => b.when_any_lanewise::<Huge<1>, 1, 3>(huge, skip, [x]),
        Parity::Odd => b.when_any_lanewise::<Huge<2>, 1, 3>(huge, skip, [x]),
    };
    let q = b.select(huge, slow[0], qf);
    let hi = b.select(huge, slow[1], r.hi);
    let lo = b.select(huge, slow[2], r.lo);
    (b.to_int(q), Dd::new(hi, lo))
}

/// The huge-argument reduction of one `x` as `[q, r.hi, r.lo]`, for the [`Parity`] numbered
/// `P` (`Any`, `Even`, `Odd`): a [`LaneFn`], so that a backend may run it out of line.
struct Huge<const P: u8>;

impl<const P: u8> LaneFn<1, 3> for Huge<P> {
    #[inline(always)]
    fn emit<B: Builder>(b: &mut B, args: [B::F; 1]) -> [B::F; 3] {
        let parity = match P {
            0 => Parity::Any,
            1 => Parity::Even,
            _ => Parity::Odd,
        };
        let (q, r) = payne_hanek(b, args[0]);
        let (q, r) = with_parity(b, q, r, parity);
        [q, r.hi, r.lo]
    }
}

/// `(q, r)` with `|r| <= π/4` moved to a quadrant of the requested parity: where `q` has
/// the other one, `q ± 1` and `r ∓ π/2` (towards zero, so `|r| <= π/2`), in double-double.
#[inline(always)]
fn with_parity<B: Builder>(b: &mut B, q: B::F, r: Dd<B::F>, parity: Parity) -> (B::F, Dd<B::F>) {
    let want_odd = match parity {
        Parity::Any => return (q, r),
        Parity::Even => false,
        Parity::Odd => true,
    };
    // q is an integral float below 2^52: its parity through `q − 2·floor(q/2)`.
    let half = b.mul_c(q, 0.5);
    let half = b.floor(half);
    let minus_two = b.splat(-2.0);
    let bit = b.fma(half, minus_two, q);
    let target = b.splat(if want_odd { 1.0 } else { 0.0 });
    let wrong = b.eq(bit, target);
    let wrong = b.not(wrong);
    let zero = b.splat(0.0);
    let positive = b.gt(r.hi, zero);
    let not_positive = b.not(positive);
    let up = b.and(wrong, positive);
    let down = b.and(wrong, not_positive);
    let step = b.select_c(down, -1.0, zero);
    let step = b.select_c(up, 1.0, step);
    let q = b.add(q, step);
    let shift_hi = b.select_c(down, PIO2_1, zero);
    let shift_hi = b.select_c(up, -PIO2_1, shift_hi);
    let shift_lo = b.select_c(down, PIO2_2, zero);
    let shift_lo = b.select_c(up, -PIO2_2, shift_lo);
    (q, dd::add(b, r, Dd::new(shift_hi, shift_lo)))
}

/// `x − q·π/2` for an integral `q` near `x·2/π` (within 1), accurate for `|x| < 2^30`
/// (beyond that its error grows past what 1-ULP results allow), with π/2 in three parts
/// `PIO2_1 + PIO2_2 + PIO2_3`.
///
/// `x − q·PIO2_1` is exact inside the fused multiply-add: `q·PIO2_1` is a multiple of
/// 2^-52, and where `q != 0`, `|x| >= π/4` is a multiple of 2^-53, so the difference,
/// below 2 in magnitude, fits in 53 bits. The one exception is an odd `q = ±1` for
/// `|x| < 1` (the cosine's reduction, `odd_q`): there `q·PIO2_1 = ±PIO2_1` exactly, and the
/// rounding error of the difference is recovered by a fast two-sum. `q·PIO2_2` is split
/// exactly by a two-product, so the cancellation when `x` is close to a multiple of π/2
/// loses nothing; the small terms are summed into the low part, which stays below
/// 2^-50 of the result: their roundings are far below an ULP of it.
#[inline(always)]
pub fn cody_waite<B: Builder>(b: &mut B, x: B::F, q: B::F, odd_q: bool) -> Dd<B::F> {
    let minus_p1 = b.splat(-PIO2_1);
    let r1 = b.fma(q, minus_p1, x);
    let minus_p2 = b.splat(-PIO2_2);
    let p2 = dd::two_prod(b, q, minus_p2);
    let r = dd::two_sum(b, r1, p2.hi);
    let p3 = b.mul_c(q, -PIO2_3);
    let lo = b.add(r.lo, p2.lo);
    let mut lo = b.add(lo, p3);
    if odd_q {
        let p1 = b.mul(q, minus_p1);
        let t = b.sub(r1, p1);
        let e = b.sub(x, t);
        let ax = b.abs(x);
        let one = b.splat(1.0);
        let tiny = b.lt(ax, one);
        let zero = b.splat(0.0);
        let e = b.select(tiny, e, zero);
        lo = b.add(lo, e);
    }
    Dd::new(r.hi, lo)
}

/// The exact reduction for `|x| >= 2^30` (any finite `x`; lanes with smaller exponents
/// read the first table row and get a meaningless result).
///
/// With `x = m·2^e`, `1 <= |m| < 2`, and the row's pieces `T0..T3` (see
/// [`PAYNE_HANEK_TABLE`]), `x·2/π ≡ m·T0 + m·T1 + m·T2 + m·T3 (mod 4)` within 2^-158.
/// The products are formed exactly as double-doubles (`|m·T0| < 2^55`, `|m·T1| < 4`,
/// `|m·T2| < 2^-51`), the integer parts of the large ones are taken out exactly
/// (`floor`/`rint` differences of floats are exact), and what is left is summed so that
/// the cancellation that makes the fraction tiny happens in exact operations: the small
/// terms are added first in double-double (rounding errors near 2^-155 absolute), the
/// exact fraction of the large terms last. The fraction `f`, `|f| <= 1/2`, times π/2 in
/// double-double is `r`; the integer parts summed give `q` (an integral float).
#[inline(always)]
pub fn payne_hanek<B: Builder>(b: &mut B, x: B::F) -> (B::F, Dd<B::F>) {
    let bits = b.to_bits(x);
    // The biased exponent and the row it selects, clamped into the table.
    let exp_field = b.lshr(bits, 52);
    let exp_mask = b.splat_i(0x7FF);
    let biased = b.iand(exp_field, exp_mask);
    let first = b.splat_i(1023 + PH_MIN_EXP);
    let row = b.isub(biased, first);
    let zero_i = b.splat_i(0);
    let below = b.ilt(row, zero_i);
    let row = b.select_i(below, zero_i, row);
    let last = b.splat_i(PH_ROWS as i64 - 1);
    let beyond = b.ilt(last, row);
    let row = b.select_i(beyond, last, row);
    let base = b.shl(row, 2);

    // m: x with its exponent replaced by 0 (sign and significand kept).
    let keep = b.splat_i(!(0x7FF << 52));
    let m = b.iand(bits, keep);
    let one_exp = b.splat_i(1023 << 52);
    let m = b.ior(m, one_exp);
    let m = b.bits_to_float(m);

    let piece = |b: &mut B, j: i64| {
        let offset = b.splat_i(j);
        let index = b.iadd(base, offset);
        b.lookup(&PAYNE_HANEK_TABLE, index)
    };
    let t0 = piece(b, 0);
    let t1 = piece(b, 1);
    let t2 = piece(b, 2);
    let t3 = piece(b, 3);

    // m·T0 = h + l exactly; both are multiples of 2^-51. Take h mod 4, then the nearest
    // integers of both out: the fractions are exact and so is their sum.
    let p0 = dd::two_prod(b, m, t0);
    let quarter = b.mul_c(p0.hi, 0.25);
    let quarter = b.floor(quarter);
    let minus_four = b.splat(-4.0);
    let h = b.fma(quarter, minus_four, p0.hi);
    let nh = b.rint(h);
    let fh = b.sub(h, nh);
    let nl = b.rint(p0.lo);
    let fl = b.sub(p0.lo, nl);
    let a = b.add(fh, fl);

    // Add m·T1's high part exactly and take the integer out again.
    let p1 = dd::two_prod(b, m, t1);
    let s = dd::two_sum(b, a, p1.hi);
    let ns = b.rint(s.hi);
    let frac = b.sub(s.hi, ns);

    // The small terms, all below 2^-50: s.lo, m·T1's low part, m·T2, m·T3.
    let p2 = dd::two_prod(b, m, t2);
    let p3 = b.mul(m, t3);
    let g = dd::two_sum(b, s.lo, p1.lo);
    let g = dd::add_f(b, g, p2.hi);
    let tail = b.add(p2.lo, p3);
    let g = dd::add_f(b, g, tail);

    // The exact large fraction last.
    let f = dd::two_sum(b, frac, g.hi);
    let f_lo = b.add(f.lo, g.lo);
    let f = dd::fast_two_sum(b, f.hi, f_lo);

    let pio2 = dd::constant(b, PIO2_1, PIO2_2);
    let r = dd::mul(b, f, pio2);

    let n = b.add(nh, nl);
    (b.add(n, ns), r)
}

#[cfg(test)]
mod tests {
    use super::super::Scalar;
    use super::*;

    #[test]
    fn table_rows_are_the_bits_of_two_over_pi() {
        // Row 53 − 30 starts at bit 0 (a zero left of the point) then the first 52 bits.
        let row = (53 - PH_MIN_EXP) as usize;
        let t0 = PAYNE_HANEK_TABLE[4 * row];
        assert_eq!(t0, 2.0 * (0xA2F9_836E_4E44_1529u64 >> 12) as f64);
        // Every piece is an exact float of at most 53 bits, and rows shift by one bit.
        for row in 0..PH_ROWS - 1 {
            let (a, b) = (PAYNE_HANEK_TABLE[4 * row], PAYNE_HANEK_TABLE[4 * row + 4]);
            assert!(b == (2.0 * a) % 2f64.powi(54) || b == (2.0 * a) % 2f64.powi(54) + 2.0);
        }
        assert!(PAYNE_HANEK_TABLE.iter().all(|t| t.is_finite() && *t >= 0.0));
    }

    /// The reduction as one float64 angle in [0, 2π): `(q mod 4)·π/2 + r`, compared through
    /// its sine and cosine.
    fn angle(q: i64, r: Dd<f64>) -> (f64, f64) {
        let q = q.rem_euclid(4);
        let (s, c) = (
            r.hi.sin() + r.lo * r.hi.cos(),
            r.hi.cos() - r.lo * r.hi.sin(),
        );
        match q {
            0 => (s, c),
            1 => (c, -s),
            2 => (-s, -c),
            _ => (-c, s),
        }
    }

    #[test]
    fn both_reductions_agree_where_both_are_valid() {
        // Cody-Waite stays accurate a little beyond its limit: compare the two there.
        let mut b = Scalar;
        let mut x = CODY_WAITE_LIMIT;
        for i in 0..20_000 {
            x = x * 1.000_1 + i as f64;
            let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
            let xs = sign * x;
            let qf = (xs * TWO_OVER_PI).round_ties_even();
            let (qc, rc) = (qf as i64, cody_waite(&mut b, xs, qf, false));
            let (qp, rp) = payne_hanek(&mut b, xs);
            let qp = qp as i64;
            assert!(x < 2f64.powi(36));
            assert_eq!((qc - qp).rem_euclid(4), 0, "quadrant of {xs}");
            let diff = (rc.hi - rp.hi) + (rc.lo - rp.lo);
            assert!(
                diff.abs() <= rc.hi.abs() * 2f64.powi(-100) + 2f64.powi(-120),
                "{xs}: {rc:?} vs {rp:?}"
            );
        }
    }

    #[test]
    fn huge_arguments_match_glibc() {
        let mut b = Scalar;
        let mut x = 1e9f64;
        while x < f64::MAX / 1.7 {
            x *= 1.7;
            for xs in [x, -x, f64::from_bits(x.to_bits() + 12_345)] {
                let (q, r) = pio2(&mut b, xs, Parity::Any);
                assert!(
                    r.hi.abs() <= std::f64::consts::FRAC_PI_4 * (1.0 + 1e-15),
                    "{xs}"
                );
                let (s, c) = angle(q, r);
                assert!((s - xs.sin()).abs() <= 1e-15 && (c - xs.cos()).abs() <= 1e-15);
            }
        }
    }

    #[test]
    fn the_hardest_case_keeps_its_digits() {
        // 6381956970095103·2^797 is within 4.7e-19 of a multiple of π/2 (Muller), the
        // closest any float64 comes; the reduced argument must still be correct.
        let x = 6_381_956_970_095_103.0 * 2f64.powi(797);
        let (_, r) = pio2(&mut Scalar, x, Parity::Any);
        // x − k·π/2 = 4.687165924254627611e-19 (mpmath at 3000 bits).
        let want = 4.687_165_924_254_628e-19;
        assert!((r.hi.abs() - want).abs() <= want * 1e-16, "{r:?}");
        // π/2 rounded leaves the rest of π/2, to double-double precision.
        let (q, r) = pio2(&mut Scalar, PIO2_1, Parity::Any);
        assert_eq!((q, r.hi, r.lo), (1, -PIO2_2, -PIO2_3));
    }

    #[test]
    fn even_and_odd_quadrants_keep_the_angle() {
        // Small, medium and huge arguments (both reductions), near multiples of π/2 too.
        let mut b = Scalar;
        let mut xs: Vec<f64> = (1..4000).map(|i| i as f64 * 0.0123 - 24.6).collect();
        xs.extend((1..200).map(|k| k as f64 * std::f64::consts::FRAC_PI_2));
        xs.extend([
            0.0, -0.0, 1e-300, -0.999, 0.999, 1.0, -1.0, 7e8, 3e9, -1e15, 1e300,
        ]);
        for x in xs {
            let (q0, r0) = pio2(&mut b, x, Parity::Any);
            let want = angle(q0, r0);
            for (parity, odd) in [(Parity::Even, 0), (Parity::Odd, 1)] {
                let (q, r) = pio2(&mut b, x, parity);
                assert_eq!(q.rem_euclid(2), odd, "{parity:?} quadrant of {x}");
                let bound = std::f64::consts::FRAC_PI_2 + 1e-6;
                assert!(r.hi.abs() <= bound, "{parity:?} {x}: {r:?}");
                let got = angle(q, r);
                let tol = 1e-15 * (1.0 + x.abs() * 1e-16);
                assert!(
                    (got.0 - want.0).abs() <= tol && (got.1 - want.1).abs() <= tol,
                    "{parity:?} {x}: {got:?} vs {want:?}"
                );
                if x != 0.0 && x.abs() < 2.0 {
                    // The reduced argument to double-double precision, against the
                    // quadrant-free reduction.
                    let diff = (r.hi - r0.hi) + (r.lo - r0.lo);
                    let turn = (q - q0) as f64 * std::f64::consts::FRAC_PI_2;
                    assert!((diff + turn).abs() <= 1e-15, "{parity:?} {x}");
                }
            }
        }
    }
}
