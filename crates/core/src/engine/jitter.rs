//! Random numbers for retry back-off jitter, from a seed in the run spec: core has no
//! RNG of its own, and a seeded one makes simulated runs (and their output files)
//! reproducible bit for bit.

/// SplitMix64 (Steele, Lea & Flood): tiny, fast, and good enough for jitter.
#[derive(Debug, Clone)]
pub struct Jitter {
    state: u64,
}

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproducible_and_in_range() {
        // Reference values of SplitMix64 seeded with 0.
        let mut j = Jitter::new(0);
        assert_eq!(j.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(j.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let (mut a, mut b) = (Jitter::new(7), Jitter::new(7));
        let mut sum = 0.0;
        for _ in 0..10_000 {
            let x = a.next_unit();
            assert_eq!(x, b.next_unit());
            assert!((0.0..1.0).contains(&x));
            sum += x;
        }
        let mean = sum / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }
}
