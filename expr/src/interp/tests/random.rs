//! Randomised views over randomly laid-out inputs, against an index-by-index reference
//! built from [`View::source_index`]: exercises axis coalescing, runs and strides.

use ndarray::{ArrayD, Dimension, IxDyn, Slice};

use super::*;

/// A small deterministic generator (no dependencies).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// A kernel shape, a view into a source, and the source's shape that it fits.
fn random_case(rng: &mut Rng) -> (Vec<usize>, View, Vec<usize>) {
    let kndim = rng.below(4);
    let kshape: Vec<usize> = (0..kndim)
        .map(|_| match rng.below(6) {
            0 => 1,
            1 => 0,
            2 => 300 + rng.below(900),
            _ => 2 + rng.below(6),
        })
        .collect();
    // Keep the number of points moderate.
    let points: usize = kshape.iter().product();
    let kshape = if points > 40_000 {
        kshape.iter().map(|&n| n.min(7)).collect()
    } else {
        kshape
    };
    let sndim = rng.below(4);
    let mut axes = Vec::new();
    let mut dims = Vec::new();
    for _ in 0..sndim {
        let kernel_axis = if kndim > 0 && rng.below(4) != 0 {
            Some(rng.below(kndim))
        } else {
            None
        };
        let n = kernel_axis.map_or(1, |k| kshape[k].max(1));
        let step = rng.below(7) as isize - 3;
        let span = step.unsigned_abs() * (n - 1);
        let start = if step < 0 { span } else { 0 } + rng.below(3);
        let dim = if step < 0 { start } else { start + span } + 1 + rng.below(3);
        axes.push((start, step, kernel_axis));
        dims.push(dim);
    }
    (kshape, view(&axes), dims)
}

/// `0, 1, 2, …` in `dims`, laid out with permuted axes and some axes reversed.
fn random_layout(rng: &mut Rng, dims: &[usize]) -> ArrayD<f64> {
    let nd = dims.len();
    let mut perm: Vec<usize> = (0..nd).collect();
    for i in (1..nd).rev() {
        perm.swap(i, rng.below(i + 1));
    }
    let stored: Vec<usize> = perm.iter().map(|&p| dims[p]).collect();
    let n: usize = dims.iter().product();
    let values: Vec<f64> = (0..n).map(|i| (i % 97) as f64).collect();
    let a = ArrayD::from_shape_vec(IxDyn(&stored), values).expect("shape");
    // Axis `j` of `a` holds logical axis `perm[j]`; undo the permutation.
    let mut inv = vec![0; nd];
    for (j, &p) in perm.iter().enumerate() {
        inv[p] = j;
    }
    let mut a = a.permuted_axes(IxDyn(&inv));
    let flips: Vec<bool> = (0..nd).map(|_| rng.below(2) == 0).collect();
    a.slice_each_axis_inplace(|ax| {
        if flips[ax.axis.index()] {
            Slice::new(0, None, -1)
        } else {
            Slice::new(0, None, 1)
        }
    });
    a
}

#[test]
fn random_views_copy_and_sum() {
    let mut rng = Rng(42);
    let (mut ran, mut points) = (0, 0);
    for case in 0..1000 {
        let (kshape, v, dims) = random_case(&mut rng);
        if dims.iter().product::<usize>() > 100_000 {
            continue; // Keep the test fast: sources may repeat large kernel axes.
        }
        let x = random_layout(&mut rng, &dims);
        let want = ArrayD::from_shape_fn(IxDyn(&kshape), |p| {
            let mut idx = Vec::new();
            v.source_index(p.slice(), &mut idx);
            x[IxDyn(&idx)]
        });
        ran += 1;
        points += want.len();
        let p = copy_program(DType::F64, &dims, v.clone(), &kshape);
        let got = run1::<f64>(&p, &[aref(x.view())]);
        assert_eq!(
            got, want,
            "case {case}: kernel {kshape:?} view {v} source {dims:?}"
        );

        // Sum over a random subset of axes (small integers: exact).
        let axes: Vec<usize> = (0..kshape.len()).filter(|_| rng.below(2) == 0).collect();
        let out_shape: Vec<usize> = (0..kshape.len())
            .filter(|a| !axes.contains(a))
            .map(|a| kshape[a])
            .collect();
        let mut p = copy_program(DType::F64, &dims, v.clone(), &kshape);
        p.buffers[0].shape = out_shape;
        p.kernels[0].stores[0] = reduced(0, 0, ReduceOp::Sum, &axes);
        let got = run1::<f64>(&p, &[aref(x.view())]);
        let mut sum = want.clone();
        for &a in axes.iter().rev() {
            sum = sum.sum_axis(ndarray::Axis(a));
        }
        assert_eq!(got, sum, "case {case}: sum over {axes:?}");
    }
    // Most cases must run, and cover many blocks in all.
    assert!(
        ran > 900 && points > 300_000,
        "{ran} cases, {points} points"
    );
}
