//! "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) and their labels, shared
//! by the terminal and PNG renderers.

/// Ticks inside `[lo, hi]`, at most about `max` of them (at least two when the range
/// allows), at multiples of a step of 1, 2 or 5 × 10^k.
pub fn ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let step = step(lo, hi, max.max(2));
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// The smallest nice step that puts at most `max` ticks in `[lo, hi]`.
fn step(lo: f64, hi: f64, max: usize) -> f64 {
    let count = |s: f64| ((hi / s).floor() - (lo / s).ceil() + 1.0) as usize;
    let mut mag = 10f64.powf(((hi - lo) / max as f64).log10().floor());
    loop {
        for m in [1.0, 2.0, 5.0] {
            if count(m * mag) <= max {
                return m * mag;
            }
        }
        mag *= 10.0;
    }
}

/// Labels for `ticks`, all with the same number of decimals (enough to tell neighbours
/// apart), or in scientific notation for very large or small magnitudes.
pub fn labels(ticks: &[f64]) -> Vec<String> {
    let step = ticks
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    let big = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if big >= 1e6 || (big > 0.0 && big < 1e-3) {
        return ticks.iter().map(|&v| scientific(v)).collect();
    }
    let decimals = if step.is_finite() && step > 0.0 {
        (-step.log10().floor()).max(0.0) as usize
    } else {
        0
    };
    ticks
        .iter()
        .map(|&v| {
            let s = format!("{v:.decimals$}");
            if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
                s[1..].to_string()
            } else {
                s
            }
        })
        .collect()
}

/// `v` as `2.5e6`, with a short mantissa.
fn scientific(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v:.3e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    format!("{mantissa}e{exp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert_eq!(ticks(0.0, 10.0, 6), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(-0.93, 0.97, 5), [-0.5, 0.0, 0.5]);
        assert_eq!(ticks(0.0, 12.566, 7), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
        assert_eq!(
            labels(&ticks(-1.0, 1.0, 5)),
            ["-1.0", "-0.5", "0.0", "0.5", "1.0"]
        );
        assert_eq!(labels(&[0.0, 2e6, 4e6]), ["0", "2e6", "4e6"]);
        assert_eq!(labels(&[0.0, 25.0, 50.0]), ["0", "25", "50"]);
        assert_eq!(ticks(3.0, 3.0, 5), [3.0]);
    }
}
