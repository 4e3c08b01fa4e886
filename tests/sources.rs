//! `update` with several sources: pages interleave, failures stay with
//! their source, duplicates are listed once, restores go back to the source.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use jiff::tz::TimeZone;
use reprieve::app::{Action, Effect, FeedState, Mode, Msg, Source, State, update};
use reprieve::engine::sources::OrgRoute;
use reprieve::store::{Arn, ErrorKind, Identity, PendingSecret, StoreError};

fn source(profile: &str, region: &str) -> Source {
    Source {
        label: format!("{region} · profile {profile}"),
        profile: Some(profile.into()),
        region: Some(region.into()),
        ..Source::default()
    }
}

/// prod in us-east-1 and eu-west-1, staging in eu-west-1.
fn three() -> (State, Vec<Effect>) {
    let mut state = State::with_sources(
        vec![
            source("prod", "us-east-1"),
            source("prod", "eu-west-1"),
            source("staging", "eu-west-1"),
        ],
        TimeZone::UTC,
        now(),
    );
    update(
        &mut state,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    let effects = state.start();
    (state, effects)
}

/// A pending secret of `account` in `region`.
fn secret_in(region: &str, account: &str, name: &str, hours: f64) -> PendingSecret {
    let mut s = secret(name, hours);
    s.arn = Arn::new(format!(
        "arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf"
    ));
    s
}

fn page_of(
    state: &mut State,
    source: usize,
    secrets: Vec<PendingSecret>,
    next: Option<&str>,
) -> Vec<Effect> {
    let generation = state.feeds()[source].load.generation;
    let page = page(secrets, 10, next);
    update(
        state,
        Msg::PageLoaded {
            source,
            generation,
            page,
        },
    )
}

fn identified(state: &mut State, source: usize, account: &str) {
    let result = Ok(Identity {
        account: account.into(),
        arn: format!("arn:aws:sts::{account}:assumed-role/Admin/alice"),
    });
    update(state, Msg::Identified { source, result });
}

fn fail(state: &mut State, source: usize, error: StoreError) {
    let generation = state.feeds()[source].load.generation;
    update(
        state,
        Msg::LoadFailed {
            source,
            generation,
            error,
        },
    );
}

fn expired() -> StoreError {
    StoreError::new(
        ErrorKind::ExpiredCredentials,
        None,
        "the SSO session has expired",
    )
}

#[test]
fn every_source_is_asked_who_it_is_and_listed_at_once() {
    let (_, effects) = three();
    for source in 0..3 {
        assert!(
            effects.contains(&Effect::Identify { source }),
            "{effects:?}"
        );
        assert!(
            effects.contains(&Effect::LoadPage {
                source,
                generation: 1,
                token: None
            }),
            "{effects:?}"
        );
    }
}

#[test]
fn pages_from_many_sources_interleave_soonest_first_and_a_late_page_is_dropped() {
    let (mut state, _) = three();
    let next = page_of(
        &mut state,
        0,
        vec![secret_in("us-east-1", "1", "a", 50.0)],
        Some("t"),
    );
    assert_eq!(
        next,
        vec![Effect::LoadPage {
            source: 0,
            generation: 1,
            token: Some("t".into())
        }],
        "each source pages on its own"
    );
    page_of(
        &mut state,
        2,
        vec![secret_in("eu-west-1", "2", "b", 10.0)],
        None,
    );
    page_of(
        &mut state,
        1,
        vec![secret_in("eu-west-1", "1", "c", 30.0)],
        None,
    );
    page_of(
        &mut state,
        0,
        vec![secret_in("us-east-1", "1", "d", 5.0)],
        None,
    );
    assert_eq!(names(&state), ["d", "b", "c", "a"]);

    act(&mut state, Action::Refresh);
    // A page of source 1's earlier listing arrives after the refresh.
    let stale = update(
        &mut state,
        Msg::PageLoaded {
            source: 1,
            generation: 1,
            page: page(vec![secret_in("eu-west-1", "1", "old", 1.0)], 1, Some("x")),
        },
    );
    assert!(stale.is_empty());
    assert!(!names(&state).contains(&"old".to_owned()));
}

#[test]
fn a_failing_source_leaves_the_other_rows_and_the_selection_alone() {
    let (mut state, _) = three();
    page_of(
        &mut state,
        0,
        vec![
            secret_in("us-east-1", "1", "c", 5.0),
            secret_in("us-east-1", "1", "b", 9.0),
        ],
        None,
    );
    act(&mut state, Action::Down);
    fail(&mut state, 2, expired());
    page_of(
        &mut state,
        1,
        vec![secret_in("eu-west-1", "1", "a", 20.0)],
        None,
    );
    assert!(state.startup_error().is_none(), "not every source failed");
    // Soonest first; by name it would be the reverse.
    assert_eq!(names(&state), ["c", "b", "a"]);
    assert_eq!(selected(&state).as_deref(), Some("b"));
    assert_eq!(state.failing(), 1);
    assert!(matches!(state.feed_state(2), FeedState::Failed(_)));
    assert_eq!(state.feed_state(0), FeedState::Done);
    assert_eq!(state.rows_by_source(), [2, 1, 0]);
    let status = state.status().unwrap().text.clone();
    assert!(
        status.contains("profile staging failed") && status.contains("(s: sources)"),
        "{status}"
    );
}

#[test]
fn the_startup_error_screen_is_for_when_every_source_fails() {
    let (mut state, _) = three();
    fail(&mut state, 0, expired());
    fail(&mut state, 1, expired());
    assert!(
        state.startup_error().is_none(),
        "one source is still listing"
    );
    fail(
        &mut state,
        2,
        StoreError::new(ErrorKind::AccessDenied, None, "no"),
    );
    let (error, source) = state.startup_error().unwrap();
    assert_eq!(error.kind, ErrorKind::ExpiredCredentials);
    assert_eq!(source.profile.as_deref(), Some("prod"));
}

#[test]
fn r_lists_every_source_again_and_asks_again_who_a_failed_one_is() {
    let (mut state, _) = three();
    identified(&mut state, 0, "1");
    let result = Err(expired());
    update(&mut state, Msg::Identified { source: 2, result });
    fail(&mut state, 2, expired());
    page_of(&mut state, 0, vec![], None);
    page_of(&mut state, 1, vec![], None);
    let effects = act(&mut state, Action::Refresh);
    assert_eq!(
        effects,
        vec![
            Effect::LoadPage {
                source: 0,
                generation: 2,
                token: None
            },
            Effect::LoadPage {
                source: 1,
                generation: 2,
                token: None
            },
            Effect::Identify { source: 2 },
            Effect::LoadPage {
                source: 2,
                generation: 2,
                token: None
            },
        ]
    );
}

#[test]
fn two_profiles_reaching_the_same_account_and_region_are_listed_once() {
    let mut state = State::with_sources(
        vec![
            source("prod", "eu-west-1"),
            source("prod-admin", "eu-west-1"),
            source("prod-admin", "us-east-1"),
        ],
        TimeZone::UTC,
        now(),
    );
    state.start();
    identified(&mut state, 0, "111122223333");
    identified(&mut state, 1, "111122223333");
    identified(&mut state, 2, "111122223333");
    assert_eq!(state.feed_state(1), FeedState::Duplicate(0));
    assert_eq!(
        state.feed_state(2),
        FeedState::Listing,
        "another region is another source"
    );
    // The duplicate's pages are dropped, and R does not list it again.
    let late = update(
        &mut state,
        Msg::PageLoaded {
            source: 1,
            generation: 1,
            page: page(vec![secret("x", 1.0)], 1, Some("t")),
        },
    );
    assert!(late.is_empty());
    page_of(&mut state, 0, vec![], None);
    page_of(&mut state, 2, vec![], None);
    let effects = act(&mut state, Action::Refresh);
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::LoadPage { source: 1, .. })),
        "{effects:?}"
    );
}

