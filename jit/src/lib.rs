//! vex-jit: compiles vex kernel IR to native code with Cranelift and runs it on all cores.
