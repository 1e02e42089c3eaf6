//! Reading .npz files: ZIP archives of .npy files, as `numpy.savez` (stored) and
//! `numpy.savez_compressed` (deflated) write them.
//!
//! Only what those writers produce is read: a single-disk archive whose entries are stored
//! or deflated, found through the central directory (whose sizes and offsets are exact;
//! NumPy's local headers carry ZIP64 placeholders instead). Entry sizes are checked against
//! the file before anything is allocated; checksums are not verified (the .npy header and
//! data length are).

use std::path::Path;

use vex::Array;

use super::decode_npy;

const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;
/// A 32-bit field with this value is in the entry's ZIP64 extra field instead.
const IN_ZIP64: u32 = 0xffff_ffff;
/// Decompressed entries larger than this many times their compressed size are refused
/// (deflate cannot do better than about 1032:1).
const MAX_RATIO: u64 = 1100;

/// Reads every array of an .npz file, with its name (the entry's name without `.npy`), in
/// archive order.
pub fn read_npz(path: &Path) -> Result<Vec<(String, Array)>, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    decode_npz(&bytes).map_err(|e| format!("cannot read '{}': {e}", path.display()))
}

/// Decodes the bytes of a whole .npz file.
pub fn decode_npz(bytes: &[u8]) -> Result<Vec<(String, Array)>, String> {
    let eocd = find_end_of_directory(bytes)?;
    let entries = usize::from(u16_at(bytes, eocd + 10)?);
    let mut at = u32_at(bytes, eocd + 16)? as usize;
    let mut out = Vec::with_capacity(entries);
    for _ in 0..entries {
        if u32_at(bytes, at)? != DIRECTORY_ENTRY {
            return Err("corrupt ZIP central directory".into());
        }
        let method = u16_at(bytes, at + 10)?;
        let mut packed = u64::from(u32_at(bytes, at + 20)?);
        let mut size = u64::from(u32_at(bytes, at + 24)?);
        let name_len = usize::from(u16_at(bytes, at + 28)?);
        let extra_len = usize::from(u16_at(bytes, at + 30)?);
        let comment_len = usize::from(u16_at(bytes, at + 32)?);
        let mut offset = u64::from(u32_at(bytes, at + 42)?);
        let name = slice(bytes, at + 46, name_len)?;
        let name = std::str::from_utf8(name).map_err(|_| "an entry name is not UTF-8")?;
        let extra = slice(bytes, at + 46 + name_len, extra_len)?;
        read_zip64(extra, &mut size, &mut packed, &mut offset)?;
        at += 46 + name_len + extra_len + comment_len;

        let offset = usize::try_from(offset).map_err(|_| "entry offset out of range")?;
        if u32_at(bytes, offset)? != LOCAL_HEADER {
            return Err(format!("corrupt ZIP entry '{name}'"));
        }
        let skip = 30
            + usize::from(u16_at(bytes, offset + 26)?)
            + usize::from(u16_at(bytes, offset + 28)?);
        let packed = usize::try_from(packed).map_err(|_| "entry too large")?;
        let data = slice(bytes, offset + skip, packed)?;
        let npy = match method {
            0 => data.to_vec(),
            8 => {
                if size > (packed as u64).saturating_mul(MAX_RATIO).max(1 << 20) {
                    return Err(format!("entry '{name}' claims an implausible size"));
                }
                let limit = usize::try_from(size).map_err(|_| "entry too large")?;
                miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit)
                    .map_err(|e| format!("entry '{name}' does not inflate: {e:?}"))?
            }
            m => return Err(format!("entry '{name}' uses ZIP compression method {m}")),
        };
        let array = decode_npy(&npy).map_err(|e| format!("entry '{name}': {e}"))?;
        let key = name.strip_suffix(".npy").unwrap_or(name);
        out.push((key.to_string(), array));
    }
    Ok(out)
}

/// The offset of the end-of-central-directory record: the last one within the final
/// 64 KiB + 22 bytes (the record plus the longest comment).
fn find_end_of_directory(bytes: &[u8]) -> Result<usize, String> {
    let lowest = bytes.len().saturating_sub(22 + 0xffff);
    (lowest..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(bytes, i) == Ok(END_OF_DIRECTORY))
        .ok_or_else(|| "not an .npz file (no ZIP directory)".into())
}

