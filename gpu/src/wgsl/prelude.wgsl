// The helpers of the math library (see gpu/src/wgsl/math.rs for why each exists).

// Zero, but not a constant the driver's compiler knows. Every float result passes
// through vm_keep, an integer `or` with it on the float's bits: the compiler can not see
// through that, so it can not apply rewrites that are wrong in floating point
// (reassociation, `(a + b) - b` to `a`, contracting a multiply and an add into one
// rounding), and not a bit changes. The entry point sets it first with VM_INIT.
var<private> vm_zero: i64;

fn vm_keep(x: f64) -> f64 {
    return bitcast<f64>(bitcast<i64>(x) | vm_zero);
}

// Rounds towards zero, on the bits: a driver's own float64 `trunc` may be lowered into
// float tricks that its optimizer then breaks (lavapipe returns large x unrounded).
fn vm_trunc(x: f64) -> f64 {
    let bits = bitcast<i64>(x);
    let e = ((bits >> 52u) & 2047li) - 1023li;
    let sign = bits & (-9223372036854775807li - 1li);
    let frac = 4503599627370495li >> u32(clamp(e, 0li, 52li));
    let kept = bitcast<f64>(bits & ~frac);
    return select(select(kept, bitcast<f64>(sign), e < 0li), x, e >= 52li);
}

// Rounds towards negative infinity: trunc, minus one below a negative non-integer.
fn vm_floor(x: f64) -> f64 {
    let t = vm_trunc(x);
    return select(t, vm_keep(t - 1.0lf), x < t);
}

// Rounds to the nearest integer, ties to even. x − trunc(x) is exact, and so are the
// halving and doubling that test the parity of the truncated integer.
fn vm_rint(x: f64) -> f64 {
    let t = vm_trunc(x);
    let d = abs(vm_keep(x - t));
    let half = vm_keep(t * 0.5lf);
    let odd = vm_keep(vm_trunc(half) * 2.0lf) != t;
    let away = (d > 0.5lf) | ((d == 0.5lf) & odd);
    let step = bitcast<f64>((bitcast<i64>(x) & (-9223372036854775807li - 1li)) | 4607182418800017408li);
    return select(t, vm_keep(t + step), away);
}

// a = hi + lo exactly with 26-bit halves (Veltkamp), valid for |a| < 2^995.
fn vm_split(a: f64) -> vec2<f64> {
    let c = vm_keep(a * 134217729.0lf);
    let h = vm_keep(c - vm_keep(c - a));
    return vec2<f64>(h, vm_keep(a - h));
}

// a + b = s + e exactly (Knuth's TwoSum).
fn vm_two_sum(a: f64, b: f64) -> vec2<f64> {
    let s = vm_keep(a + b);
    let bb = vm_keep(s - a);
    let aa = vm_keep(s - bb);
    let e = vm_keep(vm_keep(a - aa) + vm_keep(b - bb));
    return vec2<f64>(s, e);
}

// a + b rounded to odd: rounded to nearest, then, if inexact and even, moved one unit
// towards the exact sum.
fn vm_add_odd(a: f64, b: f64) -> f64 {
    let se = vm_two_sum(a, b);
    let bits = bitcast<i64>(se.x);
    let even = (bits & 1li) == 0li;
    let towards = select(-1li, 1li, (se.x < 0.0lf) == (se.y < 0.0lf));
    return select(se.x, bitcast<f64>(bits + towards), even & (se.y != 0.0lf));
}

// a·b + c with one rounding where 1e-288 < |a·b| < 1e288, |a|, |b| < 1e299 and
// |c| < 1e300: the exact product as two floats (Dekker), then Boldo and Melquiond's
// emulation through rounding to odd. Elsewhere (and for zeros, infinities and NaN, where
// rounding once or twice agree) a·b + c rounded twice.
fn vm_fma_core(a: f64, b: f64, c: f64) -> f64 {
    let p = vm_keep(a * b);
    let ap = abs(p);
    let safe = (ap > 1.0e-288lf) & (ap < 1.0e288lf) & (abs(a) < 1.0e299lf) & (abs(b) < 1.0e299lf)
        & (abs(c) < 1.0e300lf);
    let x = vm_split(select(1.0lf, a, safe));
    let y = vm_split(select(1.0lf, b, safe));
    let q = select(1.0lf, p, safe);
    let e1 = vm_keep(vm_keep(x.x * y.x) - q);
    let e2 = vm_keep(e1 + vm_keep(x.x * y.y));
    let e3 = vm_keep(e2 + vm_keep(x.y * y.x));
    let err = vm_keep(e3 + vm_keep(x.y * y.y));
    let t = vm_two_sum(select(0.0lf, c, safe), q);
    let v = vm_add_odd(t.y, err);
    let exact = vm_keep(t.x + v);
    return select(vm_keep(p + c), exact, safe);
}

// a·b + c with one rounding, for devices whose float64 fma rounds twice (lavapipe).
// First a huge factor times a small one (a remainder of a division by a huge number)
// trades 2^300 between them, which leaves the product as it is. Then tiny products are
// scaled by 2^600 into vm_fma_core's range and back, exactly unless the result is
// subnormal and inexact (then rounded twice). Where |c| >= 1e100 a tiny product is below
// half an ulp of c and the twice-rounded sum is right too; where |a| or |b| is still
// >= 1e200, a tiny product is zero.
fn vm_fma_emulated(a0: f64, b0: f64, c: f64) -> f64 {
    let shift_a = (abs(a0) >= 1.0e200lf) & (abs(b0) < 1.0e50lf);
    let shift_b = (abs(b0) >= 1.0e200lf) & (abs(a0) < 1.0e50lf);
    let a = vm_keep(a0 * select(select(1.0lf, 0x1p300lf, shift_b), 0x1p-300lf, shift_a));
    let b = vm_keep(b0 * select(select(1.0lf, 0x1p300lf, shift_a), 0x1p-300lf, shift_b));
    let tiny = (abs(vm_keep(a * b)) <= 1.0e-288lf) & (abs(c) < 1.0e100lf)
        & (abs(a) < 1.0e200lf) & (abs(b) < 1.0e200lf);
    let s = select(1.0lf, 0x1p300lf, tiny);
    let r = vm_fma_core(vm_keep(a * s), vm_keep(b * s), vm_keep(vm_keep(c * s) * s));
    let scaled = select(r, vm_keep(r * 0x1p-600lf), tiny);
    // An infinite c with finite factors: the exact product is finite even where the
    // rounded one overflows (and inf - inf would give NaN).
    let inf = 9218868437227405312li;
    let finite_ab = ((bitcast<i64>(a0) & 9223372036854775807li) < inf)
        & ((bitcast<i64>(b0) & 9223372036854775807li) < inf);
    let inf_c = (bitcast<i64>(c) & 9223372036854775807li) == inf;
    return select(scaled, c, finite_ab & inf_c);
}
