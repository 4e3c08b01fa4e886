//! The sources pane over an Organization: grouped by account, scrolled
//! with the keys, and cut to the failing sources, as the operator sees it.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::collections::HashMap;

use fixtures::org::*;
use fixtures::*;
use jiff::tz::TimeZone;
use reprieve::app::{Action, Mode, Msg, Source, State, update};
use reprieve::store::{ErrorKind, Identity, StoreError};

#[test]
fn three_hundred_sources_stand_under_their_accounts_by_name() {
    let mut state = organization(30, 100, 40);
    act(&mut state, Action::ShowSources);
    assert_eq!(title(&state), "Sources · 300");
    let lines = pane(&state);
    assert!(lines[0].starts_with("Account"), "{lines:#?}");
    // Listed in reverse, shown by name: the first heading, who, its regions.
    assert_eq!(
        lines[1],
        format!("acct-00 {} · 10 regions", account_id(0)),
        "{lines:#?}"
    );
    assert_eq!(lines[2], "as assumed-role/Audit/reprieve-alice");
    let regions: Vec<&str> = lines[3..13]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(regions, REGIONS, "in the order they came");
    assert!(lines[3].ends_with("done, 0 scheduled"), "{}", lines[3]);
    assert_eq!(headings(&state), ["acct-00", "acct-01", "acct-02"]);
    assert_eq!(position(&state), format!("rows 1–34 of {TOTAL}"));
    assert!(!screen(&state).contains("acct-29"));
}

/// Thirty headings, the caller of each but acct-21 (refused everywhere),
/// 300 sources; and under three failures their message and fix: acct-07's
/// and acct-13's take two lines, acct-21's seven (3 + 4).
const TOTAL: usize = 30 + 29 + 300 + 2 + 2 + 7;

#[test]
fn the_keys_move_the_window_and_end_shows_the_last_account() {
    let mut state = organization(30, 100, 40);
    act(&mut state, Action::ShowSources);
    let total = TOTAL;
    act(&mut state, Action::Down);
    act(&mut state, Action::Down);
    assert_eq!(position(&state), format!("rows 3–36 of {total}"));
    // The top line is a source; its account's name stands beside it.
    let top = &pane(&state)[1];
    assert!(
        top.starts_with("acct-00") && top.contains("us-east-1"),
        "{top}"
    );
    act(&mut state, Action::Up);
    assert_eq!(position(&state), format!("rows 2–35 of {total}"));

    // A page keeps the last line of the one before in view.
    act(&mut state, Action::PageDown);
    assert_eq!(position(&state), format!("rows 35–68 of {total}"));
    act(&mut state, Action::PageUp);
    act(&mut state, Action::PageUp);
    assert_eq!(position(&state), format!("rows 1–34 of {total}"));

    act(&mut state, Action::Bottom);
    assert_eq!(
        position(&state),
        format!("rows {}–{total} of {total}", total - 33)
    );
    let shown = headings(&state);
    assert_eq!(
        shown.last().map(String::as_str),
        Some("acct-29"),
        "{shown:?}"
    );
    assert!(!shown.contains(&"acct-00".to_owned()));
    // Past the end, nothing moves.
    act(&mut state, Action::Down);
    act(&mut state, Action::PageDown);
    assert_eq!(
        position(&state),
        format!("rows {}–{total} of {total}", total - 33)
    );
    act(&mut state, Action::Top);
    assert_eq!(headings(&state)[0], "acct-00");

    // Opened again, it starts at the top.
    act(&mut state, Action::Bottom);
    act(&mut state, Action::CloseSources);
    assert_eq!(state.mode(), &Mode::List);
    act(&mut state, Action::ShowSources);
    assert_eq!(position(&state), format!("rows 1–34 of {total}"));
}

#[test]
fn failing_only_shows_the_failing_sources_under_their_headings_and_back() {
    let mut state = organization(30, 100, 40);
    act(&mut state, Action::ShowSources);
    act(&mut state, Action::Bottom);
    act(&mut state, Action::FailingOnly);
    assert_eq!(title(&state), "Sources · failing only · 12 of 300");
    assert_eq!(headings(&state), ["acct-07", "acct-13", "acct-21"]);
    let lines = pane(&state);
    let text = lines.join("\n");
    // The counts are the account's: all its regions, and how many fail.
    assert!(
        text.contains(&format!(
            "acct-07 {} · 10 regions · 1 failing",
            account_id(7)
        )),
        "{text}"
    );
    assert!(text.contains("· 10 regions · 10 failing"), "{text}");
    assert!(!text.contains("done,"), "{text}");
    assert!(text.contains("eu-west-1      failed: Secrets Manager is throttling"));
    assert!(
        text.contains("Fix: Wait a few seconds, then press R."),
        "{text}"
    );
    assert!(text.contains("sa-east-1      failed: The Secrets Manager endpoint"));
    // acct-21 fails the same way in every region: said once, under the first.
    let role = format!("arn:aws:iam::{}:role/Audit", account_id(21));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("Fix: Create"))
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains(&role), "{text}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with("failed, same as us-east-1"))
            .count(),
        9,
        "{text}"
    );
    assert!(position(&state).starts_with("rows 1–"), "from the top");

    act(&mut state, Action::FailingOnly);
    assert_eq!(title(&state), "Sources · 300");
    assert_eq!(headings(&state), ["acct-00", "acct-01", "acct-02"]);
}

