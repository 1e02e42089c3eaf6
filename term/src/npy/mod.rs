//! Reading and writing .npy files of every vex dtype.
//!
//! Reading decodes the data here (after [`header::parse_header`]) instead of going through
//! ndarray-npy's typed reader: the element type is only known once the header is read, the
//! data length is checked against the header before anything is allocated (a corrupt shape
//! cannot make us allocate terabytes), and `=`/`|` byte orders are accepted. Writing uses
//! ndarray-npy, through a temporary file that is renamed into place, so that a failed run
//! never leaves a partial file behind.

mod header;
mod npz;

use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, IxDyn, Shape, ShapeBuilder};
use ndarray_npy::WriteNpyExt;
use vex::{Array, DType, C128, C64};

pub use header::parse_header;
pub use npz::read_npz;

/// Reads a .npy file into an array of its own dtype (a 0-d file gives a 0-d array).
pub fn read_npy(path: &Path) -> Result<Array, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    decode_npy(&bytes).map_err(|e| format!("cannot read '{}': {e}", path.display()))
}

/// Decodes the bytes of a whole .npy file.
pub fn decode_npy(bytes: &[u8]) -> Result<Array, String> {
    let h = parse_header(bytes)?;
    let data = &bytes[h.data_start..];
    let len = h
        .shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n.checked_mul(h.dtype.size()).is_some())
        .ok_or("the shape in the header is too large")?;
    let need = len * h.dtype.size();
    if data.len() < need {
        return Err(format!(
            "the file is truncated: shape {:?} of {} needs {need} bytes of data, it has {}",
            h.shape,
            h.dtype,
            data.len()
        ));
    }
    // Like numpy.load, ignore anything after the data.
    decode_data(
        h.dtype,
        &h.shape,
        h.fortran_order,
        h.big_endian,
        &data[..need],
    )
}

/// Decodes raw element data (exactly `dims`' number of elements of `dtype`, stored in C or
/// Fortran order, in the given byte order; complex numbers as real then imaginary part)
/// into an array.
pub fn decode_data(
    dtype: DType,
    dims: &[usize],
    fortran: bool,
    big: bool,
    data: &[u8],
) -> Result<Array, String> {
    let len = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    if len.and_then(|n| n.checked_mul(dtype.size())) != Some(data.len()) {
        return Err(format!(
            "{} bytes of data do not hold {dims:?} {dtype} elements",
            data.len()
        ));
    }
    let shape = IxDyn(dims).set_f(fortran);
    fn build<T>(shape: Shape<IxDyn>, v: Vec<T>) -> Result<ArrayD<T>, String> {
        ArrayD::from_shape_vec(shape, v).map_err(|e| format!("bad shape: {e}"))
    }
    macro_rules! numbers {
        ($t:ty) => {
            build(
                shape,
                decode(data, big, <$t>::from_le_bytes, <$t>::from_be_bytes),
            )?
        };
    }
    macro_rules! complex {
        ($t:ty, $c:ty) => {{
            let parts = decode(data, big, <$t>::from_le_bytes, <$t>::from_be_bytes);
            let values = parts
                .chunks_exact(2)
                .map(|p| <$c>::new(p[0], p[1]))
                .collect();
            build(shape, values)?
        }};
    }
    Ok(match dtype {
        DType::Bool => Array::Bool(build(shape, data.iter().map(|&b| b != 0).collect())?),
        DType::I8 => Array::I8(build(shape, data.iter().map(|&b| b as i8).collect())?),
        DType::U8 => Array::U8(build(shape, data.to_vec())?),
        DType::I16 => Array::I16(numbers!(i16)),
        DType::I32 => Array::I32(numbers!(i32)),
        DType::I64 => Array::I64(numbers!(i64)),
        DType::U16 => Array::U16(numbers!(u16)),
        DType::U32 => Array::U32(numbers!(u32)),
        DType::U64 => Array::U64(numbers!(u64)),
        DType::F32 => Array::F32(numbers!(f32)),
        DType::F64 => Array::F64(numbers!(f64)),
        DType::C64 => Array::C64(complex!(f32, C64)),
        DType::C128 => Array::C128(complex!(f64, C128)),
    })
}

