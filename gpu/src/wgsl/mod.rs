//! WGSL code generation.
