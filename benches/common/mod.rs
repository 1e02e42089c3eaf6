//! The anchor workloads shared by the criterion bench (`anchors`) and the numexpr peer
//! binary (`peer`): the vex program text, its operands, and two baselines that do the same
//! work by hand (ndarray with temporaries, and a plain Rust loop), so every engine is timed
//! on identical inputs.

#![allow(dead_code)]

use ndarray::{Array1, Array2, Axis};

/// Inputs for one size: uniform values in [0, 1) from a fixed-seed generator, so runs are
/// comparable and `where(a > 0.5, ...)` takes both branches about half the time.
pub struct Inputs {
    pub n: usize,
    pub a: Array1<f64>,
    pub b: Array1<f64>,
    pub c: Array1<f64>,
    pub af: Array1<f32>,
    pub bf: Array1<f32>,
    pub r: Array2<f64>,
}

fn uniform(n: usize, seed: u64) -> Array1<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array1::from_shape_fn(n, |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    })
}

impl Inputs {
    /// Inputs of `n` points; the distance-matrix points are always [`DIST_POINTS`] x 3.
    pub fn new(n: usize) -> Inputs {
        let a = uniform(n, 1);
        let b = uniform(n, 2);
        let c = uniform(n, 3);
        let af = a.mapv(|x| x as f32);
        let bf = b.mapv(|x| x as f32);
        let r = uniform(DIST_POINTS * 3, 4)
            .into_shape_with_order((DIST_POINTS, 3))
            .expect("3 coordinates per point");
        Inputs {
            n,
            a,
            b,
            c,
            af,
            bf,
            r,
        }
    }

    /// The operands under the names the programs use. The arc-distance kernel reads
    /// `theta_1, theta_2, phi_1, phi_2` (bound to `a, b, c, a` reversed-ish: any values in
    /// [0, 1) radians do).
    pub fn vars(&self) -> vex::Vars<'_> {
        vex::Vars::new()
            .with("a", &self.a)
            .with("b", &self.b)
            .with("c", &self.c)
            .with("af", &self.af)
            .with("bf", &self.bf)
            .with("theta_1", &self.a)
            .with("theta_2", &self.b)
            .with("phi_1", &self.c)
            .with("phi_2", &self.b)
    }

    /// Only the names `expr` mentions: a program's signature should not carry unused inputs.
    pub fn vars_for(&self, w: &Workload) -> vex::Vars<'_> {
        let all = self.vars();
        let mut vars = vex::Vars::new();
        for name in w.names {
            if *name == "r" {
                vars.insert("r", &self.r);
            } else if let Some(v) = all.get(name) {
                vars.insert(name, v.clone());
            }
        }
        vars
    }
}

/// Points in the distance-matrix workload (its output is `DIST_POINTS^2` values).
pub const DIST_POINTS: usize = 2_000;

/// One anchor workload.
pub struct Workload {
    /// Short id used in bench names and the peer table.
    pub name: &'static str,
    /// The vex program (also valid numexpr/NumPy text, except where `peer.py` says).
    pub expr: &'static str,
    /// The operand names it reads.
    pub names: &'static [&'static str],
    /// Whether its size is fixed (the distance matrix) rather than N.
    pub fixed_size: bool,
    /// ndarray with temporaries: what idiomatic ndarray code allocates.
    pub ndarray: fn(&Inputs) -> f64,
    /// A hand-written single-threaded Rust loop into a fresh output.
    pub plain: fn(&Inputs) -> f64,
}

/// The arc-distance kernel (haversine), as a two-statement program.
pub const ARC: &str = "t = sin((theta_2-theta_1)/2)**2 + cos(theta_1)*cos(theta_2)*sin((phi_2-phi_1)/2)**2; 2*arctan2(sqrt(t), sqrt(1-t))";

fn ends(v: &Array1<f64>) -> f64 {
    v[0] + v[v.len() - 1]
}

fn ends32(v: &Array1<f32>) -> f64 {
    (v[0] + v[v.len() - 1]) as f64
}