#[test]
fn an_account_reached_by_a_profile_and_by_the_org_role_is_listed_once() {
    let org = |account: &str, region: &str| Source {
        label: format!("{region} · payments {account} · role OrganizationAccountAccessRole"),
        region: Some(region.into()),
        org: Some(OrgRoute {
            account: account.into(),
            account_name: Some("payments".into()),
            role_arn: Some(format!(
                "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
            )),
            external_id: false,
            caller: "arn:aws:iam::999988887777:user/alice".into(),
        }),
        ..Source::default()
    };
    let mut state = State::with_sources(
        vec![
            source("payments", "eu-west-1"),
            org("111122223333", "eu-west-1"),
            org("444455556666", "eu-west-1"),
        ],
        TimeZone::UTC,
        now(),
    );
    state.start();
    identified(&mut state, 0, "111122223333");
    identified(&mut state, 1, "111122223333");
    identified(&mut state, 2, "444455556666");
    assert_eq!(state.feed_state(1), FeedState::Duplicate(0));
    assert_eq!(state.feed_state(2), FeedState::Listing);
    let same = secret_in("eu-west-1", "111122223333", "db", 5.0);
    page_of(&mut state, 0, vec![same.clone()], None);
    page_of(&mut state, 1, vec![same], None);
    page_of(
        &mut state,
        2,
        vec![secret_in("eu-west-1", "444455556666", "db", 7.0)],
        None,
    );
    assert_eq!(names(&state), ["db", "db"], "one row per account");
    // The member's row is restored through its role, and the prompt says so.
    update(
        &mut state,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    act(&mut state, Action::Bottom);
    act(&mut state, Action::Restore);
    let Mode::Confirm(target) = state.mode().clone() else {
        panic!("no confirmation")
    };
    assert_eq!(target.source, 2);
    let shown = screen(&state);
    // "Via account … · role", the role's name wrapped onto the next line.
    assert!(shown.contains("· role"), "{shown}");
    assert!(!shown.contains("· profile"), "{shown}");
    assert!(shown.contains("OrganizationAccountAccessRole"), "{shown}");
    assert_eq!(
        target.route.map(|(_, caller)| caller).as_deref(),
        Some("arn:aws:iam::999988887777:user/alice")
    );
}

#[test]
fn more_than_65535_sources_each_keep_their_rows_and_restores() {
    let n = 70_000;
    let sources = (0..n)
        .map(|i| source(&format!("p{i}"), "us-east-1"))
        .collect();
    let mut state = State::with_sources(sources, TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 160,
            height: 30,
        },
    );
    state.start();
    assert_eq!(state.feeds().len(), n);
    let last = n - 1;
    page_of(
        &mut state,
        last,
        vec![secret_in("us-east-1", "123456789012", "far", 5.0)],
        None,
    );
    page_of(
        &mut state,
        65_536,
        vec![secret_in("us-east-1", "210987654321", "near", 9.0)],
        None,
    );
    assert_eq!(names(&state), ["far", "near"]);
    act(&mut state, Action::Top);
    act(&mut state, Action::Restore);
    let Mode::Confirm(target) = state.mode().clone() else {
        panic!("no confirmation")
    };
    assert_eq!(target.source, last, "not saturated at 65,535");
}

