//! Running one compute shader over storage buffers: upload, dispatch, read back.
//!
//! The shader's entry point `main` runs with `@workgroup_size(WORKGROUP)` and finds its
//! element index with [`INDEX`]: a dispatch larger than the device's per-dimension limit
//! is laid out in two dimensions, so the index combines both.

use wgpu::util::DeviceExt;

use crate::device::Device;
use crate::error::GpuError;

/// Invocations per workgroup: 64 is a multiple of every vendor's SIMD width (32 on
/// NVIDIA, 32/64 on AMD, 8–32 on Intel) and within WebGPU's minimum limits.
pub const WORKGROUP: u32 = 64;

/// The parameters `main` must declare, and [`INDEX`] uses.
pub const MAIN_PARAMS: &str =
    "@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lix: u32";

/// The WGSL expression for this invocation's element index (a `u32`).
pub const INDEX: &str = "(wg.y * nwg.x + wg.x) * 64u + lix";

/// Workgroup counts `(x, y)` covering `n` invocations with at most `max_dim` per
/// dimension; `x · y · WORKGROUP >= n`, with no more than `x − 1` workgroups to spare.
pub fn grid(n: u64, max_dim: u32) -> Result<(u32, u32), GpuError> {
    let groups = n.div_ceil(u64::from(WORKGROUP));
    let max_dim = u64::from(max_dim.max(1));
    if groups <= max_dim {
        return Ok((groups as u32, 1));
    }
    let y = groups.div_ceil(max_dim);
    if y > max_dim {
        return Err(GpuError::Unsupported(format!(
            "{n} elements exceed one dispatch ({max_dim}² workgroups of {WORKGROUP})"
        )));
    }
    let x = groups.div_ceil(y);
    Ok((x as u32, y as u32))
}

/// Storage buffers can not be empty: a zero-length input is bound as this many bytes.
const MIN_BINDING: usize = 16;

impl Device {
    /// Compiles `code`, binds `inputs` as read-only storage buffers 0.. and one
    /// read-write buffer per entry of `outputs` (its size in bytes) after them (group 0),
    /// runs `main` over `n` invocations and returns the outputs' bytes.
    pub fn run_shader(
        &self,
        code: &str,
        inputs: &[&[u8]],
        outputs: &[u64],
        n: u64,
    ) -> Result<Vec<Vec<u8>>, GpuError> {
        self.check_lost()?;
        if n == 0 {
            return Ok(outputs.iter().map(|&len| vec![0; len as usize]).collect());
        }
        let limit = self.summary().max_storage_binding;
        let largest = inputs
            .iter()
            .map(|b| b.len() as u64)
            .chain(outputs.iter().copied());
        if let Some(big) = largest.filter(|&len| len > limit).max() {
            return Err(GpuError::Unsupported(format!(
                "an array of {big} bytes, above the device's largest storage binding \
                 ({limit} bytes; splitting arrays across bindings is not implemented yet)"
            )));
        }
        let (x, y) = grid(n, self.max_groups)?;
        let d = &self.device;
        let kernel = self.pipeline(code, inputs.len(), outputs.len())?;
        let (pipeline, layout) = (&kernel.pipeline, &kernel.layout);
        let (buffers, staging) = self.scoped(|| {
            let mut buffers: Vec<wgpu::Buffer> = inputs
                .iter()
                .map(|bytes| {
                    let mut padded = bytes.to_vec();
                    padded.resize(bytes.len().max(MIN_BINDING), 0);
                    d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                        label: Some("vex input"),
                        contents: &padded,
                        usage: wgpu::BufferUsages::STORAGE,
                    })
                })
                .collect();
            let mut staging = Vec::new();
            for &len in outputs {
                let size = len.max(MIN_BINDING as u64);
                buffers.push(d.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("vex output"),
                    size,
                    usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }));
                staging.push(d.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("vex readback"),
                    size,
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }));
            }
            (buffers, staging)
        })?;
        self.scoped(|| {
            let entries: Vec<wgpu::BindGroupEntry> = buffers
                .iter()
                .enumerate()
                .map(|(k, b)| wgpu::BindGroupEntry {
                    binding: k as u32,
                    resource: b.as_entire_binding(),
                })
                .collect();
            let bind = d.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("vex bindings"),
                layout,
                entries: &entries,
            });
            let mut encoder = d.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(pipeline);
                pass.set_bind_group(0, &bind, &[]);
                pass.dispatch_workgroups(x, y, 1);
            }
            for (out, stage) in buffers[inputs.len()..].iter().zip(&staging) {
                encoder.copy_buffer_to_buffer(out, 0, stage, 0, stage.size());
            }
            self.queue.submit([encoder.finish()]);
        })?;
        self.wait()?;
        let (send, recv) = std::sync::mpsc::channel();
        for (k, stage) in staging.iter().enumerate() {
            let send = send.clone();
            stage.slice(..).map_async(wgpu::MapMode::Read, move |r| {
                let _ = send.send((k, r));
            });
        }
        drop(send);
        self.wait()?;
        let mut mapped = 0;
        while let Ok((_, r)) = recv.try_recv() {
            r.map_err(|e| GpuError::Map(e.to_string()))?;
            mapped += 1;
        }
        if mapped != staging.len() {
            return Err(GpuError::Map("a mapping did not complete".into()));
        }
        let mut result = Vec::with_capacity(outputs.len());
        for (stage, &len) in staging.iter().zip(outputs) {
            let view = stage
                .slice(..)
                .get_mapped_range()
                .map_err(|e| GpuError::Map(e.to_string()))?;
            result.push(view[..len as usize].to_vec());
            drop(view);
            stage.unmap();
        }
        Ok(result)
    }
}

