//! The memory of the image stage: one budget whatever the number of threads. Each picture
//! reserves what its processing needs at most before it is decoded, and waits while other
//! pictures hold the rest; one that needs more on its own is refused with its size and the
//! limit (a 1 MB PNG of 12,000 × 12,000 16-bit pixels once took 1.6 GB to process).

use super::file::Refused;
use std::sync::Mutex;

/// The memory the image stage may use at once, whatever the number of threads: each image
/// reserves what its processing needs at most before it is decoded, and waits while other
/// images hold the rest. An image that needs more on its own is refused.
pub(super) const MEMORY_BUDGET: u64 = 768 << 20;
/// What processing an image takes in memory at most: its decoded pixels as the file holds
/// them, their 8-bit RGBA copy, and a turned copy (orientation), the widths made from them
/// being smaller.
pub(super) fn memory_needed(decoded: u64, w: u32, h: u32) -> u64 {
    decoded.saturating_add(u64::from(w) * u64::from(h) * 8)
}

pub(super) fn too_much_memory(w: u32, h: u32, need: u64) -> Refused {
    Refused(
        format!(
            "image trop grande pour être traitée : {w} × {h} pixels demandent {} Mio de mémoire (au plus {} Mio)",
            need >> 20,
            MEMORY_BUDGET >> 20
        ),
        "réduisez-la dans un logiciel d'images (4 000 pixels de large suffisent pour une photo) et enregistrez-la en 8 bits".into(),
    )
}

/// The memory of the image stage: reserved by each image before it is decoded, given back
/// when its files are made.
pub(super) struct Budget {
    used: Mutex<u64>,
    freed: std::sync::Condvar,
}

pub(super) static BUDGET: Budget = Budget {
    used: Mutex::new(0),
    freed: std::sync::Condvar::new(),
};

/// A reservation of the image stage's memory, given back when dropped.
pub(crate) struct Reserved(u64);

impl Budget {
    /// Waits until `bytes` fit in the budget (at once when nothing else is reserved), then
    /// reserves them. `bytes` is at most the budget (larger images are refused before).
    pub(super) fn reserve(&'static self, bytes: u64) -> Reserved {
        let bytes = bytes.min(MEMORY_BUDGET);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && *used + bytes > MEMORY_BUDGET {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Reserved(bytes)
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        let mut used = BUDGET.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.0;
        BUDGET.freed.notify_all();
    }
}
