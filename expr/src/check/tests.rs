//! Checker tests (written against the parser).
