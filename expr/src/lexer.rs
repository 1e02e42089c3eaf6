//! Tokens of the vex language.
