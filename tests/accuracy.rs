//! Accuracy of the transcendental functions against MPFR (correctly rounded, through `rug`).
//!
//! For every function: a million inputs by default, a quarter spread over the whole float64
//! range by bit pattern (huge, tiny and subnormal arguments included), the rest in the range
//! where the function is interesting, plus every special value. Two engines are measured:
//! `vmath` (the generic algorithms of `vex_expr::vmath` evaluated on plain numbers: the bits
//! every backend's generated code computes) and `jit` (`Backend::Jit` through the facade), in
//! float64 and float32. The error of a result is `|got − exact| / ulp(exact)` with the ulp of
//! the result's format at the exact value's magnitude (subnormal ulps below the normal range);
//! a wrong NaN, infinity or sign of zero is an infinite error.
//!
//! `VEX_ACCURACY_FUNCS=exp,log` limits the run to some functions, `VEX_ACCURACY_N=100000`
//! changes the input count; `-- --nocapture` prints the table (max error and worst input).

use std::collections::HashMap;

use rug::float::Round;
use rug::ops::Pow;
use rug::Float;
use vex::{Backend, Context, Vars};
use vex_expr::ir::{BinaryOp, Func};
use vex_expr::vmath;

/// Bits of the MPFR reference: far more than the 53 + a few needed to round f64 results.
const PREC: u32 = 160;

/// One function under test.
struct Case {
    /// Its name in the language.
    name: &'static str,
    /// How vmath knows it.
    op: Op,
    /// The documented bound in ULP, for float64 and float32 alike.
    bound: f64,
    /// Where its interesting inputs lie (for binary functions, both arguments).
    range: (f64, f64),
    /// The correctly rounded reference.
    exact: fn(&[Float]) -> Float,
}

#[derive(Clone, Copy)]
enum Op {
    Unary(Func),
    Binary(Func),
    Pow,
}

impl Case {
    fn arity(&self) -> usize {
        match self.op {
            Op::Unary(_) => 1,
            Op::Binary(_) | Op::Pow => 2,
        }
    }

    /// The expression computing this function of `x` (and `y`).
    fn expr(&self) -> String {
        match self.op {
            Op::Unary(_) => format!("{}(x)", self.name),
            Op::Binary(_) => format!("{}(x, y)", self.name),
            Op::Pow => "x ** y".to_string(),
        }
    }

    /// The vmath result on plain numbers, or `None` if vmath has no algorithm for it.
    fn vmath(&self, args: &[f64]) -> Option<f64> {
        match self.op {
            Op::Unary(f) | Op::Binary(f) => vmath::eval(f, args),
            Op::Pow => vmath::binary(&mut vmath::Scalar, BinaryOp::Pow, args[0], args[1]),
        }
    }

    fn has_vmath(&self) -> bool {
        match self.op {
            Op::Unary(f) | Op::Binary(f) => vmath::has(f),
            Op::Pow => vmath::has_binary(BinaryOp::Pow),
        }
    }
}

