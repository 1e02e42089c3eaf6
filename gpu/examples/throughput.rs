//! Rough timings of whole programs on the device against the reference interpreter:
//! `cargo run --release -p vex-gpu --example throughput`. Each GPU run includes the
//! upload, the dispatch and the read-back (arrays do not stay on the device yet), and the
//! first run of each expression (shader compilation) is reported separately.

use std::time::Instant;

use vex_expr::{compile, interp, Operand};

fn main() {
    let device = match vex_gpu::Device::new() {
        Ok(d) => d,
        Err(e) => {
            println!("{e}");
            return;
        }
    };
    println!("device: {}", device.summary().name);
    let n = 1 << 20;
    let a = ndarray::Array1::from_shape_fn(n, |i| (i as f64 * 0.37).sin()).into_dyn();
    let b = ndarray::Array1::from_shape_fn(n, |i| 1.0 + (i % 97) as f64).into_dyn();
    let c = ndarray::Array1::from_shape_fn(n, |i| (i % 13) as f64 - 6.0).into_dyn();
    for expr in [
        "a * b + c",
        "sin(a) * exp(c)",
        "a ** b",
        "where(a > 0, log(b), c)",
    ] {
        let operands = [
            ("a", Operand::from(&a)),
            ("b", Operand::from(&b)),
            ("c", Operand::from(&c)),
        ];
        let program = compile(expr, &operands).expect("compiles");
        let inputs: Vec<_> = program
            .inputs
            .iter()
            .map(|d| match d.name.as_str() {
                "a" => a.view().into(),
                "b" => b.view().into(),
                _ => c.view().into(),
            })
            .collect();
        let t = Instant::now();
        let first = device.run_program(&program, &inputs);
        let first_ms = t.elapsed().as_secs_f64() * 1e3;
        if let Err(e) = first {
            println!("{expr}: {e}");
            continue;
        }
        let runs = 5;
        let t = Instant::now();
        for _ in 0..runs {
            device.run_program(&program, &inputs).expect("runs");
        }
        let gpu_ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
        let t = Instant::now();
        for _ in 0..runs {
            interp::run(&program, &inputs).expect("runs");
        }
        let cpu_ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
        println!(
            "{expr:28} n={n}: GPU {gpu_ms:8.2} ms ({:6.2} ns/element; first run {first_ms:8.2} ms), interpreter {cpu_ms:8.2} ms",
            gpu_ms * 1e6 / n as f64
        );
    }
}
