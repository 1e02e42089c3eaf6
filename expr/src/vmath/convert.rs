//! Exact conversions between 64-bit integer and float64 lanes built from bit operations,
//! for backends whose vector instructions have none (x86-64 before AVX-512, WGSL). A
//! backend that uses them in its [`Builder::to_float`] / [`Builder::to_int`] computes, in
//! every lane, the bits of every other backend that does, whatever the lane holds.

use super::Builder;

/// The sign bit of a float64.
const SIGN: i64 = i64::MIN;
/// The bits of `2^84 + 2^63 + 2^52`, see [`to_float`].
const TO_FLOAT_BIAS: u64 = 0x4530_0000_8010_0000;
/// `1.5 · 2^52`: adding it to an integral `|x| < 2^51` leaves `x` in the low mantissa bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// `a` as the nearest float64, for every `i64`. With `u = a + 2^63` read as unsigned,
/// `H·2^32 + L`: `(2^84 + H·2^32) − (2^84 + 2^63 + 2^52)` is exact, and adding
/// `2^52 + L` rounds once to `a`.
#[inline(always)]
pub fn to_float<B: Builder>(b: &mut B, a: B::I) -> B::F {
    let sign = b.splat_i(SIGN);
    let u = b.ixor(a, sign);
    let hi = b.lshr(u, 32);
    let hi_exp = b.splat_i(0x4530_0000_0000_0000);
    let hi = b.ior(hi, hi_exp);
    let low_mask = b.splat_i(0xffff_ffff);
    let lo = b.iand(u, low_mask);
    let lo_exp = b.splat_i(0x4330_0000_0000_0000);
    let lo = b.ior(lo, lo_exp);
    let hi = b.bits_to_float(hi);
    let lo = b.bits_to_float(lo);
    let bias = b.splat(f64::from_bits(TO_FLOAT_BIAS));
    let hi = b.sub(hi, bias);
    b.add(hi, lo)
}

/// `a`, an integral float64 with `|a| < 2^51`, as an integer: `a + 1.5·2^52` holds it in
/// its low mantissa bits.
#[inline(always)]
pub fn to_int<B: Builder>(b: &mut B, a: B::F) -> B::I {
    let magic = b.splat(ROUND_MAGIC);
    let s = b.add(a, magic);
    let s = b.to_bits(s);
    let m = b.splat_i(ROUND_MAGIC.to_bits() as i64);
    b.isub(s, m)
}

#[cfg(test)]
mod tests {
    use super::super::Scalar;
    use super::*;

    #[test]
    fn to_float_rounds_every_integer_once() {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut values = vec![
            0,
            1,
            -1,
            i64::MAX,
            i64::MIN,
            1 << 53,
            (1 << 53) + 1,
            -(1 << 60) - 3,
        ];
        for _ in 0..100_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            values.push(s as i64);
            values.push((s as i64) >> (s % 64));
        }
        for a in values {
            assert_eq!(to_float(&mut Scalar, a), a as f64, "{a}");
        }
    }

    #[test]
    fn to_int_is_exact_below_two_to_the_51() {
        for a in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            12345.0,
            -(2f64.powi(51) - 1.0),
            2f64.powi(51) - 1.0,
        ] {
            assert_eq!(to_int(&mut Scalar, a), a as i64, "{a}");
        }
    }
}