/// The elements of `array` in logical (C) order as little-endian bytes, complex numbers as
/// real then imaginary part: what [`decode_data`] reads back with a C-order shape.
pub fn raw_le_bytes(array: &Array) -> Vec<u8> {
    let mut out = Vec::with_capacity(array.len() * array.dtype().size());
    macro_rules! numbers {
        ($a:expr) => {
            $a.iter().for_each(|x| out.extend(x.to_le_bytes()))
        };
    }
    macro_rules! complex {
        ($a:expr) => {
            $a.iter().for_each(|z| {
                out.extend(z.re.to_le_bytes());
                out.extend(z.im.to_le_bytes());
            })
        };
    }
    match array {
        Array::Bool(a) => a.iter().for_each(|&b| out.push(u8::from(b))),
        Array::I8(a) => numbers!(a),
        Array::I16(a) => numbers!(a),
        Array::I32(a) => numbers!(a),
        Array::I64(a) => numbers!(a),
        Array::U8(a) => numbers!(a),
        Array::U16(a) => numbers!(a),
        Array::U32(a) => numbers!(a),
        Array::U64(a) => numbers!(a),
        Array::F32(a) => numbers!(a),
        Array::F64(a) => numbers!(a),
        Array::C64(a) => complex!(a),
        Array::C128(a) => complex!(a),
    }
    out
}

/// Decodes `N`-byte elements in the given byte order.
fn decode<T, const N: usize>(
    data: &[u8],
    big_endian: bool,
    le: fn([u8; N]) -> T,
    be: fn([u8; N]) -> T,
) -> Vec<T> {
    let from = if big_endian { be } else { le };
    data.chunks_exact(N)
        .map(|c| {
            let mut b = [0u8; N];
            b.copy_from_slice(c);
            from(b)
        })
        .collect()
}

/// Encodes an array as a complete .npy file (little-endian, C or Fortran order as stored).
pub fn encode_npy(array: &Array) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let r = match array {
        Array::Bool(a) => a.write_npy(&mut out),
        Array::I8(a) => a.write_npy(&mut out),
        Array::I16(a) => a.write_npy(&mut out),
        Array::I32(a) => a.write_npy(&mut out),
        Array::I64(a) => a.write_npy(&mut out),
        Array::U8(a) => a.write_npy(&mut out),
        Array::U16(a) => a.write_npy(&mut out),
        Array::U32(a) => a.write_npy(&mut out),
        Array::U64(a) => a.write_npy(&mut out),
        Array::F32(a) => a.write_npy(&mut out),
        Array::F64(a) => a.write_npy(&mut out),
        Array::C64(a) => a.write_npy(&mut out),
        Array::C128(a) => a.write_npy(&mut out),
    };
    r.map_err(|e| e.to_string())?;
    Ok(out)
}

