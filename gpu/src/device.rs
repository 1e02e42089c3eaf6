//! Adapter selection and the device every GPU kernel runs on.
//!
//! wgpu reports what it sees; this module decides which adapter to use (a discrete GPU
//! over an integrated one over a software rasterizer such as lavapipe), asks for the
//! features the kernels can use (`SHADER_F64`, `SHADER_INT64`) where offered, and turns
//! every failure into a [`GpuError`] instead of a panic: a machine without a driver must
//! make the caller fall back to the CPU, never crash or hang it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::GpuError;

/// The native backends the GPU kernels run on. GL has no float64 and WebGPU is for
/// wasm, so neither is asked for.
const BACKENDS: wgpu::Backends = wgpu::Backends::VULKAN
    .union(wgpu::Backends::METAL)
    .union(wgpu::Backends::DX12);

/// How long [`Device::wait`] waits for submitted work before reporting a timeout: long
/// enough for a large kernel on a software adapter, short enough that a wedged driver
/// does not hang the program.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What an adapter is and can do, as `vex devices` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The driver's name for the device (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
    pub name: String,
    /// The graphics API: "Vulkan", "Metal" or "Dx12".
    pub backend: String,
    /// Discrete, integrated, virtual, CPU (software) or other.
    pub device_type: wgpu::DeviceType,
    /// Whether shaders can use float64 (`SHADER_F64`): needed for float64 kernels and for
    /// the library's transcendental functions, which evaluate in float64.
    pub f64: bool,
    /// Whether shaders can use 64-bit integers (`SHADER_INT64`): the float64 math
    /// library manipulates the bits of float64 values as 64-bit integers.
    pub int64: bool,
    /// The largest buffer the device accepts, in bytes.
    pub max_buffer_size: u64,
    /// The largest storage-buffer binding, in bytes: bounds the elements one dispatch reads.
    pub max_storage_binding: u64,
    /// The most workgroups a dispatch may have along one dimension.
    pub max_workgroups_per_dimension: u32,
    /// The most invocations in one workgroup.
    pub max_invocations_per_workgroup: u32,
}

impl AdapterSummary {
    fn of(adapter: &wgpu::Adapter) -> Self {
        let info = adapter.get_info();
        let features = adapter.features();
        let limits = adapter.limits();
        AdapterSummary {
            name: info.name,
            backend: format!("{:?}", info.backend),
            device_type: info.device_type,
            f64: features.contains(wgpu::Features::SHADER_F64),
            int64: features.contains(wgpu::Features::SHADER_INT64),
            max_buffer_size: limits.max_buffer_size,
            max_storage_binding: limits.max_storage_buffer_binding_size,
            max_workgroups_per_dimension: limits.max_compute_workgroups_per_dimension,
            max_invocations_per_workgroup: limits.max_compute_invocations_per_workgroup,
        }
    }

    /// Preference order: lower is better. Discrete GPUs have their own memory bandwidth,
    /// integrated ones share the CPU's, and a CPU adapter only proves the machinery works.
    fn rank(&self) -> u8 {
        match self.device_type {
            wgpu::DeviceType::DiscreteGpu => 0,
            wgpu::DeviceType::IntegratedGpu => 1,
            wgpu::DeviceType::VirtualGpu => 2,
            wgpu::DeviceType::Other => 3,
            wgpu::DeviceType::Cpu => 4,
        }
    }
}

fn instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: BACKENDS,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    })
}

/// Every adapter wgpu sees on the native backends, best first: discrete, integrated,
/// virtual, other, then CPU (software) adapters.
pub fn devices() -> Vec<AdapterSummary> {
    let mut all: Vec<AdapterSummary> = pollster::block_on(instance().enumerate_adapters(BACKENDS))
        .iter()
        .map(AdapterSummary::of)
        .collect();
    all.sort_by_key(AdapterSummary::rank);
    all
}

/// The adapter to run on: the best-ranked one, ties broken by float64 support.
fn select(instance: &wgpu::Instance) -> Result<wgpu::Adapter, GpuError> {
    let adapters = pollster::block_on(instance.enumerate_adapters(BACKENDS));
    adapters
        .into_iter()
        .min_by_key(|a| {
            let s = AdapterSummary::of(a);
            (s.rank(), !s.f64)
        })
        .ok_or(GpuError::NoAdapter)
}

