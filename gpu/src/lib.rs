//! The GPU backend of vex: IR kernels as WGSL compute shaders, run through wgpu on
//! Vulkan, Metal or DX12.
//!
//! - [`device`] picks and opens an adapter (discrete, then integrated, then software)
//!   and lists what wgpu sees ([`devices`]); no adapter is [`GpuError::NoAdapter`].
//! - [`wgsl::math`] emits the library's transcendental functions from the same
//!   [`vex_expr::vmath`] algorithms the JIT compiles, so both compute the same bits.
//! - [`codegen`] lowers an elementwise kernel to one shader; [`run`] runs a program's
//!   kernels in order ([`Device::run_program`]); [`dispatch`] uploads, dispatches and
//!   reads back.
//!
//! What runs here: bool, int32, uint32, float32, and float64 where the device has
//! `SHADER_F64` and `SHADER_INT64`; arithmetic, comparisons, bitwise operators, `where`,
//! casts, float `arange`/`linspace`, and the vmath functions and `**` on floats (float32
//! evaluated in float64 and rounded once, as the JIT does). Everything else is refused with
//! [`GpuError::Unsupported`] naming it (reductions, random sources, 8/16/64-bit integers,
//! complex numbers for now).
//!
//! Accuracy: arithmetic, comparisons and casts give the interpreter's bits; the math
//! functions give [`vex_expr::vmath::eval`]'s bits (measured on lavapipe on ~4000 awkward
//! inputs per function), which is within 1 ULP of the correctly rounded result, as on the
//! JIT. That needs care, because shader compilers optimise float code as if it were real
//! arithmetic (see [`wgsl::math`] for what was measured and how it is prevented).

pub mod codegen;
pub mod device;
pub mod dispatch;
pub mod error;
pub mod run;
pub mod wgsl;

pub use device::{devices, AdapterSummary, Device};
pub use error::GpuError;
