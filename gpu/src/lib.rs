//! The GPU backend of vex.
