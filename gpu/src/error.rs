//! The errors of the GPU backend. Each says what failed in terms a user can act on:
//! no adapter means "use the CPU", `Unsupported` names the dtype or operation.

use std::time::Duration;

/// Why the GPU backend could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuError {
    /// wgpu found no Vulkan, Metal or DX12 adapter (no GPU driver, or none installed).
    #[error("no GPU adapter found (no Vulkan, Metal or DX12 driver visible)")]
    NoAdapter,
    /// The adapter refused to open a device.
    #[error("the GPU adapter refused to open a device: {0}")]
    RequestDevice(String),
    /// Submitted work did not finish in time.
    #[error("the GPU did not finish within {0:?}")]
    Timeout(Duration),
    /// The driver reported the device lost (reset, removed, crashed).
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),
    /// wgpu rejected a shader, pipeline or buffer: a bug in the code generator.
    #[error("the GPU rejected generated code: {0}")]
    Validation(String),
    /// The device ran out of memory.
    #[error("the GPU ran out of memory: {0}")]
    OutOfMemory(String),
    /// Mapping a buffer for reading back failed.
    #[error("reading back from the GPU failed: {0}")]
    Map(String),
    /// Any other driver failure.
    #[error("GPU driver error: {0}")]
    Driver(String),
    /// The kernel needs something this device or backend does not offer.
    #[error("not supported on the GPU: {0}")]
    Unsupported(String),
}