fn cases() -> Vec<Case> {
    use Func::*;
    let u = |name, f, bound, range, exact| Case {
        name,
        op: Op::Unary(f),
        bound,
        range,
        exact,
    };
    vec![
        u("exp", Exp, 1.0, (-746.0, 710.0), |a| a[0].clone().exp()),
        u("expm1", Expm1, 1.0, (-40.0, 710.0), |a| {
            a[0].clone().exp_m1()
        }),
        u("log", Log, 1.0, (0.0, 100.0), |a| a[0].clone().ln()),
        u("log1p", Log1p, 1.0, (-1.0, 100.0), |a| a[0].clone().ln_1p()),
        u("log2", Log2, 1.0, (0.0, 100.0), |a| a[0].clone().log2()),
        u("log10", Log10, 1.0, (0.0, 100.0), |a| a[0].clone().log10()),
        u("sin", Sin, 1.0, (-1e4, 1e4), |a| a[0].clone().sin()),
        u("cos", Cos, 1.0, (-1e4, 1e4), |a| a[0].clone().cos()),
        u("tan", Tan, 1.0, (-1e4, 1e4), |a| a[0].clone().tan()),
        u("arcsin", Arcsin, 1.0, (-1.0, 1.0), |a| a[0].clone().asin()),
        u("arccos", Arccos, 1.0, (-1.0, 1.0), |a| a[0].clone().acos()),
        u("arctan", Arctan, 1.0, (-100.0, 100.0), |a| {
            a[0].clone().atan()
        }),
        u("sinh", Sinh, 2.0, (-711.0, 711.0), |a| a[0].clone().sinh()),
        u("cosh", Cosh, 2.0, (-711.0, 711.0), |a| a[0].clone().cosh()),
        u("tanh", Tanh, 1.0, (-20.0, 20.0), |a| a[0].clone().tanh()),
        u("arcsinh", Arcsinh, 1.0, (-1e3, 1e3), |a| {
            a[0].clone().asinh()
        }),
        u("arccosh", Arccosh, 1.0, (1.0, 1e3), |a| {
            a[0].clone().acosh()
        }),
        u("arctanh", Arctanh, 1.0, (-1.0, 1.0), |a| {
            a[0].clone().atanh()
        }),
        u("cbrt", Cbrt, 1.0, (-1e3, 1e3), |a| a[0].clone().cbrt()),
        u("sqrt", Sqrt, 1.0, (0.0, 1e3), |a| a[0].clone().sqrt()),
        Case {
            name: "arctan2",
            op: Op::Binary(Arctan2),
            bound: 1.0,
            range: (-10.0, 10.0),
            exact: |a| a[0].clone().atan2(&a[1]),
        },
        Case {
            name: "hypot",
            op: Op::Binary(Hypot),
            bound: 1.0,
            range: (-1e3, 1e3),
            exact: |a| a[0].clone().hypot(&a[1]),
        },
        Case {
            name: "pow",
            op: Op::Pow,
            bound: 1.0,
            range: (-20.0, 20.0),
            exact: |a| a[0].clone().pow(&a[1]),
        },
    ]
}

/// Values every function is tried on, alone and (for binary functions) in every pair.
fn specials() -> Vec<f64> {
    let mut v = vec![
        0.0,
        f64::NAN,
        f64::INFINITY,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::MAX,
        f64::EPSILON,
        1.0,
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
        0.5,
        2.0,
        3.0,
        10.0,
        std::f64::consts::PI,
        std::f64::consts::FRAC_PI_2,
        std::f64::consts::FRAC_PI_4,
        std::f64::consts::LN_2,
        709.782712893384,
        709.7827128933841,
        -745.1332191019411,
        -708.3964185322641,
        1e-300,
        1e300,
        1e22,
        2f64.powi(52),
        2f64.powi(53) + 2.0,
        0.1,
        1e-8,
        710.4758600739439,
    ];
    let negatives: Vec<f64> = v.iter().map(|x| -x).collect();
    v.extend(negatives);
    v
}

/// A small, fast, seedable generator (splitmix64): the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * u
    }

    /// Any float64 but NaN, uniform over bit patterns.
    fn any_bits(&mut self) -> f64 {
        loop {
            let x = f64::from_bits(self.next());
            if !x.is_nan() {
                return x;
            }
        }
    }

    /// One input: a quarter anywhere, a tenth a few ulps from a special value, the rest
    /// uniform in `range`, sometimes with a random power-of-two scale towards zero.
    fn input(&mut self, range: (f64, f64), specials: &[f64]) -> f64 {
        match self.next() % 20 {
            0..=4 => self.any_bits(),
            5..=6 => {
                let s = specials[(self.next() % specials.len() as u64) as usize];
                let nudge = (self.next() % 9) as i64 - 4;
                if s.is_finite() {
                    // Nudged in magnitude, never across zero or into NaN.
                    let bits =
                        (s.abs().to_bits() as i64 + nudge).clamp(0, f64::MAX.to_bits() as i64);
                    f64::from_bits(bits as u64).copysign(s)
                } else {
                    s
                }
            }
            7..=8 => self.uniform(range.0, range.1) * 2f64.powi(-((self.next() % 60) as i32)),
            _ => self.uniform(range.0, range.1),
        }
    }
}

