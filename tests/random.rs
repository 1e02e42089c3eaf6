//! `rand` and `randn`: values against an independent implementation of Philox4x32-10 and
//! Box–Muller, statistics of a million samples, slicing and broadcasting like any array,
//! unseeded calls, errors, and the JIT against the interpreter (bit-identical for `rand`,
//! within a few ULPs for `randn`, whose log/cos may come from vector math).

use vex::{Backend, Context, ErrorKind, Vars};

/// Philox4x32-10 written from the paper's description, independently of vex: the round
/// function as two 64-bit products, the key bumped by the Weyl constants after each round.
fn philox(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let (mut x, mut k) = (ctr, key);
    for _ in 0..10 {
        let a = 0xD2511F53u64 * x[0] as u64;
        let b = 0xCD9E8D57u64 * x[2] as u64;
        x = [
            ((b >> 32) as u32) ^ x[1] ^ k[0],
            b as u32,
            ((a >> 32) as u32) ^ x[3] ^ k[1],
            a as u32,
        ];
        k[0] = k[0].wrapping_add(0x9E3779B9);
        k[1] = k[1].wrapping_add(0xBB67AE85);
    }
    x
}

/// The block of element `i`: key = seed, counter = (i, stream).
fn block(seed: u64, stream: u32, i: u64) -> [u32; 4] {
    philox(
        [i as u32, (i >> 32) as u32, stream, 0],
        [seed as u32, (seed >> 32) as u32],
    )
}

/// 53 bits of words `w` (low) and `w + 1` (high).
fn top53(b: [u32; 4], w: usize) -> u64 {
    ((b[w + 1] as u64) << 32 | b[w] as u64) >> 11
}

fn want_rand(seed: u64, i: u64) -> f64 {
    top53(block(seed, 0, i), 0) as f64 / 9007199254740992.0
}

