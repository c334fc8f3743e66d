//! Statistics of measured samples, shared by the bench and the load test.

/// The `q` quantile (0..=1) of sorted samples, nearest rank; 0 for no samples.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