fn zip2(a: &Array1<f64>, b: &Array1<f64>, f: impl Fn(f64, f64) -> f64) -> Array1<f64> {
    let (a, b) = (a.as_slice().unwrap(), b.as_slice().unwrap());
    let mut out = Vec::with_capacity(a.len());
    out.extend(a.iter().zip(b).map(|(&x, &y)| f(x, y)));
    Array1::from_vec(out)
}

fn zip3(
    a: &Array1<f64>,
    b: &Array1<f64>,
    c: &Array1<f64>,
    f: impl Fn(f64, f64, f64) -> f64,
) -> Array1<f64> {
    let (a, b, c) = (
        a.as_slice().unwrap(),
        b.as_slice().unwrap(),
        c.as_slice().unwrap(),
    );
    let mut out = Vec::with_capacity(a.len());
    out.extend(a.iter().zip(b).zip(c).map(|((&x, &y), &z)| f(x, y, z)));
    Array1::from_vec(out)
}

fn haversine(t1: f64, t2: f64, p1: f64, p2: f64) -> f64 {
    let t = ((t2 - t1) / 2.0).sin().powi(2) + t1.cos() * t2.cos() * ((p2 - p1) / 2.0).sin().powi(2);
    2.0 * t.sqrt().atan2((1.0 - t).sqrt())
}

