//! Plots: the data model the session stores ([`spec`]), the reduction of large data to
//! what a picture can show ([`decimate`]), and renderers: terminal text in Braille and
//! half-blocks ([`text`]) and PNG images ([`raster`]).

mod canvas;
pub mod decimate;
pub mod raster;
pub mod spec;
pub mod style;
pub mod text;
pub mod ticks;

pub use spec::PlotSpec;
#[cfg(test)]
mod tests;