/// The inputs of `case`: argument columns of equal length.
fn inputs(case: &Case, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let sp = specials();
    let mut rng = Rng(seed);
    let mut cols = vec![Vec::with_capacity(n); case.arity()];
    if case.arity() == 1 {
        cols[0].extend(&sp);
    } else {
        for &x in &sp {
            for &y in &sp {
                cols[0].push(x);
                cols[1].push(y);
            }
        }
    }
    while cols[0].len() < n {
        for col in cols.iter_mut() {
            col.push(rng.input(case.range, &sp));
        }
        // Integral exponents exercise pow's negative bases.
        if matches!(case.op, Op::Pow) && rng.next().is_multiple_of(4) {
            let y = cols[1].last_mut().unwrap();
            *y = y.round();
        }
    }
    cols
}

/// A float format: precision in bits and exponent range of its normal numbers.
#[derive(Clone, Copy)]
struct Format {
    bits: i32,
    emin: i32,
    emax: i32,
}

const F64: Format = Format {
    bits: 53,
    emin: -1022,
    emax: 1023,
};
const F32: Format = Format {
    bits: 24,
    emin: -126,
    emax: 127,
};

/// The error of `got` in ulps of `format` against the exact value.
fn ulp_error(got: f64, exact: &Float, rounded: f64, format: Format) -> f64 {
    if exact.is_nan() || got.is_nan() {
        return if exact.is_nan() && got.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if got.is_infinite() || rounded.is_infinite() {
        return if got == rounded { 0.0 } else { f64::INFINITY };
    }
    if exact.is_zero() {
        return if got == 0.0 && got.is_sign_negative() == exact.is_sign_negative() {
            0.0
        } else if got == 0.0 {
            f64::INFINITY
        } else {
            got.abs() / 2f64.powi(format.emin - format.bits + 1)
        };
    }
    // ulp at the exact value's binade, never below the subnormal spacing.
    let e = (exact.get_exp().unwrap() - 1).clamp(format.emin, format.emax);
    let diff = Float::with_val(PREC, got) - exact;
    let ulp_exp = e - format.bits + 1;
    (diff.abs() >> ulp_exp).to_f64()
}

/// Worst error seen and where.
#[derive(Default, Clone)]
struct Worst {
    ulp: f64,
    args: Vec<f64>,
    got: f64,
}

impl Worst {
    fn see(&mut self, ulp: f64, args: Vec<f64>, got: f64) {
        if ulp > self.ulp || (ulp.is_nan() && !self.ulp.is_nan()) {
            *self = Worst { ulp, args, got };
        }
    }
}

/// References, rounded to float64 and float32, for each input (two threads).
struct Reference {
    exact: Vec<Float>,
    r64: Vec<f64>,
    r32: Vec<f32>,
}

fn reference(case: &Case, cols: &[Vec<f64>], narrow: bool) -> Reference {
    let n = cols[0].len();
    let compute = |range: std::ops::Range<usize>| {
        range
            .map(|i| {
                let args: Vec<Float> = cols
                    .iter()
                    .map(|c| {
                        let x = if narrow { c[i] as f32 as f64 } else { c[i] };
                        Float::with_val(PREC, x)
                    })
                    .collect();
                let exact = (case.exact)(&args);
                let r64 = exact.to_f64_round(Round::Nearest);
                let r32 = exact.to_f32_round(Round::Nearest);
                (exact, r64, r32)
            })
            .collect::<Vec<_>>()
    };
    let half = n / 2;
    let (a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| compute(half..n));
        (compute(0..half), h.join().unwrap())
    });
    let mut r = Reference {
        exact: Vec::with_capacity(n),
        r64: Vec::with_capacity(n),
        r32: Vec::with_capacity(n),
    };
    for (e, x, y) in a.into_iter().chain(b) {
        r.exact.push(e);
        r.r64.push(x);
        r.r32.push(y);
    }
    r
}