/// A compiled shader with its bind group layout.
pub(crate) struct Pipeline {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

/// How many compiled shaders a device keeps: beyond, the cache starts over (kernels of
/// one session rarely number in the hundreds; compiling again only costs time).
const PIPELINE_CACHE: usize = 256;

impl Device {
    /// The compiled pipeline of `code` with `inputs` read-only and `outputs` read-write
    /// storage bindings, compiled on first use. The code holds no sizes (they arrive in
    /// buffers), so one pipeline serves every array size of a kernel's structure.
    fn pipeline(
        &self,
        code: &str,
        inputs: usize,
        outputs: usize,
    ) -> Result<std::sync::Arc<Pipeline>, GpuError> {
        let key = (code.to_string(), inputs, outputs);
        if let Some(p) = self
            .pipelines
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return Ok(p);
        }
        let d = &self.device;
        let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let compiled = self.scoped(|| {
            let module = d.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("vex kernel"),
                source: wgpu::ShaderSource::Wgsl(code.into()),
            });
            // An explicit layout: every binding is there even where the shader does not
            // use it (an automatic layout would drop it and refuse the bind group).
            let entries: Vec<wgpu::BindGroupLayoutEntry> = (0..inputs + outputs)
                .map(|k| storage(k as u32, k < inputs))
                .collect();
            let layout = d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("vex bindings"),
                entries: &entries,
            });
            let pipeline_layout = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("vex kernel"),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
            let pipeline = d.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some("vex kernel"),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            });
            std::sync::Arc::new(Pipeline { pipeline, layout })
        })?;
        if let Ok(mut cache) = self.pipelines.lock() {
            if cache.len() >= PIPELINE_CACHE {
                cache.clear();
            }
            cache.insert(key, std::sync::Arc::clone(&compiled));
        }
        Ok(compiled)
    }

    /// How many compiled shaders the device holds (see [`Device::run_shader`]).
    pub fn cached_pipelines(&self) -> usize {
        self.pipelines.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// Whether the device's float64 `fma` rounds once, as the math library needs. Vulkan
    /// lets a driver compute it as a multiply and an add (lavapipe does), so this runs
    /// `fma(x, x, -(1 + 2^-29))` with `x = 1 + 2^-30`, which is `2^-60` fused and `0`
    /// otherwise. Measured once per device.
    pub fn fma_is_fused(&self) -> Result<bool, GpuError> {
        if let Some(&fused) = self.fma_fused.get() {
            return Ok(fused);
        }
        if !self.has_f64() {
            return Err(GpuError::Unsupported(
                "float64 (the device lacks SHADER_F64)".into(),
            ));
        }
        let code = format!(
            "@group(0) @binding(0) var<storage, read> xs: array<f64>;\n\
             @group(0) @binding(1) var<storage, read_write> out: array<f64>;\n\
             @compute @workgroup_size({WORKGROUP})\n\
             fn main({MAIN_PARAMS}) {{ if {INDEX} == 0u {{ out[0] = fma(xs[0], xs[0], xs[1]); }} }}"
        );
        let x = 1.0 + 2f64.powi(-30);
        let c = -(1.0 + 2f64.powi(-29));
        let input: Vec<u8> = [x, c].iter().flat_map(|v| v.to_le_bytes()).collect();
        let out = self.run_shader(&code, &[&input], &[8], 1)?;
        let got = f64::from_le_bytes(out[0][..8].try_into().expect("8 bytes"));
        let fused = got == 2f64.powi(-60);
        Ok(*self.fma_fused.get_or_init(|| fused))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_covers_every_element_within_the_limits() {
        assert_eq!(grid(1, 65535).unwrap(), (1, 1));
        assert_eq!(grid(64, 65535).unwrap(), (1, 1));
        assert_eq!(grid(65, 65535).unwrap(), (2, 1));
        for (n, max) in [(1000u64, 4u32), (64 * 8 + 1, 3), (1 << 30, 65535)] {
            let (x, y) = grid(n, max).unwrap();
            assert!(x <= max && y <= max);
            let cover = u64::from(x) * u64::from(y) * 64;
            assert!(
                cover >= n && cover - n < u64::from(x) * 64,
                "{n} {max}: {x}x{y}"
            );
        }
        assert!(matches!(grid(1 << 20, 4), Err(GpuError::Unsupported(_))));
    }
}