/// Replaces 32-bit placeholders by the values of the ZIP64 extra field (id 1), which holds
/// them in this order, each only where its placeholder is set.
fn read_zip64(
    mut extra: &[u8],
    size: &mut u64,
    packed: &mut u64,
    offset: &mut u64,
) -> Result<(), String> {
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let body = slice(extra, 4, len)?;
        if id == 1 {
            let mut fields = body
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")));
            for field in [size, packed, offset] {
                if *field == u64::from(IN_ZIP64) {
                    *field = fields.next().ok_or("corrupt ZIP64 extra field")?;
                }
            }
            return Ok(());
        }
        extra = &extra[4 + len..];
    }
    Ok(())
}

fn slice(bytes: &[u8], at: usize, len: usize) -> Result<&[u8], String> {
    at.checked_add(len)
        .and_then(|end| bytes.get(at..end))
        .ok_or_else(|| "the file is truncated".into())
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    Ok(u16::from_le_bytes(
        slice(bytes, at, 2)?.try_into().expect("2 bytes"),
    ))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, String> {
    Ok(u32::from_le_bytes(
        slice(bytes, at, 4)?.try_into().expect("4 bytes"),
    ))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::super::encode_npy;
    use super::*;

    /// A ZIP archive of `entries` (name, contents), each stored or deflated, with ZIP64
    /// placeholders in the local headers as NumPy writes them.
    fn zip(entries: &[(&str, Vec<u8>)], deflate: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, contents) in entries {
            let data = if deflate {
                miniz_oxide::deflate::compress_to_vec(contents, 6)
            } else {
                contents.clone()
            };
            let offset = out.len() as u32;
            let method: u16 = if deflate { 8 } else { 0 };
            out.extend(LOCAL_HEADER.to_le_bytes());
            out.extend([45, 0, 0, 0]);
            out.extend(method.to_le_bytes());
            out.extend([0; 8]); // time, date, crc
            out.extend(IN_ZIP64.to_le_bytes());
            out.extend(IN_ZIP64.to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(20u16.to_le_bytes());
            out.extend(name.as_bytes());
            out.extend(1u16.to_le_bytes());
            out.extend(16u16.to_le_bytes());
            out.extend((contents.len() as u64).to_le_bytes());
            out.extend((data.len() as u64).to_le_bytes());
            out.extend(&data);

            directory.extend(DIRECTORY_ENTRY.to_le_bytes());
            directory.extend([45, 0, 45, 0, 0, 0]);
            directory.extend(method.to_le_bytes());
            directory.extend([0; 8]);
            directory.extend((data.len() as u32).to_le_bytes());
            directory.extend((contents.len() as u32).to_le_bytes());
            directory.extend((name.len() as u16).to_le_bytes());
            directory.extend([0; 12]); // extra, comment, disk, attributes
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let directory_at = out.len() as u32;
        out.extend(&directory);
        out.extend(END_OF_DIRECTORY.to_le_bytes());
        out.extend([0; 4]);
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(directory_at.to_le_bytes());
        out.extend([0; 2]);
        out
    }

    fn sample() -> Vec<(&'static str, Array)> {
        vec![
            ("x", array![1.5f32, -2.0].into()),
            ("counts", array![[1i64, 2], [3, 4]].into()),
        ]
    }

    #[test]
    fn stored_and_deflated_archives() {
        let entries: Vec<(String, Vec<u8>)> = sample()
            .iter()
            .map(|(n, a)| (format!("{n}.npy"), encode_npy(a).unwrap()))
            .collect();
        let refs: Vec<(&str, Vec<u8>)> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.clone()))
            .collect();
        for deflate in [false, true] {
            let got = decode_npz(&zip(&refs, deflate)).unwrap();
            let want: Vec<(String, Array)> = sample()
                .into_iter()
                .map(|(n, a)| (n.to_string(), a))
                .collect();
            assert_eq!(got, want, "deflate: {deflate}");
        }
    }

    #[test]
    fn corrupt_archives_are_errors() {
        assert!(decode_npz(b"not a zip")
            .unwrap_err()
            .contains("not an .npz"));
        let good = zip(&[("a.npy", encode_npy(&sample()[0].1).unwrap())], false);
        let mut cut = good.clone();
        cut.drain(40..60);
        assert!(decode_npz(&cut).is_err());
        let bad_npy = zip(&[("a.npy", b"garbage".to_vec())], false);
        assert!(decode_npz(&bad_npy)
            .unwrap_err()
            .starts_with("entry 'a.npy'"));
    }
}