fn want_randn(seed: u64, i: u64) -> f64 {
    let b = block(seed, 1, i);
    let u1 = (top53(b, 0) + 1) as f64 / 9007199254740992.0;
    let u2 = top53(b, 2) as f64 / 9007199254740992.0;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn eval(backend: Backend, src: &str) -> ndarray::ArrayD<f64> {
    Context::with_backend(backend)
        .evaluate(src, &Vars::new())
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{src}: float64"))
        .clone()
}

fn interp(src: &str) -> ndarray::ArrayD<f64> {
    eval(Backend::Interpreter, src)
}

/// Whether `a` and `b` are within `n` units in the last place of the larger.
fn within_ulps(a: f64, b: f64, n: f64) -> bool {
    let ulp = |x: f64| {
        let x = x.abs().max(f64::MIN_POSITIVE);
        f64::from_bits(x.to_bits() + 1) - x
    };
    (a - b).abs() <= n * ulp(a.abs().max(b.abs()))
}

#[test]
fn interpreter_values_match_an_independent_implementation() {
    let x = interp("rand((100, 3), seed=42)");
    assert_eq!(x.shape(), &[100, 3]);
    for (i, v) in x.iter().enumerate() {
        assert_eq!(
            v.to_bits(),
            want_rand(42, i as u64).to_bits(),
            "rand at {i}"
        );
    }
    // Seeds above 2^32 use both key words; indices above 2^32 both counter words
    // (reached through a view of a large virtual array, never allocated).
    let seed = 0x1234_5678_9abc_def0u64;
    let y = interp(&format!("rand(7, seed={seed})"));
    for (i, v) in y.iter().enumerate() {
        assert_eq!(*v, want_rand(seed, i as u64));
    }
    let far = interp("rand((3, 2**33), seed=5)[2, 2**33 - 4:]");
    for (j, v) in far.iter().enumerate() {
        let i = 2 * (1u64 << 33) + (1u64 << 33) - 4 + j as u64;
        assert_eq!(*v, want_rand(5, i), "index {i}");
    }
    let n = interp("randn(1000, seed=9)");
    for (i, v) in n.iter().enumerate() {
        assert!(
            within_ulps(*v, want_randn(9, i as u64), 2.0),
            "randn at {i}: {v}"
        );
    }
}

#[test]
fn a_million_samples_have_the_right_statistics() {
    let n = 1_000_000.0;
    let u = interp("rand(10**6, seed=1)");
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    let mean = u.sum() / n;
    let var = u.mapv(|x| (x - mean) * (x - mean)).sum() / n;
    // Standard errors: 2.9e-4 for the mean, 7.5e-5 for the variance; bounds at ~5σ.
    assert!((mean - 0.5).abs() < 1.5e-3, "mean {mean}");
    assert!((var - 1.0 / 12.0).abs() < 4e-4, "variance {var}");
    // Each tenth of [0, 1) gets its share (σ = 300 of 100000).
    let mut bins = [0usize; 10];
    u.iter().for_each(|&x| bins[(x * 10.0) as usize] += 1);
    assert!(
        bins.iter().all(|&b| b.abs_diff(100_000) < 1_500),
        "{bins:?}"
    );

    let z = interp("randn(10**6, seed=1)");
    assert!(z.iter().all(|x| x.is_finite()));
    let mean = z.sum() / n;
    let var = z.mapv(|x| (x - mean) * (x - mean)).sum() / n;
    let skew = z.mapv(|x| (x - mean).powi(3)).sum() / n;
    let kurt = z.mapv(|x| (x - mean).powi(4)).sum() / n;
    assert!(mean.abs() < 5e-3, "mean {mean}");
    assert!((var - 1.0).abs() < 7e-3, "variance {var}");
    assert!(skew.abs() < 0.015, "skewness {skew}");
    assert!((kurt - 3.0).abs() < 0.05, "kurtosis {kurt}");
    let within_one = z.iter().filter(|x| x.abs() < 1.0).count() as f64 / n;
    assert!((within_one - 0.682_689).abs() < 2.5e-3, "{within_one}");
    // rand and randn of one seed are different streams.
    let r = interp("rand(1000, seed=1)");
    let cov: f64 = r
        .iter()
        .zip(z.iter())
        .map(|(a, b)| (a - 0.5) * b)
        .sum::<f64>()
        / 1000.0;
    assert!(cov.abs() < 0.05, "{cov}");
}

#[test]
fn random_arrays_slice_and_broadcast_like_any_array() {
    let full = interp("rand((4, 5), seed=3)");
    let sliced = interp("rand((4, 5), seed=3)[1:, ::2]");
    assert_eq!(
        sliced,
        full.slice(ndarray::s![1.., ..;2]).to_owned().into_dyn()
    );
    let t = interp("rand((4, 5), seed=3).T[::-1]");
    assert_eq!(
        t,
        full.t().slice(ndarray::s![..;-1, ..]).to_owned().into_dyn()
    );
    let outer = interp("rand(5, seed=1)[:, None] + rand(3, seed=2)");
    let (a, b) = (interp("rand(5, seed=1)"), interp("rand(3, seed=2)"));
    for i in 0..5 {
        for j in 0..3 {
            assert_eq!(outer[[i, j]], a[[i]] + b[[j]]);
        }
    }
    // A scalar-shaped draw and 1-tuples.
    assert_eq!(interp("rand((), seed=4)").shape(), &[] as &[usize]);
    assert_eq!(interp("rand((3,), seed=4)"), interp("rand(3, seed=4)"));
    assert_eq!(interp("rand((0, 3), seed=4)").shape(), &[0, 3]);
    // Reductions see the same values.
    let s = interp("sum(randn((300, 7), seed=8), axis=0)");
    let z = interp("randn((300, 7), seed=8)");
    for j in 0..7 {
        let col: f64 = z.index_axis(ndarray::Axis(1), j).sum();
        assert!((s[[j]] - col).abs() < 1e-12, "{} vs {col}", s[[j]]);
    }
}

#[test]
fn unseeded_calls_differ_and_a_bound_draw_is_one_value() {
    for backend in [Backend::Interpreter, Backend::Jit, Backend::Auto] {
        let ctx = Context::with_backend(backend);
        let run = |src: &str| {
            ctx.evaluate(src, &Vars::new())
                .unwrap()
                .as_f64()
                .unwrap()
                .clone()
        };
        // The same program run twice (cached and lowered once otherwise) draws anew.
        assert_ne!(run("rand(8)"), run("rand(8)"), "{backend:?}");
        assert_ne!(run("randn(8)"), run("randn(8)"));
        assert!(run("x = rand(8); x - x").iter().all(|&v| v == 0.0));
        assert!(run("rand(8) - rand(8)").iter().any(|&v| v != 0.0));
        assert_eq!(run("rand(8, seed=7)"), run("rand(8, seed=7)"));
        assert_eq!(run("rand(8, seed=7)"), interp("rand(8, seed=7)"));
    }
}

#[test]
fn bad_shapes_and_seeds_are_spanned_errors() {
    let ctx = Context::with_backend(Backend::Interpreter);
    let cases: &[(&str, ErrorKind, &str)] = &[
        ("rand(-3)", ErrorKind::Arguments, "-3"),
        ("randn((2, -1))", ErrorKind::Arguments, "-1"),
        ("rand(2.5)", ErrorKind::Type, "2.5"),
        ("rand((2, x))", ErrorKind::Type, "x"),
        ("rand(3, seed=-1)", ErrorKind::Arguments, "-1"),
        ("rand(3, seed=2**64)", ErrorKind::Arguments, "2**64"),
        ("rand(3, seed=1.5)", ErrorKind::Type, "1.5"),
        ("rand(3, seed=x)", ErrorKind::Type, "x"),
        ("rand(3, sead=1)", ErrorKind::Arguments, "sead"),
        ("rand(3, seed=1, seed=2)", ErrorKind::Syntax, "seed"),
        ("rand()", ErrorKind::Arguments, "rand()"),
        ("rand(2, 3)", ErrorKind::Arguments, "rand(2, 3)"),
        (
            "rand((10**9, 10**9))",
            ErrorKind::TooLarge,
            "rand((10**9, 10**9))",
        ),
    ];
    let x = ndarray::array![1.0, 2.0];
    let vars = Vars::new().with("x", &x);
    for &(src, kind, at) in cases {
        let e = ctx.evaluate(src, &vars).unwrap_err();
        assert_eq!(e.kind, kind, "{src}: {e}");
        let span = e.span.unwrap_or_else(|| panic!("{src}: no span"));
        assert_eq!(&src[span.start..span.end], at, "{src}: {e}");
    }
    // A huge virtual array (as large as `arange` allows) is fine as long as nothing
    // materialises it.
    let m = ctx
        .evaluate("rand(10**13, seed=1)[10**13 - 2]", &vars)
        .unwrap();
    assert_eq!(
        m.as_f64().unwrap()[[]],
        want_rand(1, 10_000_000_000_000 - 2)
    );
}

fn jit_available() -> bool {
    Context::with_backend(Backend::Jit)
        .evaluate("rand(3, seed=1)", &Vars::new())
        .is_ok()
}

#[test]
fn the_jit_gives_the_interpreters_values() {
    if !jit_available() {
        return;
    }
    let exact = [
        "rand(1000, seed=11)",
        "rand((37, 41), seed=2**40 + 3)",
        "rand((200, 300), seed=1)[::-3, 5:17].T",
        "rand(400, seed=1)[:, None] * rand((3, 1, 50), seed=2)",
        "rand(10**6, seed=12)",
        "sum(rand((1000, 600), seed=4), axis=1)",
        "max(rand(10**5, seed=6)), min(rand(10**5, seed=6))",
        "where(rand(5000, seed=3) < 0.5, 1.0, 0.0)",
        "float32(rand((9, 9), seed=13))",
    ];
    for src in exact {
        let vars = Vars::new();
        let want = Context::with_backend(Backend::Interpreter)
            .evaluate_many(src, &vars)
            .unwrap();
        let got = Context::with_backend(Backend::Jit)
            .evaluate_many(src, &vars)
            .unwrap();
        assert_eq!(got, want, "{src}");
    }
    let close = [
        "randn(10**5, seed=21)",
        "randn((50, 70), seed=3)[::2, 1::3] * -2",
        "exp(randn(1000, seed=1) * 0.1)",
    ];
    for src in close {
        let (want, got) = (interp(src), eval(Backend::Jit, src));
        assert_eq!(want.shape(), got.shape());
        for (a, b) in want.iter().zip(got.iter()) {
            assert!(within_ulps(*a, *b, 4.0), "{src}: {a} vs {b}");
        }
    }
    let (want, got) = (
        interp("sum(randn(10**6, seed=2))"),
        eval(Backend::Jit, "sum(randn(10**6, seed=2))"),
    );
    assert!((want[[]] - got[[]]).abs() < 1e-9, "{want} vs {got}");
}
