//! Plots: the data model the session stores ([`spec`]), the reduction of large data to
//! what a picture can show ([`decimate`]), and renderers: terminal text in Braille and
//! half-blocks ([`text`]) and PNG images ([`raster`]).
//!
//! For clients: [`text::render`] draws into any ratatui buffer area (as
//! `Terminal::insert_before` hands one), [`text::lines`] gives styled lines,
//! [`text::to_string`] plain or ANSI text, [`text::needed_height`] the rows a heatmap
//! really uses; [`raster::draw`] an RGB image of any pixel size (for terminals that show
//! images), [`raster::save`] a PNG file.

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
