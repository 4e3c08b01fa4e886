//! P-keys: a keystroke, a move, a page and a restore result at 100,000
//! rows, each one `update` plus one 160x50 frame.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reprieve::app::{Action, Msg, Source, State, update};
use reprieve::store::{EventPage, Page};
use tui_input::InputRequest;

use crate::data::{
    PAGE, READS, REGIONS, ROWS, arn_in, deleted, event, listing_page, name, now, source_of,
};

pub type Screen = Terminal<TestBackend>;

pub fn draw(terminal: &mut Screen, state: &State) {
    terminal
        .draw(|frame| {
            reprieve::ui::render(frame, state);
        })
        .expect("a frame");
}

/// A state holding every row, listed and dated by CloudTrail, over
/// `sources` sources that each hold an equal share.
pub fn loaded(sources: usize) -> (State, Screen) {
    let list: Vec<Source> = (0..sources)
        .map(|s| Source {
            region: Some(REGIONS[s].to_owned()),
            ..Source::default()
        })
        .collect();
    let mut state = State::with_sources(list, jiff::tz::TimeZone::UTC, now());
    let size = Msg::Resize {
        width: 160,
        height: 50,
    };
    update(&mut state, size);
    state.start();
    let pages = ROWS / PAGE;
    for p in 0..pages {
        let source = p % sources;
        let last = p + sources >= pages;
        let page = Page {
            next_token: (!last).then(|| (p + sources).to_string()),
            ..listing_page(p, sources)
        };
        let generation = state.feeds()[source].load.generation;
        update(
            &mut state,
            Msg::PageLoaded {
                source,
                generation,
                page,
            },
        );
    }
    let chunks = ROWS / 50;
    for chunk in 0..chunks {
        let source = source_of(chunk * 50, sources);
        let last = (chunk + 1..chunks).all(|c| source_of(c * 50, sources) != source);
        let events = (chunk * 50..(chunk + 1) * 50)
            .map(|i| event(i, sources))
            .collect();
        let page = EventPage {
            events,
            unreadable: 0,
            next_token: (!last).then(|| chunk.to_string()),
        };
        let generation = state.feeds()[source].trail.generation;
        update(
            &mut state,
            Msg::DeletionsLoaded {
                source,
                generation,
                page,
            },
        );
    }
    assert_eq!(state.list().len(), ROWS);
    assert_eq!(state.estimated(), 0, "every row dated");
    // 50,000 refused reads: a hundred each for 500 secrets, as broken
    // deployments retry, half by name and half by ARN.
    for source in 0..sources {
        let result = Ok(reprieve::store::Identity {
            account: "111122223333".into(),
            arn: "arn:aws:iam::111122223333:user/bench".into(),
        });
        update(&mut state, Msg::Identified { source, result });
    }
    let reader = std::sync::Arc::new(reprieve::store::Principal {
        kind: Some("AssumedRole".into()),
        arn: Some("arn:aws:sts::111122223333:assumed-role/app/task".into()),
        short: Some("task".into()),
    });
    // Made a page at a time, as they would arrive: the figure is the
    // state's, not the benchmark's own copies.
    let read = |k: usize| {
        let i = (k % 500) * (ROWS / 500);
        let secret_id = if k.is_multiple_of(2) {
            name(i)
        } else {
            arn_in(i, sources).to_string()
        };
        reprieve::store::FailedRead {
            // After the deletion, and never after now.
            event_time: deleted(i) + jiff::SignedDuration::from_secs((k % 290) as i64 + 1),
            event_id: Some(format!("read-{k}")),
            secret_id,
            principal: std::sync::Arc::clone(&reader),
            source_ip: Some("10.0.3.7".into()),
        }
    };
    for source in 0..sources {
        let mine: Vec<usize> = (0..READS)
            .filter(|k| source_of((k % 500) * (ROWS / 500), sources) == source)
            .collect();
        let n = mine.len().div_ceil(50);
        for (c, ks) in mine.chunks(50).enumerate() {
            let reads: Vec<_> = ks.iter().map(|&k| read(k)).collect();
            let page = reprieve::store::ReadPage {
                events: reads.len(),
                oldest: reads.iter().map(|r| r.event_time).min(),
                reads,
                unreadable: 0,
                next_token: (c + 1 < n).then(|| c.to_string()),
            };
            let generation = state.feeds()[source].reads.generation;
            update(
                &mut state,
                Msg::ReadsLoaded {
                    source,
                    generation,
                    page,
                },
            );
        }
    }
    assert_eq!(state.list().asked(), 500, "every read counted on its row");
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("a test terminal");
    draw(&mut terminal, &state);
    (state, terminal)
}