/// All anchor workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "a+b*c",
            expr: "a + b*c",
            names: &["a", "b", "c"],
            fixed_size: false,
            ndarray: |i| ends(&(&i.a + &(&i.b * &i.c))),
            plain: |i| ends(&zip3(&i.a, &i.b, &i.c, |a, b, c| a + b * c)),
        },
        Workload {
            name: "2*a+3*b",
            expr: "2*a + 3*b",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| ends(&(&i.a * 2.0 + &i.b * 3.0)),
            plain: |i| ends(&zip2(&i.a, &i.b, |a, b| 2.0 * a + 3.0 * b)),
        },
        Workload {
            name: "sqrt(a*a+b*b)",
            expr: "sqrt(a*a + b*b)",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| ends(&(&i.a * &i.a + &i.b * &i.b).mapv_into(f64::sqrt)),
            plain: |i| ends(&zip2(&i.a, &i.b, |a, b| (a * a + b * b).sqrt())),
        },
        Workload {
            name: "sqrt(a*a+b*b) f32",
            expr: "sqrt(af*af + bf*bf)",
            names: &["af", "bf"],
            fixed_size: false,
            ndarray: |i| ends32(&(&i.af * &i.af + &i.bf * &i.bf).mapv_into(f32::sqrt)),
            plain: |i| {
                let (a, b) = (i.af.as_slice().unwrap(), i.bf.as_slice().unwrap());
                let mut out = Vec::with_capacity(a.len());
                out.extend(a.iter().zip(b).map(|(&x, &y)| (x * x + y * y).sqrt()));
                ends32(&Array1::from_vec(out))
            },
        },
        Workload {
            name: "sin(a)**2+cos(b)**2",
            expr: "sin(a)**2 + cos(b)**2",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| {
                ends(
                    &(i.a.mapv(f64::sin).mapv_into(|x| x * x)
                        + i.b.mapv(f64::cos).mapv_into(|x| x * x)),
                )
            },
            plain: |i| ends(&zip2(&i.a, &i.b, |a, b| a.sin().powi(2) + b.cos().powi(2))),
        },
        Workload {
            name: "exp(-a)*log1p(b)",
            expr: "exp(-a) * log1p(b)",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| ends(&((-&i.a).mapv_into(f64::exp) * i.b.mapv(f64::ln_1p))),
            plain: |i| ends(&zip2(&i.a, &i.b, |a, b| (-a).exp() * b.ln_1p())),
        },
        Workload {
            name: "where(a>0.5,a,b*c)",
            expr: "where(a > 0.5, a, b*c)",
            names: &["a", "b", "c"],
            fixed_size: false,
            ndarray: |i| {
                let bc = &i.b * &i.c;
                let mask = i.a.mapv(|x| x > 0.5);
                let mut out = Array1::zeros(i.n);
                ndarray::Zip::from(&mut out)
                    .and(&mask)
                    .and(&i.a)
                    .and(&bc)
                    .for_each(|o, &m, &a, &bc| *o = if m { a } else { bc });
                ends(&out)
            },
            plain: |i| {
                ends(&zip3(
                    &i.a,
                    &i.b,
                    &i.c,
                    |a, b, c| if a > 0.5 { a } else { b * c },
                ))
            },
        },
        Workload {
            name: "arctan2(a,b)",
            expr: "arctan2(a, b)",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| {
                ends(
                    &ndarray::Zip::from(&i.a)
                        .and(&i.b)
                        .map_collect(|a, b| a.atan2(*b)),
                )
            },
            plain: |i| ends(&zip2(&i.a, &i.b, f64::atan2)),
        },
        Workload {
            name: "sum(a*b)",
            expr: "sum(a*b)",
            names: &["a", "b"],
            fixed_size: false,
            ndarray: |i| (&i.a * &i.b).sum(),
            plain: |i| {
                let (a, b) = (i.a.as_slice().unwrap(), i.b.as_slice().unwrap());
                a.iter().zip(b).map(|(x, y)| x * y).sum()
            },
        },
        Workload {
            name: "arc-distance",
            expr: ARC,
            names: &["theta_1", "theta_2", "phi_1", "phi_2"],
            fixed_size: false,
            ndarray: |i| {
                let (t1, t2, p1, p2) = (&i.a, &i.b, &i.c, &i.b);
                let s1 = ((t2 - t1) / 2.0).mapv_into(f64::sin).mapv_into(|x| x * x);
                let s2 = ((p2 - p1) / 2.0).mapv_into(f64::sin).mapv_into(|x| x * x);
                let t = s1 + t1.mapv(f64::cos) * t2.mapv(f64::cos) * s2;
                let num = t.mapv(f64::sqrt);
                let den = (1.0 - &t).mapv_into(f64::sqrt);
                ends(
                    &(ndarray::Zip::from(&num)
                        .and(&den)
                        .map_collect(|y, x| y.atan2(*x))
                        * 2.0),
                )
            },
            plain: |i| {
                let (t1, t2, p1) = (
                    i.a.as_slice().unwrap(),
                    i.b.as_slice().unwrap(),
                    i.c.as_slice().unwrap(),
                );
                let mut out = Vec::with_capacity(t1.len());
                out.extend((0..t1.len()).map(|k| haversine(t1[k], t2[k], p1[k], t2[k])));
                ends(&Array1::from_vec(out))
            },
        },
        Workload {
            name: "distance-matrix",
            expr: "sqrt(sum((r[:, None, :] - r[None, :, :])**2, axis=2))",
            names: &["r"],
            fixed_size: true,
            ndarray: |i| {
                let p = DIST_POINTS;
                let x = i.r.view().into_shape_with_order((p, 1, 3)).unwrap();
                let y = i.r.view().into_shape_with_order((1, p, 3)).unwrap();
                let d = (&x - &y)
                    .mapv_into(|v| v * v)
                    .sum_axis(Axis(2))
                    .mapv_into(f64::sqrt);
                d[[0, 1]] + d[[p - 1, 0]]
            },
            plain: |i| {
                let p = DIST_POINTS;
                let r = i.r.as_slice().unwrap();
                let mut out = Vec::with_capacity(p * p);
                for j in 0..p {
                    let (x0, x1, x2) = (r[3 * j], r[3 * j + 1], r[3 * j + 2]);
                    out.extend((0..p).map(|k| {
                        let (d0, d1, d2) = (x0 - r[3 * k], x1 - r[3 * k + 1], x2 - r[3 * k + 2]);
                        (d0 * d0 + d1 * d1 + d2 * d2).sqrt()
                    }));
                }
                out[1] + out[(p - 1) * p]
            },
        },
    ]
}