/// The JIT's results for the columns, in float64 or float32.
fn jit(ctx: &Context, case: &Case, cols: &[Vec<f64>], narrow: bool) -> Vec<f64> {
    let names = ["x", "y"];
    let arrays64: Vec<ndarray::ArrayD<f64>> = cols
        .iter()
        .map(|c| ndarray::Array1::from(c.clone()).into_dyn())
        .collect();
    let arrays32: Vec<ndarray::ArrayD<f32>> =
        arrays64.iter().map(|a| a.mapv(|x| x as f32)).collect();
    let mut vars = Vars::new();
    for (i, name) in names.iter().take(cols.len()).enumerate() {
        if narrow {
            vars.insert(name, &arrays32[i]);
        } else {
            vars.insert(name, &arrays64[i]);
        }
    }
    let out = ctx
        .evaluate(&case.expr(), &vars)
        .unwrap_or_else(|e| panic!("{}: {e}", case.expr()));
    if narrow {
        out.as_f32()
            .expect("float32 result")
            .iter()
            .map(|&x| x as f64)
            .collect()
    } else {
        out.as_f64()
            .expect("float64 result")
            .iter()
            .copied()
            .collect()
    }
}

#[test]
fn transcendental_functions_within_documented_ulp_bounds() {
    let only: Option<Vec<String>> = std::env::var("VEX_ACCURACY_FUNCS")
        .ok()
        .map(|s| s.split(',').map(|f| f.trim().to_string()).collect());
    let n: usize = std::env::var("VEX_ACCURACY_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let ctx = Context::with_backend(Backend::Jit);
    let mut failures = Vec::new();
    let mut table: HashMap<(&str, &str, &str), Worst> = HashMap::new();
    println!(
        "{:<8} {:<6} {:<5} {:>9} {:>6}  worst input → got",
        "function", "engine", "dtype", "max ulp", "bound"
    );
    for (k, case) in cases().iter().enumerate() {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|f| f == case.name))
        {
            continue;
        }
        let cols = inputs(case, n, 0x5eed + k as u64);
        for narrow in [false, true] {
            let dtype = if narrow { "f32" } else { "f64" };
            let format = if narrow { F32 } else { F64 };
            let reference = reference(case, &cols, narrow);
            let arg = |i: usize| -> Vec<f64> {
                cols.iter()
                    .map(|c| if narrow { c[i] as f32 as f64 } else { c[i] })
                    .collect()
            };
            let round = |x: f64| if narrow { x as f32 as f64 } else { x };
            let rounded = |i: usize| {
                if narrow {
                    reference.r32[i] as f64
                } else {
                    reference.r64[i]
                }
            };
            let mut engines: Vec<(&str, Vec<f64>)> = Vec::new();
            if case.has_vmath() {
                let got = (0..cols[0].len())
                    .map(|i| round(case.vmath(&arg(i)).unwrap()))
                    .collect();
                engines.push(("vmath", got));
            }
            engines.push(("jit", jit(&ctx, case, &cols, narrow)));
            for (engine, got) in engines {
                let worst = table.entry((case.name, engine, dtype)).or_default();
                for (i, &g) in got.iter().enumerate() {
                    let e = ulp_error(g, &reference.exact[i], rounded(i), format);
                    if e > worst.ulp || e.is_nan() {
                        worst.see(e, arg(i), g);
                    }
                }
                let w = worst.clone();
                println!(
                    "{:<8} {:<6} {:<5} {:>9.3} {:>6}  {:?} → {:e}",
                    case.name, engine, dtype, w.ulp, case.bound, w.args, w.got
                );
                if w.ulp.is_nan() || w.ulp > case.bound {
                    failures.push(format!(
                        "{} {engine} {dtype}: {:.3} ulp > {} at {:?} (got {:e})",
                        case.name, w.ulp, case.bound, w.args, w.got
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "over the bound:\n{}",
        failures.join("\n")
    );
}
