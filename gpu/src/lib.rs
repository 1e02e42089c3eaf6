//! The GPU backend of vex: IR kernels as WGSL compute shaders, run through wgpu on
//! Vulkan, Metal or DX12.
//!
//! [`device`] picks and opens an adapter; [`wgsl`] emits WGSL, including the library's
//! transcendental functions from the same [`vex_expr::vmath`] algorithms the JIT uses, so
//! both backends compute the same bits.

pub mod codegen;
pub mod device;
pub mod dispatch;
pub mod error;
pub mod run;
pub mod wgsl;

pub use device::{devices, AdapterSummary, Device};
pub use error::GpuError;