#[test]
fn when_nothing_fails_failing_only_says_so() {
    let mut state = organization(3, 100, 40);
    act(&mut state, Action::ShowSources);
    act(&mut state, Action::FailingOnly);
    assert_eq!(title(&state), "Sources · failing only · 0 of 30");
    let lines = pane(&state);
    assert_eq!(lines[1], "No source is failing.", "{lines:#?}");
    assert!(!screen(&state).contains("rows "));
}

/// Every source failed: the startup error screen, and the pane over it
/// still scrolls and closes.
#[test]
fn over_the_startup_error_the_pane_scrolls_and_closes() {
    let sources = REGIONS.map(|r| member(&account_id(5), r)).to_vec();
    let mut state = State::with_sources(sources, TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 12,
        },
    );
    state.start();
    for source in 0..REGIONS.len() {
        let generation = state.feeds()[source].load.generation;
        let error = refused(&account_id(5));
        update(
            &mut state,
            Msg::LoadFailed {
                source,
                generation,
                error,
            },
        );
    }
    assert!(state.startup_error().is_some());
    act(&mut state, Action::ShowSources);
    let before = position(&state);
    act(&mut state, Action::Down);
    assert_ne!(position(&state), before);
    act(&mut state, Action::CloseSources);
    assert_eq!(state.mode(), &Mode::List);
}

/// Profiles reaching one account group under it, with a Profile column, a
/// region STS could not answer in too; a profile STS could not name at
/// all stands under "account unknown", last. Names
/// from the config file are shown safely and cut to the column.
#[test]
fn the_grouped_pane_at_a_small_size() {
    let source = |profile: &str, region: &str| Source {
        label: format!("{region} · profile {profile}"),
        profile: Some(profile.into()),
        region: Some(region.into()),
        ..Source::default()
    };
    let mut state = State::with_sources(
        vec![
            source("prod", "us-east-1"),
            source("prod", "eu-west-1"),
            source("prod-ro", "ap-southeast-7"),
            source("staging", "eu-west-1"),
            source("broken", "eu-west-1"),
            source("prod", "ap-south-2"),
        ],
        TimeZone::UTC,
        now(),
    )
    .with_accounts(
        HashMap::from([
            (
                "111122223333".into(),
                "prod-\x1b[31m東京-payments-long".into(),
            ),
            ("444455556666".into(), "staging".into()),
        ]),
        [],
    );
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 22,
        },
    );
    state.start();
    let who = |account: &str, role: &str| {
        Ok(Identity {
            account: account.into(),
            arn: format!("arn:aws:sts::{account}:assumed-role/{role}/alice"),
        })
    };
    for (source, result) in [
        (0, who("111122223333", "Admin")),
        (1, who("111122223333", "Admin")),
        (2, who("111122223333", "ReadOnly")),
        (3, who("444455556666", "Admin")),
    ] {
        update(&mut state, Msg::Identified { source, result });
    }
    for source in 0..4 {
        let generation = state.feeds()[source].load.generation;
        let secrets = if source == 0 {
            vec![secret("db", 5.0), secret("api", 9.0)]
        } else {
            vec![]
        };
        let page = page(secrets, 2, None);
        update(
            &mut state,
            Msg::PageLoaded {
                source,
                generation,
                page,
            },
        );
    }
    let expired = StoreError::new(
        ErrorKind::ExpiredCredentials,
        None,
        "the SSO session has expired",
    );
    update(
        &mut state,
        Msg::Identified {
            source: 4,
            result: Err(expired.clone()),
        },
    );
    let generation = state.feeds()[4].load.generation;
    update(
        &mut state,
        Msg::LoadFailed {
            source: 4,
            generation,
            error: expired,
        },
    );
    // prod's credentials in a region its account has not enabled: STS
    // does not answer there, and the account is still prod's.
    let not_enabled = StoreError::new(
        ErrorKind::InvalidCredentials,
        Some("UnrecognizedClientException"),
        "The security token included in the request is invalid.",
    );
    update(
        &mut state,
        Msg::Identified {
            source: 5,
            result: Err(not_enabled.clone()),
        },
    );
    let generation = state.feeds()[5].load.generation;
    update(
        &mut state,
        Msg::LoadFailed {
            source: 5,
            generation,
            error: not_enabled,
        },
    );
    act(&mut state, Action::ShowSources);
    insta::assert_snapshot!(screen(&state));
}
