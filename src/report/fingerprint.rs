//! FNV-1a 64-bit: a small, stable, dependency-free hash for fingerprints (SARIF's and the
//! baseline's, each over its own key).

/// The hex hash of `parts`, each followed by a NUL byte.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}
