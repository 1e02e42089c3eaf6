//! A plot as the session stores it: decimated data and options, free of any drawing code,
//! so that every client renders it for its own size and capabilities (see [`super::text`]
//! for terminals, [`super::raster`] for PNG files).
//!
//! Data vectors serialise as the session's arrays do (see `session::store`): their
//! little-endian bytes, as base64 text in human-readable formats such as JSON and raw bytes
//! in binary ones, so that every value (NaN gaps included) comes back exactly.

use serde::{Deserialize, Serialize};

/// One plot: what is drawn and how it is labelled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlotSpec {
    pub data: PlotData,
    pub title: Option<String>,
    pub xlabel: Option<String>,
    pub ylabel: Option<String>,
}

/// What a plot draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotData {
    /// `plot`: lines through the points of each series.
    Line(Vec<Series>),
    /// `scatter`: the points of each series.
    Scatter(Vec<Series>),
    /// `hist`: bin counts over one set of equal-width bins.
    Hist(Histogram),
    /// `imshow`: a 2-D array as a heatmap.
    Image(Image),
}

/// Points of one line or scatter series, after decimation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub label: Option<String>,
    #[serde(with = "float_bytes")]
    pub x: Vec<f64>,
    #[serde(with = "float_bytes")]
    pub y: Vec<f64>,
    /// How many points the series had before decimation.
    pub points: u64,
}

/// Histograms of one or more data sets over the same bins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// The left edge of the first bin and the right edge of the last.
    pub range: (f64, f64),
    pub sets: Vec<HistSet>,
}

/// The bin counts of one data set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistSet {
    pub label: Option<String>,
    pub counts: Vec<u64>,
    /// Elements left out because they are NaN or infinite.
    pub skipped: u64,
}

impl Histogram {
    /// The number of bins.
    pub fn bins(&self) -> usize {
        self.sets.first().map_or(0, |s| s.counts.len())
    }
}

/// A 2-D array as a heatmap, block-averaged to a bounded size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The shape of the array that was plotted (rows, columns).
    pub shape: (usize, usize),
    /// The shape of `values` (at most [`super::decimate::IMAGE_MAX`] each way).
    pub rows: usize,
    pub cols: usize,
    /// Row-major values; NaN where a block had no finite value.
    #[serde(with = "float_bytes")]
    pub values: Vec<f64>,
    /// The value range the colour map spans (the finite range of the whole array, or
    /// `vmin=`/`vmax=`).
    pub vmin: f64,
    pub vmax: f64,
    pub cmap: Colormap,
}

/// The colour maps of `imshow(..., cmap="…")`; all but `gray` are perceptually uniform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    #[default]
    Viridis,
    Magma,
    Inferno,
    Plasma,
    Cividis,
    Gray,
}

impl Colormap {
    pub const NAMES: [&str; 6] = ["viridis", "magma", "inferno", "plasma", "cividis", "gray"];

    pub fn from_name(name: &str) -> Option<Colormap> {
        Some(match name {
            "viridis" => Colormap::Viridis,
            "magma" => Colormap::Magma,
            "inferno" => Colormap::Inferno,
            "plasma" => Colormap::Plasma,
            "cividis" => Colormap::Cividis,
            "gray" | "grey" => Colormap::Gray,
            _ => return None,
        })
    }

    /// The colour at `t` in [0, 1] (clamped), as RGB.
    pub fn rgb(self, t: f64) -> [u8; 3] {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        if self == Colormap::Gray {
            let v = (t * 255.0).round() as u8;
            return [v, v, v];
        }
        let g = match self {
            Colormap::Viridis => colorous::VIRIDIS,
            Colormap::Magma => colorous::MAGMA,
            Colormap::Inferno => colorous::INFERNO,
            Colormap::Plasma => colorous::PLASMA,
            Colormap::Cividis => colorous::CIVIDIS,
            Colormap::Gray => unreachable!("handled above"),
        };
        let c = g.eval_continuous(t);
        [c.r, c.g, c.b]
    }
}

impl PlotSpec {
    /// The series drawn as lines or points (empty for histograms and images).
    #[allow(dead_code)] // for clients and tests
    pub fn series(&self) -> &[Series] {
        match &self.data {
            PlotData::Line(s) | PlotData::Scatter(s) => s,
            PlotData::Hist(_) | PlotData::Image(_) => &[],
        }
    }

    /// The labels of the legend, with the index of the colour of each.
    pub fn legend(&self) -> Vec<(usize, &str)> {
        let labels: Vec<Option<&str>> = match &self.data {
            PlotData::Line(s) | PlotData::Scatter(s) => {
                s.iter().map(|s| s.label.as_deref()).collect()
            }
            PlotData::Hist(h) => h.sets.iter().map(|s| s.label.as_deref()).collect(),
            PlotData::Image(_) => Vec::new(),
        };
        labels
            .into_iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i, l)))
            .collect()
    }
}

/// The bounds of every series, with a unit range around a single value.
pub fn xy_bounds(series: &[Series]) -> ((f64, f64), (f64, f64)) {
    let widen = |b: Option<(f64, f64)>| match b {
        Some((lo, hi)) if hi > lo => (lo, hi),
        Some((v, _)) => (v - 1.0, v + 1.0),
        None => (0.0, 1.0),
    };
    let xs = super::decimate::bounds(series.iter().flat_map(|s| s.x.iter().copied()));
    let ys = super::decimate::bounds(series.iter().flat_map(|s| s.y.iter().copied()));
    (widen(xs), widen(ys))
}

/// Serde for `Vec<f64>` as little-endian bytes: base64 text where the format is
/// human-readable, raw bytes elsewhere.
mod float_bytes {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;

    use crate::session::base64;

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        if s.is_human_readable() {
            s.serialize_str(&base64::encode(&bytes))
        } else {
            s.serialize_bytes(&bytes)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        struct FloatsVisitor;
        impl<'de> Visitor<'de> for FloatsVisitor {
            type Value = Vec<f64>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("float64 values as base64 text or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<f64>, E> {
                let bytes = base64::decode(v).map_err(E::custom)?;
                self.visit_bytes(&bytes)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
                let mut bytes = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                self.visit_bytes(&bytes)
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<f64>, E> {
                if !v.len().is_multiple_of(8) {
                    return Err(E::custom("float64 data is not a whole number of values"));
                }
                Ok(v.chunks_exact(8)
                    .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                    .collect())
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(FloatsVisitor)
        } else {
            d.deserialize_byte_buf(FloatsVisitor)
        }
    }
}