#[test]
fn a_restore_goes_back_to_the_source_that_listed_the_row() {
    let (mut state, _) = three();
    page_of(
        &mut state,
        0,
        vec![secret_in("us-east-1", "1", "a", 50.0)],
        None,
    );
    page_of(
        &mut state,
        2,
        vec![secret_in("eu-west-1", "2", "b", 10.0)],
        None,
    );
    act(&mut state, Action::Top);
    act(&mut state, Action::Restore);
    let Mode::Confirm(target) = state.mode().clone() else {
        panic!("no confirmation")
    };
    assert_eq!(target.source, 2, "b came from staging in eu-west-1");
    let effects = confirm(&mut state);
    assert!(
        matches!(&effects[..], [Effect::Restore(t)] if t.source == 2),
        "{effects:?}"
    );
}

#[test]
fn a_region_not_enabled_is_said_quietly_when_the_credentials_work_elsewhere() {
    let (mut state, _) = three();
    page_of(&mut state, 0, vec![], None);
    let not_enabled = StoreError::new(
        ErrorKind::InvalidCredentials,
        Some("UnrecognizedClientException"),
        "The security token included in the request is invalid.",
    );
    fail(&mut state, 1, not_enabled);
    assert_eq!(state.feed_state(1), FeedState::NotEnabled);
    assert_eq!(state.failing(), 0);
    assert_eq!(state.status(), None, "not an error line");
}

#[test]
fn at_words_in_the_filter_keep_to_one_region_or_account() {
    let (mut state, _) = three();
    page_of(
        &mut state,
        0,
        vec![secret_in("us-east-1", "111122223333", "prod/db", 5.0)],
        None,
    );
    page_of(
        &mut state,
        1,
        vec![secret_in("eu-west-1", "111122223333", "prod/db", 6.0)],
        None,
    );
    page_of(
        &mut state,
        2,
        vec![secret_in("eu-west-1", "210987654321", "stage/db", 7.0)],
        None,
    );
    typed(&mut state, "@eu-west");
    assert_eq!(names(&state), ["prod/db", "stage/db"]);
    typed(&mut state, "-1 prod");
    assert_eq!(names(&state), ["prod/db"]);
    assert!(
        state
            .list()
            .selected()
            .unwrap()
            .secret
            .arn
            .as_str()
            .contains("eu-west-1")
    );
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "db @2109");
    assert_eq!(names(&state), ["stage/db"]);
    act(&mut state, Action::ClearFilter);
    assert_eq!(state.list().visible_len(), 3);
}
