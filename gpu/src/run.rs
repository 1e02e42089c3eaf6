//! Runs a whole IR [`Program`] on the device, kernel by kernel: uploads what each kernel
//! reads, dispatches its shader ([`crate::codegen`]) and downloads what it writes.
//!
//! Every kernel round-trips through host memory for now (arrays staying resident on the
//! device between kernels and evaluations come later); this is the correctness baseline
//! the later work is measured against.

use ndarray::{ArrayD, IxDyn};
use vex_expr::ir::Program;
use vex_expr::{Array, ArrayRef, DType};

use crate::codegen::{self, Caps, Operand};
use crate::device::Device;
use crate::error::GpuError;

impl Device {
    /// What code generation may use on this device.
    pub fn caps(&self) -> Result<Caps, GpuError> {
        let f64 = self.has_f64() && self.has_int64();
        Ok(Caps {
            f64,
            fused_fma: f64 && self.fma_is_fused()?,
        })
    }

    /// Runs `program` on `inputs` (in the order of `program.inputs`), returning its
    /// outputs as the reference interpreter does, or the reason it can not run here.
    pub fn run_program(
        &self,
        program: &Program,
        inputs: &[ArrayRef<'_>],
    ) -> Result<Vec<Array>, GpuError> {
        if inputs.len() != program.inputs.len() {
            return Err(GpuError::Unsupported(format!(
                "{} inputs given, the program takes {}",
                inputs.len(),
                program.inputs.len()
            )));
        }
        let caps = self.caps()?;
        let mut host_inputs = Vec::with_capacity(inputs.len());
        for (a, decl) in inputs.iter().zip(&program.inputs) {
            if a.dtype() != decl.dtype || a.shape() != decl.shape.as_slice() {
                return Err(GpuError::Unsupported(format!(
                    "input {} is {:?}{:?}, the program expects {:?}{:?}",
                    decl.name,
                    a.dtype(),
                    a.shape(),
                    decl.dtype,
                    decl.shape
                )));
            }
            host_inputs.push(to_bytes(a)?);
        }
        let mut buffers: Vec<Option<Vec<u8>>> = vec![None; program.buffers.len()];
        for kernel in &program.kernels {
            let shader = codegen::generate(program, kernel, caps)?;
            let n: usize = kernel.shape.iter().product();
            let ndim = kernel.shape.len();
            let mut meta: Vec<i64> = vec![n as i64];
            meta.extend(kernel.shape.iter().map(|&d| d as i64));
            for (shape, view) in &shader.loads {
                let strides = c_strides(shape);
                meta.push(view.base_offset(&strides) as i64);
                meta.extend(
                    view.kernel_strides(&strides, ndim)
                        .iter()
                        .map(|&s| s as i64),
                );
            }
            // The shader indexes in int32: every size, offset and stride must fit.
            let meta: Vec<i32> = meta
                .iter()
                .map(|&v| i32::try_from(v))
                .collect::<Result<_, _>>()
                .map_err(|_| GpuError::Unsupported("arrays of 2^31 elements or more".into()))?;
            let meta_bytes: Vec<u8> = meta.iter().flat_map(|v| v.to_le_bytes()).collect();
            let mut reads: Vec<&[u8]> = Vec::new();
            for (op, _) in &shader.operands {
                reads.push(match *op {
                    Operand::Input(i) => &host_inputs[i],
                    Operand::Buffer(b) => buffers[b].as_deref().ok_or_else(|| {
                        GpuError::Unsupported(format!("buffer {b} read before written"))
                    })?,
                });
            }
            reads.push(&meta_bytes);
            let table_bytes: Vec<u8> = shader.tables.iter().flat_map(|v| v.to_le_bytes()).collect();
            if !shader.tables.is_empty() {
                reads.push(&table_bytes);
            }
            let sizes: Vec<u64> = shader
                .stores
                .iter()
                .map(|&(_, dtype)| (n * stored_size(dtype)) as u64)
                .collect();
            let written = self.run_shader(&shader.code, &reads, &sizes, n as u64)?;
            for (&(b, _), bytes) in shader.stores.iter().zip(written) {
                buffers[b] = Some(bytes);
            }
        }
        program
            .outputs
            .iter()
            .map(|&b| {
                let decl = &program.buffers[b];
                let bytes = buffers[b].as_deref().ok_or_else(|| {
                    GpuError::Unsupported(format!("output buffer {b} never written"))
                })?;
                from_bytes(bytes, decl.dtype, &decl.shape)
            })
            .collect()
    }
}

/// Element strides of a C-contiguous array of `shape`.
fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut step = 1isize;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = step;
        step *= d.max(1) as isize;
    }
    strides
}

/// Bytes per element in device storage (bool widened to a `u32`).
fn stored_size(dtype: DType) -> usize {
    match dtype {
        DType::F64 => 8,
        _ => 4,
    }
}

/// The array's elements in C order, in their device storage form.
fn to_bytes(a: &ArrayRef<'_>) -> Result<Vec<u8>, GpuError> {
    fn le<T: Copy, const N: usize>(
        v: ndarray::ArrayViewD<'_, T>,
        f: impl Fn(T) -> [u8; N],
    ) -> Vec<u8> {
        v.iter().flat_map(|&x| f(x)).collect()
    }
    Ok(match a {
        ArrayRef::Bool(v) => le(v.view(), |x: bool| u32::from(x).to_le_bytes()),
        ArrayRef::I32(v) => le(v.view(), i32::to_le_bytes),
        ArrayRef::U32(v) => le(v.view(), u32::to_le_bytes),
        ArrayRef::F32(v) => le(v.view(), f32::to_le_bytes),
        ArrayRef::F64(v) => le(v.view(), f64::to_le_bytes),
        other => {
            return Err(GpuError::Unsupported(format!(
                "dtype {:?} (the GPU backend computes bool, int32, uint32, float32, float64)",
                other.dtype()
            )))
        }
    })
}

/// An array of `dtype` and `shape` from device storage bytes.
fn from_bytes(bytes: &[u8], dtype: DType, shape: &[usize]) -> Result<Array, GpuError> {
    fn make<T: vex_expr::ArrayElement, const N: usize>(
        bytes: &[u8],
        shape: &[usize],
        f: impl Fn([u8; N]) -> T,
    ) -> Result<Array, GpuError> {
        let data: Vec<T> = bytes
            .chunks_exact(N)
            .map(|c| f(c.try_into().expect("chunk of N bytes")))
            .collect();
        let a = ArrayD::from_shape_vec(IxDyn(shape), data)
            .map_err(|e| GpuError::Map(format!("result of the wrong size: {e}")))?;
        Ok(T::wrap(a))
    }
    match dtype {
        DType::Bool => make(bytes, shape, |b| u32::from_le_bytes(b) != 0),
        DType::I32 => make(bytes, shape, i32::from_le_bytes),
        DType::U32 => make(bytes, shape, u32::from_le_bytes),
        DType::F32 => make(bytes, shape, f32::from_le_bytes),
        DType::F64 => make(bytes, shape, f64::from_le_bytes),
        other => Err(GpuError::Unsupported(format!("dtype {other:?}"))),
    }
}