/// Writes each array to its path, all or nothing as far as the file system allows: every
/// file is first written in full to a temporary file next to its destination, and only
/// when all of them succeeded are they renamed into place.
pub fn write_all(outputs: &[(PathBuf, &Array)]) -> Result<(), String> {
    let mut staged = Vec::with_capacity(outputs.len());
    for (path, array) in outputs {
        let fail = |e: &dyn std::fmt::Display| format!("cannot write '{}': {e}", path.display());
        let bytes = encode_npy(array).map_err(|e| fail(&e))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".vex-")
            .suffix(".npy.tmp")
            .tempfile_in(dir)
            .map_err(|e| fail(&e))?;
        tmp.write_all(&bytes).map_err(|e| fail(&e))?;
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| format!("cannot write '{}': {}", path.display(), e.error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr0, array};

    fn roundtrip(a: Array) {
        let bytes = encode_npy(&a).unwrap();
        assert_eq!(decode_npy(&bytes).unwrap(), a);
        let raw = raw_le_bytes(&a);
        let back = decode_data(a.dtype(), a.shape(), false, false, &raw).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn every_dtype_roundtrips() {
        roundtrip(array![true, false].into());
        roundtrip(array![-1i8, 2].into());
        roundtrip(array![[-1i16, 2], [3, 4]].into());
        roundtrip(array![-1i32, i32::MAX].into());
        roundtrip(array![i64::MIN, 2].into());
        roundtrip(array![255u8, 2].into());
        roundtrip(array![65535u16].into());
        roundtrip(array![u32::MAX].into());
        roundtrip(array![u64::MAX, 0].into());
        roundtrip(array![1.5f32, f32::INFINITY].into());
        roundtrip(array![[1.5f64], [-0.0]].into());
        roundtrip(array![C64::new(1.0, -2.0)].into());
        roundtrip(array![C128::new(1.0, -2.0), C128::new(0.5, 3.0)].into());
        roundtrip(arr0(2.5f64).into());
        roundtrip(ArrayD::<i32>::zeros(IxDyn(&[2, 0, 3])).into());
    }

    #[test]
    fn raw_bytes_are_little_endian_in_logical_order() {
        let m = array![[1i16, 2], [3, 4]];
        let t: Array = m.t().to_owned().into();
        assert_eq!(raw_le_bytes(&t), [1, 0, 3, 0, 2, 0, 4, 0]);
        let e = decode_data(DType::I16, &[3], false, false, &[0; 4]).unwrap_err();
        assert!(e.contains("do not hold [3] int16"), "{e}");
        let huge = [usize::MAX, 2];
        assert!(decode_data(DType::U8, &huge, false, false, &[]).is_err());
    }

    #[test]
    fn fortran_order_is_read_as_stored() {
        let c = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        // Column-major data of `c`: the transpose's elements in logical order.
        let f = c.t().to_owned();
        let mut bytes = Vec::new();
        let dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
        bytes.extend(b"\x93NUMPY\x01\x00");
        bytes.extend((dict.len() as u16).to_le_bytes());
        bytes.extend(dict.as_bytes());
        for x in f.iter() {
            bytes.extend(x.to_le_bytes());
        }
        let a = decode_npy(&bytes).unwrap();
        assert_eq!(
            a.as_f64().unwrap(),
            &array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn()
        );
    }

    fn file(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((dict.len() as u16).to_le_bytes());
        b.extend(dict.as_bytes());
        b.extend(data);
        b
    }

    #[test]
    fn big_endian_data() {
        let a = decode_npy(&file(">i4", "(2,)", &[0, 0, 1, 2, 255, 255, 255, 254])).unwrap();
        assert_eq!(a.as_array::<i32>().unwrap(), &array![258, -2].into_dyn());
        let mut data = 1.5f64.to_be_bytes().to_vec();
        data.extend((-2.0f64).to_be_bytes());
        let a = decode_npy(&file(">c16", "()", &data)).unwrap();
        assert_eq!(a.as_c128().unwrap(), &arr0(C128::new(1.5, -2.0)).into_dyn());
    }

    #[test]
    fn data_length_is_checked_before_allocating() {
        let e = decode_npy(&file("<f8", "(3,)", &[0; 16])).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        let e = decode_npy(&file("<f8", "(1000000000000,)", &[])).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        let e = decode_npy(&file("<f8", "(4294967296, 4294967296, 4294967296)", &[])).unwrap_err();
        assert!(e.contains("too large"), "{e}");
        // Trailing bytes are ignored, as numpy.load does.
        let a = decode_npy(&file("|u1", "(2,)", &[7, 8, 9])).unwrap();
        assert_eq!(a.as_array::<u8>().unwrap(), &array![7u8, 8].into_dyn());
    }

    #[test]
    fn write_all_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a: Array = array![1.0f64, 2.0].into();
        let good = dir.path().join("good.npy");
        let bad = dir.path().join("missing-dir").join("bad.npy");
        let e = write_all(&[(good.clone(), &a), (bad, &a)]).unwrap_err();
        assert!(e.contains("bad.npy"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        write_all(&[(good.clone(), &a)]).unwrap();
        assert_eq!(read_npy(&good).unwrap(), a);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn read_errors_name_the_file() {
        let e = read_npy(Path::new("/nonexistent/x.npy")).unwrap_err();
        assert!(e.starts_with("cannot read '/nonexistent/x.npy': "), "{e}");
    }
}
