//! A panic inside a background task is caught and becomes an error result.
//! The terminal must then stay in the app's mode: ratatui's panic hook would
//! restore it under the running app, so the hook skips panics it knows are
//! caught.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::PanicHookInfo;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// This thread is polling a task whose panics are caught.
    static CAUGHT: Cell<bool> = const { Cell::new(false) };
}

/// A future whose panics the hook leaves alone; `catch_unwind` handles them.
pub struct Caught<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Caught<F> {
    pub fn new(inner: F) -> Self {
        Caught {
            inner: Box::pin(inner),
        }
    }
}

/// Clears the flag however the poll ends, unwinding included.
struct Reset(bool);

impl Drop for Reset {
    fn drop(&mut self) {
        CAUGHT.set(self.0);
    }
}

impl<F: Future> Future for Caught<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _reset = Reset(CAUGHT.replace(true));
        self.inner.as_mut().poll(cx)
    }
}

pub fn is_caught() -> bool {
    CAUGHT.get()
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Wraps the current hook (ratatui's, which restores the terminal): panics
/// inside caught tasks are only logged.
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(task_aware(previous));
}

pub fn task_aware(previous: Hook) -> Hook {
    Box::new(move |info| {
        if is_caught() {
            tracing::error!("panic in a background task: {info}");
        } else {
            previous(info);
        }
    })
}

/// The text a panic was raised with.
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic without a message".to_owned()
    }
}
