//! Process-wide configuration: the thread count from the environment, and the bounded
//! cache of compiled kernels.

mod common;

use common::*;
use ndarray::Array1;
use vex_expr::Operand;

#[test]
fn thread_count_comes_from_the_environment_and_set_threads() {
    // The only test in this process that touches the environment.
    std::env::set_var("VEX_NUM_THREADS", "3");
    let jit = jit();
    assert_eq!(jit.threads(), 3);
    jit.set_threads(1);
    assert_eq!(jit.threads(), 1);
    jit.set_threads(0);
    assert_eq!(jit.threads(), 1);
    std::env::set_var("VEX_NUM_THREADS", "not a number");
    assert!(jit_threads_default() >= 1);
}

fn jit_threads_default() -> usize {
    jit().threads()
}

#[test]
fn the_cache_is_bounded_and_evicted_kernels_still_recompile() {
    let jit = jit();
    let a = Array1::from_iter((0..100).map(|i| i as f64));
    let vars = [("a", Operand::from(&a))];
    let n = vex_jit::CACHE_CAPACITY + 20;
    for k in 0..n {
        let p = compile(&format!("a * {k} + 1"), &vars).unwrap();
        let inputs = inputs_for(&p, &vars);
        check_program(&jit, &p, &inputs, 0.0, "distinct kernel");
    }
    assert_eq!(jit.cached_kernels(), vex_jit::CACHE_CAPACITY);
    // The first kernels were evicted (their code freed); they compile again.
    let p = compile("a * 0 + 1", &vars).unwrap();
    let inputs = inputs_for(&p, &vars);
    check_program(&jit, &p, &inputs, 0.0, "recompiled");
}
