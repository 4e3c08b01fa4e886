//! The sources pane at the scale of an Organization: a frame is one pass
//! over the sources, not one per line.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::org::*;
use fixtures::*;
use jiff::tz::TimeZone;
use reprieve::app::{Action, Msg, Source, State, update};
use reprieve::store::{ErrorKind, StoreError};

/// A whole Organization: 100 accounts in 17 regions. A frame is one pass
/// over the sources, not one per line: `--nocapture` prints the screen and
/// what it cost.
#[test]
fn seventeen_hundred_sources_draw_in_one_pass() {
    let regions = &reprieve::engine::sources::ALL_REGIONS[..17];
    let mut state = organization_in(100, regions, 140, 35);
    act(&mut state, Action::ShowSources);
    let started = std::time::Instant::now();
    let first = screen(&state);
    let frame = started.elapsed();
    println!("{first}");
    let started = std::time::Instant::now();
    act(&mut state, Action::FailingOnly);
    act(&mut state, Action::Bottom);
    let failing = screen(&state);
    let key_and_frame = started.elapsed() / 2;
    println!("{failing}");
    println!("one frame: {frame:?}; a key and a frame: {key_and_frame:?}");
    assert!(first.contains("Sources · 1,700"), "{first}");
    assert!(
        failing.contains("Sources · failing only · 19 of 1,700"),
        "{failing}"
    );
    assert!(failing.contains("acct-21"), "{failing}");
    // Generous for a debug build on a busy machine; a pass per line
    // (1,700 x 1,700) takes seconds.
    assert!(frame < std::time::Duration::from_millis(500), "{frame:?}");
}

/// 20,000 sources, each its own profile and failing its own way: a walk
/// over every source for each line would take minutes; one pass, well
/// under a second even in a debug build.
#[test]
fn twenty_thousand_failing_sources_draw_in_one_pass() {
    let n = 20_000;
    let sources = (0..n)
        .map(|i| Source {
            label: format!("us-east-1 · profile p{i}"),
            profile: Some(format!("p{i}")),
            region: Some("us-east-1".into()),
            ..Source::default()
        })
        .collect();
    let mut state = State::with_sources(sources, TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 140,
            height: 35,
        },
    );
    state.start();
    let expired = StoreError::new(ErrorKind::ExpiredCredentials, None, "expired");
    // The first keeps listing, so this is no startup error.
    for source in (1..n).rev() {
        let generation = state.feeds()[source].load.generation;
        let error = expired.clone();
        update(
            &mut state,
            Msg::LoadFailed {
                source,
                generation,
                error,
            },
        );
    }
    act(&mut state, Action::ShowSources);
    let started = std::time::Instant::now();
    act(&mut state, Action::Bottom);
    let text = screen(&state);
    let elapsed = started.elapsed();
    println!("{text}\na key and a frame: {elapsed:?}");
    assert!(text.contains("account unknown"), "{text}");
    assert!(text.contains("p19999"), "{text}");
    assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
}