/// Typing queries into the filter, a keystroke at a time, then deleting
/// and clearing: each keystroke, and the first of each query, timed.
pub fn filter(state: &mut State, terminal: &mut Screen) {
    // Exact-ish, fuzzy with letters dropped, two words, and capitals,
    // which smart case sends through nucleo for every row.
    const QUERIES: [&str; 6] = ["service-0", "prod/", "ledger", "pymnts", "stg ldgr", "Prod"];
    let mut typing = Samples(Vec::new());
    let mut first = Samples(Vec::new());
    for round in 0..30 {
        update(state, Msg::Action(Action::OpenFilter));
        for (k, c) in QUERIES[round % QUERIES.len()].chars().enumerate() {
            let msg = Msg::FilterEdit(InputRequest::InsertChar(c));
            if k == 0 {
                // A keystroke too: counted in both.
                first.time(state, terminal, msg);
                typing.0.extend(first.0.last().copied());
            } else {
                typing.time(state, terminal, msg);
            }
        }
        for _ in 0..3 {
            let msg = Msg::FilterEdit(InputRequest::DeletePrevChar);
            typing.time(state, terminal, msg);
        }
        typing.time(state, terminal, Msg::Action(Action::ClearFilter));
    }
    typing.report("filter keystroke");
    first.report_within("first keystroke of a query", 16, 16);
}

pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn time(&mut self, state: &mut State, terminal: &mut Screen, msg: Msg) {
        let started = Instant::now();
        update(state, msg);
        draw(terminal, state);
        self.0.push(started.elapsed());
    }

    pub fn report(self, what: &str) {
        self.report_within(what, 2, 8);
    }

    /// Prints the median and p99 against limits, in milliseconds.
    pub fn report_within(mut self, what: &str, median_ms: u64, p99_ms: u64) {
        self.0.sort();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q).round() as usize];
        let (median, p99) = (at(0.5), at(0.99));
        let ok = median <= Duration::from_millis(median_ms) && p99 <= Duration::from_millis(p99_ms);
        println!(
            "  {what:<32} median {:>7.3} ms   p99 {:>7.3} ms   ({} samples)   limit {median_ms} / {p99_ms} ms   {}",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            self.0.len(),
            if ok { "ok" } else { "OVER" }
        );
    }
}

pub fn keys(sources: usize) {
    println!(
        "P-keys: one update and one 160x50 frame, {ROWS} rows loaded from {sources} source(s)"
    );
    let started = Instant::now();
    let (mut state, mut terminal) = loaded(sources);
    println!(
        "  (loading {ROWS} rows and their CloudTrail events took {:.2?})",
        started.elapsed()
    );

    filter(&mut state, &mut terminal);

    let mut moving = Samples(Vec::new());
    for i in 0..300 {
        let action = match i % 10 {
            0 => Action::PageDown,
            5 => Action::Bottom,
            9 => Action::Top,
            _ => Action::Down,
        };
        moving.time(&mut state, &mut terminal, Msg::Action(action));
    }
    moving.report("moving the selection");

    // A refresh: the same rows again, page by page.
    let mut pages = Samples(Vec::new());
    update(&mut state, Msg::Action(Action::Refresh));
    let generation = state.load().generation;
    for p in 0..300 {
        let page = listing_page(p * 3, sources);
        let page = Page {
            next_token: Some("more".into()),
            ..page
        };
        pages.time(
            &mut state,
            &mut terminal,
            Msg::PageLoaded {
                source: 0,
                generation,
                page,
            },
        );
    }
    pages.report("a page arriving");

    let mut restores = Samples(Vec::new());
    for i in 0..300 {
        let row = state
            .list()
            .get(&arn_in(i * 311, sources))
            .expect("a listed row");
        let target = reprieve::app::Target::of(row.source(), &row.secret, &row.dates);
        let msg = Msg::RestoreFinished {
            target,
            outcome: reprieve::app::Outcome::Restored {
                request_id: None,
                checked: false,
            },
        };
        restores.time(&mut state, &mut terminal, msg);
    }
    restores.report("a restore result");
    println!();
}