/// A device and its queue, with what the adapter offered.
pub struct Device {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    summary: AdapterSummary,
    lost: Arc<Mutex<Option<String>>>,
    timeout: Duration,
    /// The most workgroups per dispatch dimension this wrapper uses (the adapter's
    /// limit unless lowered with [`Device::limit_workgroups`]).
    pub(crate) max_groups: u32,
    /// Whether float64 `fma` rounds once here, measured on first use.
    pub(crate) fma_fused: std::sync::OnceLock<bool>,
    /// Compiled shaders by (code, read-only bindings, read-write bindings).
    pub(crate) pipelines: PipelineCache,
}

type PipelineCache =
    Mutex<std::collections::HashMap<(String, usize, usize), Arc<crate::dispatch::Pipeline>>>;

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("adapter", &self.summary)
            .finish()
    }
}

impl Device {
    /// Opens the preferred adapter (see [`devices`] for the order) with float64 and
    /// 64-bit integers enabled where it offers them, and its full limits.
    pub fn new() -> Result<Device, GpuError> {
        let instance = instance();
        let adapter = select(&instance)?;
        let summary = AdapterSummary::of(&adapter);
        let wanted = wgpu::Features::SHADER_F64 | wgpu::Features::SHADER_INT64;
        let desc = wgpu::DeviceDescriptor {
            label: Some("vex"),
            required_features: adapter.features() & wanted,
            required_limits: adapter.limits(),
            ..Default::default()
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&desc))
            .map_err(|e| GpuError::RequestDevice(e.to_string()))?;
        let lost = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&lost);
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut slot) = sink.lock() {
                *slot = Some(format!("{reason:?}: {message}"));
            }
        });
        Ok(Device {
            device,
            queue,
            max_groups: summary.max_workgroups_per_dimension,
            summary,
            lost,
            timeout: DEFAULT_TIMEOUT,
            fma_fused: std::sync::OnceLock::new(),
            pipelines: Mutex::default(),
        })
    }

    /// What the adapter is and offers.
    pub fn summary(&self) -> &AdapterSummary {
        &self.summary
    }

    /// Changes how long [`Device::wait`] waits before giving up.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Uses at most `n` (at least 1) workgroups per dispatch dimension, below the
    /// adapter's limit: large dispatches then take the two-dimensional layout at small
    /// sizes, which is how the tests exercise it.
    pub fn limit_workgroups(&mut self, n: u32) {
        self.max_groups = n.clamp(1, self.summary.max_workgroups_per_dimension);
    }

    /// Whether kernels may use float64 (and so the float64 math library).
    pub fn has_f64(&self) -> bool {
        self.device.features().contains(wgpu::Features::SHADER_F64)
    }

    /// Whether kernels may use 64-bit integers.
    pub fn has_int64(&self) -> bool {
        self.device
            .features()
            .contains(wgpu::Features::SHADER_INT64)
    }

    /// Fails if the driver reported the device lost.
    pub fn check_lost(&self) -> Result<(), GpuError> {
        match self.lost.lock().ok().and_then(|slot| slot.clone()) {
            Some(why) => Err(GpuError::DeviceLost(why)),
            None => Ok(()),
        }
    }

    /// Blocks until all submitted work is done, or fails after the timeout (the work may
    /// still finish later; the caller must not reuse its buffers as if it had).
    pub fn wait(&self) -> Result<(), GpuError> {
        self.check_lost()?;
        let poll = wgpu::PollType::Wait {
            submission_index: None,
            timeout: Some(self.timeout),
        };
        match self.device.poll(poll) {
            Ok(_) => self.check_lost(),
            Err(wgpu::PollError::Timeout) => Err(GpuError::Timeout(self.timeout)),
            Err(e) => {
                self.check_lost()?;
                Err(GpuError::Driver(e.to_string()))
            }
        }
    }

    /// Runs `f` and returns the first validation or out-of-memory error it raised, so a
    /// shader the driver rejects becomes an error rather than wgpu's default panic.
    pub(crate) fn scoped<T>(&self, f: impl FnOnce() -> T) -> Result<T, GpuError> {
        let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let memory = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let value = f();
        if let Some(e) = pollster::block_on(memory.pop()) {
            return Err(GpuError::OutOfMemory(e.to_string()));
        }
        if let Some(e) = pollster::block_on(validation.pop()) {
            return Err(GpuError::Validation(e.to_string()));
        }
        Ok(value)
    }
}
