//! Load shedding: a bounded number of requests is handled at once and a bounded number waits,
//! briefly, for a turn; anything more is answered `503` with `Retry-After` at once, before it has
//! done any work (`routes::admit` for every request, the password hashing's own gate in
//! `domain::identity`). Latency then stays bounded when traffic exceeds what the machine serves,
//! and a shed write was never started, so nothing a client was told about is lost.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// `slots` holders at once, `queue` more waiting at most `wait` each. tokio's semaphore is fair:
/// a newcomer never overtakes a waiter.
#[derive(Clone, Debug)]
pub struct Gate {
    slots: Arc<Semaphore>,
    queue: Arc<Semaphore>,
    wait: Duration,
}

impl Gate {
    pub fn new(slots: usize, queue: usize, wait: Duration) -> Self {
        Self { slots: Arc::new(Semaphore::new(slots.max(1))), queue: Arc::new(Semaphore::new(queue)), wait }
    }

    /// A turn, or [`Busy`] when the queue is full or the wait ran out.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, Busy> {
        if let Ok(slot) = self.slots.clone().try_acquire_owned() {
            return Ok(slot);
        }
        let _place = self.queue.clone().try_acquire_owned().map_err(|_| Busy)?;
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(slot)) => Ok(slot),
            _ => Err(Busy),
        }
    }
}

/// No turn of a [`Gate`] was free: the caller is shed (answered `503` with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every turn is taken")]
pub struct Busy;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_queues_a_few_and_sheds_the_rest() {
        let gate = Gate::new(1, 1, Duration::from_secs(3600));
        let held = gate.enter().await.unwrap();
        let waiter = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.is_ok() }
        });
        while gate.queue.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        // The queue is full: the next one is shed at once, without waiting.
        assert!(matches!(gate.enter().await, Err(Busy)));
        // The waiter gets the slot as soon as it is free.
        drop(held);
        assert!(waiter.await.unwrap());

        // A waiter whose wait runs out is shed too.
        let brief = Gate::new(1, 1, Duration::from_millis(20));
        let _held = brief.enter().await.unwrap();
        assert!(matches!(brief.enter().await, Err(Busy)));
    }
}
